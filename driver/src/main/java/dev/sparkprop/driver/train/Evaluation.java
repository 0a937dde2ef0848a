package dev.sparkprop.driver.train;

import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.PartitionJob;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.Task;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import scala.Tuple3;

/**
 * Weighted metrics of a model over cached blocks, computed where the blocks live.
 * <ul>
 *   <li>always: {@code loss}, the training objective (on standardised targets for regression);</li>
 *   <li>classes (softmax, or one sigmoid output): {@code accuracy}, {@code macro_f1},
 *       {@code log_loss}, a confusion matrix of weighted counts, and {@code auc} for two classes;</li>
 *   <li>several sigmoid outputs (multi-label): {@code accuracy} per output at 0.5, pooled;</li>
 *   <li>regression: {@code rmse} and {@code mae} over every output's values (pooled), in the
 *       targets' original units; {@code r2} with each output's variance around its own mean (the
 *       variance-weighted R² of several outputs), NaN when the targets do not vary.</li>
 * </ul>
 * Accuracy, here and in training ({@link GradientSum#correctWeight}), is {@link Task#accuracy} of
 * the summed {@link Task#correctWeight}, and the confusion matrix counts {@link Task#trueClass}
 * against {@link Task#predictedClass}, so its diagonal holds the rows counted right.
 */
public final class Evaluation implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, Double> metrics;
    private final List<String> classes;
    private final double[][] confusion;

    private Evaluation(Map<String, Double> metrics, List<String> classes, double[][] confusion) {
        this.metrics = metrics;
        this.classes = classes;
        this.confusion = confusion;
    }

    /** Metric name → value, in display order. */
    public Map<String, Double> metrics() {
        return metrics;
    }

    public double get(String metric) {
        Double v = metrics.get(metric);
        return v == null ? Double.NaN : v;
    }

    public double loss() {
        return get("loss");
    }

    public double accuracy() {
        return get("accuracy");
    }

    public double r2() {
        return get("r2");
    }

    /** Weighted counts [true class][predicted class], or null without classes. */
    public double[][] confusion() {
        return confusion;
    }

    public List<String> classes() {
        return classes;
    }

    /** {@code <prefix>name=value ...}: losses to 12 digits so runs compare closely, others to 4. */
    public String format(String prefix) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((name, value) -> sb.append(sb.length() == 0 ? "" : " ").append(prefix).append(name).append('=')
                .append(String.format(name.endsWith("loss") ? "%.12g" : "%.4f", value)));
        return sb.toString();
    }

    /** One class's row of the per-class table: weighted support and predictions, precision, recall, F1. */
    public record ClassRow(String name, double support, double predicted, double precision, double recall,
                           double f1) {
    }

    /** Each class's row, in class order; empty without classes. */
    public List<ClassRow> perClass() {
        List<ClassRow> rows = new ArrayList<>();
        for (int c = 0; confusion != null && c < confusion.length; c++) {
            double[] prf = precisionRecallF1(c);
            rows.add(new ClassRow(classes.get(c), rowSum(c), columnSum(c), prf[0], prf[1], prf[2]));
        }
        return rows;
    }

    /** {@link #perClass} as a text table, empty without classes. */
    public String perClassTable() {
        if (confusion == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(String.format("%-16s %10s %10s %9s %9s %9s%n", "class", "support",
                "predicted", "precision", "recall", "f1"));
        for (ClassRow r : perClass()) {
            sb.append(String.format("%-16s %10.0f %10.0f %9.4f %9.4f %9.4f%n", r.name(), r.support(), r.predicted(),
                    r.precision(), r.recall(), r.f1()));
        }
        return sb.toString();
    }

    public static Evaluation of(JavaSparkContext sc, TrainingData data, NetworkSpec spec, double[] params,
                                int blockRows) {
        Preprocessing prep = data.preprocessing();
        Task task = spec.task();
        boolean softmax = task.kind() == Task.Kind.MULTICLASS;
        int classCount = task.classes();
        List<String> classes = classCount == 0 ? null : prep != null && prep.classes() != null ? prep.classes()
                : indices(classCount);
        String layers = spec.layersSpec();
        String loss = spec.loss().name();
        Precision precision = data.precision();
        int regressionOutputs = task.kind() == Task.Kind.REGRESSION ? spec.outputWidth() : 0;
        Broadcast<double[]> weights = sc.broadcast(params.clone());
        try {
            // Merged on the driver in partition order (PartitionJob keeps it), not in the order tasks
            // finish: floating-point sums depend on their order, and metrics must be reproducible.
            Sums sums = PartitionJob.collect(data.blocks(), "sparkprop evaluation", (Iterator<Block> blocks) -> {
                // Loaded once for the partition's blocks; nothing else runs on this thread meanwhile.
                Backprop backprop = ExecutorCache.backprop(layers, loss, blockRows, precision).load(weights.value());
                Sums s = new Sums(classCount, regressionOutputs);
                while (blocks.hasNext()) {
                    s.add(backprop, blocks.next(), prep);
                }
                return s;
            }).stream().reduce(Sums::merge).orElseThrow();
            Map<String, Double> metrics = new LinkedHashMap<>();
            double w = sums.weight;
            metrics.put("loss", sums.loss / w);
            double[][] confusion = null;
            if (task.hasAccuracy()) {
                metrics.put("accuracy", task.accuracy(sums.correct, w));
            }
            if (task.hasClasses()) {
                confusion = sums.confusion;
                metrics.put("macro_f1", new Evaluation(metrics, classes, confusion).macroF1());
                metrics.put("log_loss", sums.logLoss / w);
                if (classCount == 2) {
                    metrics.put("auc", auc(data, layers, loss, blockRows, weights, softmax, precision));
                }
            } else if (task.kind() == Task.Kind.REGRESSION) {
                double outputs = spec.outputWidth();
                // Each output around its own mean: pooled around one mean, outputs of different
                // scales would count the gaps between their means as explained variance.
                double sst = 0;
                boolean varies = false;
                for (int i = 0; i < sums.yM2.length; i++) {
                    sst += sums.yM2[i];
                    varies |= sums.yMin[i] < sums.yMax[i];
                }
                metrics.put("rmse", Math.sqrt(sums.squaredError / (w * outputs)));
                metrics.put("mae", sums.absoluteError / (w * outputs));
                // Targets that do not vary explain nothing: R² is undefined (NaN), not -Infinity or
                // a huge negative number from the rounding of Σy² - (Σy)²/w
                metrics.put("r2", varies ? 1 - sums.squaredError / sst : Double.NaN);
            }
            return new Evaluation(java.util.Collections.unmodifiableMap(metrics), classes, confusion);
        } finally {
            weights.destroy();
        }
    }

    /** Area under the ROC curve of the positive class (index 1), exact, weighted. */
    private static double auc(TrainingData data, String layers, String loss, int blockRows,
                              Broadcast<double[]> weights, boolean softmax, Precision precision) {
        var scored = data.blocks().flatMap(block -> {
            Backprop backprop = ExecutorCache.backprop(layers, loss, blockRows, precision);
            double[] out = backprop.load(weights.value()).predict(block);
            int units = block.outputWidth();
            List<Tuple3<Object, Object, Object>> rows = new ArrayList<>(block.rows());
            for (int r = 0; r < block.rows(); r++) {
                double label = softmax ? block.target(r, 1) : block.target(r, 0);
                rows.add(new Tuple3<>(out[r * units + (softmax ? 1 : 0)], label, block.weights()[r]));
            }
            return rows.iterator();
        });
        BinaryClassificationMetrics metrics = new BinaryClassificationMetrics(scored.rdd(), 0);
        try {
            return metrics.areaUnderROC();
        } finally {
            metrics.unpersist();
        }
    }

    private double rowSum(int c) {
        double s = 0;
        for (double v : confusion[c]) {
            s += v;
        }
        return s;
    }

    private double columnSum(int c) {
        double s = 0;
        for (double[] row : confusion) {
            s += row[c];
        }
        return s;
    }

    /** Precision, recall, F1 of class c; 0 where undefined (no predictions or no support), as sklearn does. */
    private double[] precisionRecallF1(int c) {
        double tp = confusion[c][c];
        double predicted = columnSum(c);
        double actual = rowSum(c);
        double precision = predicted > 0 ? tp / predicted : 0;
        double recall = actual > 0 ? tp / actual : 0;
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new double[] {precision, recall, f1};
    }

    /** Mean F1 over the classes present in the data or predicted. */
    private double macroF1() {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < confusion.length; c++) {
            if (rowSum(c) > 0 || columnSum(c) > 0) {
                sum += precisionRecallF1(c)[2];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static List<String> indices(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    /** Per-partition weighted sums; merged by addition. */
    static final class Sums implements Serializable {
        private static final long serialVersionUID = 1L;
        double loss;
        double weight;
        double correct;
        double logLoss;
        double squaredError;
        double absoluteError;
        /**
         * Per regression output, in original units: the weighted mean of the targets and Σ w·(y - mean)²,
         * updated row by row and merged by Chan's formula. Σ w·y² - (Σ w·y)²/Σ w would lose every
         * digit of a target far from 0 that varies by little (timestamps).
         */
        final double[] yMean;
        final double[] yM2;
        /** The weight the means are over. */
        double yWeight;
        /** Per regression output, the least and greatest target of the rows of positive weight. */
        final double[] yMin;
        final double[] yMax;
        final double[][] confusion;

        Sums(int classes, int regressionOutputs) {
            confusion = classes > 0 ? new double[classes][classes] : null;
            yMean = new double[regressionOutputs];
            yM2 = new double[regressionOutputs];
            yMin = new double[regressionOutputs];
            yMax = new double[regressionOutputs];
            java.util.Arrays.fill(yMin, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(yMax, Double.NEGATIVE_INFINITY);
        }

        /** Adds the block's sums at the parameters {@code backprop} has loaded. */
        void add(Backprop backprop, Block block, Preprocessing prep) {
            loss += backprop.loss(block);
            double[] out = backprop.lastOutput();
            int units = block.outputWidth();
            Task task = backprop.spec().task();
            boolean softmax = task.kind() == Task.Kind.MULTICLASS;
            correct += task.correctWeight(out, block);
            // A softmax classifier's block may hold class indices instead of one-hot targets.
            double[] target = task.oneHotTargets() ? null : block.targets();
            for (int r = 0; r < block.rows(); r++) {
                double w = block.weights()[r];
                int off = r * units;
                weight += w;
                if (task.hasClasses()) {
                    int truth = task.trueClass(block, r);
                    confusion[truth][task.predictedClass(out, off)] += w;
                    double p = softmax ? out[off + truth] : truth == 1 ? out[off] : 1 - out[off];
                    logLoss -= w * Math.log(Math.max(p, 1e-15));
                } else if (task.kind() == Task.Kind.REGRESSION && w > 0) {
                    yWeight += w;
                    double share = w / yWeight;
                    for (int i = 0; i < units; i++) {
                        double predicted = out[off + i];
                        double actual = target[off + i];
                        if (prep != null && prep.targetMean() != null) {
                            predicted = predicted / prep.targetScale()[i] + prep.targetMean()[i];
                            actual = actual / prep.targetScale()[i] + prep.targetMean()[i];
                        }
                        double e = predicted - actual;
                        squaredError += w * e * e;
                        absoluteError += w * Math.abs(e);
                        double delta = actual - yMean[i];
                        yMean[i] += delta * share;
                        yM2[i] += w * delta * (actual - yMean[i]);
                        yMin[i] = Math.min(yMin[i], actual);
                        yMax[i] = Math.max(yMax[i], actual);
                    }
                }
            }
        }

        Sums merge(Sums other) {
            loss += other.loss;
            weight += other.weight;
            correct += other.correct;
            logLoss += other.logLoss;
            squaredError += other.squaredError;
            absoluteError += other.absoluteError;
            for (int i = 0; i < yMean.length; i++) {
                double total = yWeight + other.yWeight;
                if (other.yWeight > 0) {
                    double delta = other.yMean[i] - yMean[i];
                    yMean[i] += delta * (other.yWeight / total);
                    yM2[i] += other.yM2[i] + delta * delta * (yWeight * other.yWeight / total);
                }
                yMin[i] = Math.min(yMin[i], other.yMin[i]);
                yMax[i] = Math.max(yMax[i], other.yMax[i]);
            }
            yWeight += other.yWeight;
            if (confusion != null) {
                for (int i = 0; i < confusion.length; i++) {
                    for (int j = 0; j < confusion.length; j++) {
                        confusion[i][j] += other.confusion[i][j];
                    }
                }
            }
            return this;
        }
    }
}
