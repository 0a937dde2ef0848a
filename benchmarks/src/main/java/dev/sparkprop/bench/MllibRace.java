package dev.sparkprop.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;

/**
 * MLlib's MultilayerPerceptronClassifier to a test accuracy. A fit cannot report accuracy along
 * the way, so it fits from scratch with maxIter = 10, 20, 40, ... up to a cap and takes the first
 * fit that reaches the target; its time is that fit's wall time, MLlib's setup (stacking the rows
 * into its blocks, caching them) included. The same seed gives the same initial weights, so each
 * fit retraces the previous one's iterations before going further.
 */
final class MllibRace {

    static final int FIRST_MAX_ITER = 10;

    private MllibRace() {
    }

    static Race run(AccuracyData data, int[] layers, int blockSize, int maxIterCap, long seed, double target) {
        MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier().setLayers(layers)
                .setSolver("l-bfgs").setBlockSize(blockSize).setSeed(seed);
        MulticlassClassificationEvaluator evaluator = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy");
        // Untimed warm-up of the JIT, as sparkprop gets one.
        fit(mlp, data, 2);
        List<Race.Check> checks = new ArrayList<>();
        CpuMeter cpu = CpuMeter.start();
        long started = System.nanoTime();
        for (int maxIter : schedule(maxIterCap)) {
            long t0 = System.nanoTime();
            MultilayerPerceptronClassificationModel model = fit(mlp, data, maxIter);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double accuracy = evaluator.evaluate(model.transform(data.mllibTest()));
            // The objective history holds the initial loss and one value per iteration.
            int iterations = model.summary().objectiveHistory().length - 1;
            checks.add(new Race.Check(maxIter, iterations, seconds, accuracy));
            TimeToAccuracy.progress("MLlib maxIter %d: %d iterations, fit %.1f s, test accuracy %.4f", maxIter,
                    iterations, seconds, accuracy);
            // Fewer iterations than allowed: L-BFGS converged, and a larger maxIter would end the same.
            if (accuracy >= target || iterations < maxIter) {
                break;
            }
        }
        double wall = (System.nanoTime() - started) / 1e9;
        return new Race("MLlib", setting(layers, blockSize), "maxIter", target, checks, wall, cpu.otherCores());
    }

    private static MultilayerPerceptronClassificationModel fit(MultilayerPerceptronClassifier mlp, AccuracyData data,
                                                               int maxIter) {
        return mlp.copy(mlp.extractParamMap()).setMaxIter(maxIter).fit(data.mllibTrain());
    }

    /** 10, 20, 40, ... doubling, ending with the cap itself. */
    static List<Integer> schedule(int cap) {
        List<Integer> maxIters = new ArrayList<>();
        for (int k = FIRST_MAX_ITER; k < cap; k *= 2) {
            maxIters.add(k);
        }
        maxIters.add(cap);
        return maxIters;
    }

    static String setting(int[] layers, int blockSize) {
        return String.format(Locale.ROOT, "%s sigmoid (softmax out), l-bfgs, blockSize %d",
                Arrays.stream(layers).mapToObj(Integer::toString).collect(Collectors.joining(",")), blockSize);
    }
}
