package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.Losses;
import dev.sparkprop.nn.NetworkSpec;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Weighted metrics of a model over cached blocks, computed where the blocks live: mean loss;
 * accuracy for classification (argmax for softmax, 0.5 threshold per output for sigmoid); RMSE
 * and R² (over all outputs pooled) for regression, in the targets' original units. The loss is
 * the training objective, so on standardised targets when the data standardises them.
 */
public record Evaluation(double loss, double accuracy, double rmse, double r2, long rows) {

    // Layout of the per-partition sums.
    private static final int LOSS = 0;
    private static final int WEIGHT = 1;
    private static final int CORRECT = 2;
    private static final int SQUARED_ERROR = 3;
    private static final int WEIGHTED_Y = 4;
    private static final int WEIGHTED_Y2 = 5;
    private static final int ROWS = 6;

    public boolean isClassification() {
        return !Double.isNaN(accuracy);
    }

    /**
     * {@code loss=… accuracy=…} or {@code loss=… rmse=… r2=…}, with a prefix such as
     * {@code validation_}; the loss to 12 digits, so runs can be compared closely.
     */
    public String format(String prefix) {
        return isClassification()
                ? String.format("%sloss=%.12g %saccuracy=%.4f", prefix, loss, prefix, accuracy)
                : String.format("%sloss=%.12g %srmse=%.6g %sr2=%.4f", prefix, loss, prefix, rmse, prefix, r2);
    }

    public static Evaluation of(JavaSparkContext sc, TrainingData data, NetworkSpec spec, double[] params,
                                int blockRows) {
        Broadcast<double[]> weights = sc.broadcast(params.clone());
        String layers = spec.layersSpec();
        String loss = spec.loss().name();
        boolean classification = spec.loss() instanceof Losses.CrossEntropy
                || spec.loss() instanceof Losses.BinaryCrossEntropy;
        Scaling scaling = data.scaling();
        try {
            double[] sums = TrainingData.unwrapped(() -> data.blocks().mapPartitions(blocks -> {
                Backprop backprop = ExecutorCache.backprop(layers, loss, blockRows);
                double[] s = new double[7];
                while (blocks.hasNext()) {
                    accumulate(backprop, weights.value(), blocks.next(), scaling, s);
                }
                return List.of(s).iterator();
            }).treeReduce(Evaluation::add));
            double w = sums[WEIGHT];
            double outputs = spec.outputWidth();
            double sst = sums[WEIGHTED_Y2] - sums[WEIGHTED_Y] * sums[WEIGHTED_Y] / (w * outputs);
            return new Evaluation(sums[LOSS] / w,
                    classification ? sums[CORRECT] / (w * (spec.loss() instanceof Losses.CrossEntropy ? 1 : outputs))
                            : Double.NaN,
                    classification ? Double.NaN : Math.sqrt(sums[SQUARED_ERROR] / (w * outputs)),
                    classification ? Double.NaN : 1 - sums[SQUARED_ERROR] / sst,
                    (long) sums[ROWS]);
        } finally {
            weights.destroy();
        }
    }

    private static void accumulate(Backprop backprop, double[] params, Block block, Scaling scaling, double[] s) {
        s[LOSS] += backprop.loss(params, block);
        int units = block.outputWidth();
        boolean softmax = backprop.spec().loss() instanceof Losses.CrossEntropy;
        double[] out = backprop.lastOutput();
        double[] y = block.targets();
        if (scaling.targets() != null) {
            out = java.util.Arrays.copyOf(out, units * block.rows());
            y = java.util.Arrays.copyOf(y, units * block.rows());
            for (int off = 0; off < out.length; off += units) {
                scaling.unscaleTargets(out, off);
                scaling.unscaleTargets(y, off);
            }
        }
        for (int r = 0; r < block.rows(); r++) {
            double w = block.weights()[r];
            int off = r * units;
            s[WEIGHT] += w;
            s[ROWS]++;
            if (softmax) {
                s[CORRECT] += argmax(out, off, units) == argmax(y, off, units) ? w : 0;
            }
            for (int i = off; i < off + units; i++) {
                if (!softmax) {
                    s[CORRECT] += (out[i] >= 0.5) == (y[i] >= 0.5) ? w : 0;
                }
                double e = out[i] - y[i];
                s[SQUARED_ERROR] += w * e * e;
                s[WEIGHTED_Y] += w * y[i];
                s[WEIGHTED_Y2] += w * y[i] * y[i];
            }
        }
    }

    private static int argmax(double[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[] add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
