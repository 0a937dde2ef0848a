package dev.sparkprop.nn;

/**
 * What a network predicts, decided once from its loss and output width ({@link NetworkSpec#task()}):
 * the kind of task, its classes, and when a prediction is right. Everything that treats
 * classifiers and regressors differently asks this, so a new kind is added here.
 *
 * <p>"Right" has one definition ({@link #correctWeight}, {@link #accuracy}), which training's
 * running accuracy ({@link GradientSum}) and the driver's evaluation both use: the predicted
 * class is the true class, or for multi-label outputs, each output is on its target's side of 0.5.
 */
public final class Task {

    /** The kinds of task; the loss's {@code checkFits} guarantees the output activation each names. */
    public enum Kind {
        /** softmax + cross_entropy: one of n_L classes; one-hot targets, or class indices. */
        MULTICLASS,
        /** One sigmoid output + binary_cross_entropy: one of 2 classes; the target is the class index, 0 or 1. */
        BINARY,
        /** Several sigmoid outputs + binary_cross_entropy: n_L independent 0/1 targets, no classes. */
        MULTI_LABEL,
        /** mse or huber: n_L numbers. */
        REGRESSION
    }

    /** A sigmoid output predicts 1 from this value up, and a 0/1 target counts as 1 from it up. */
    public static final double THRESHOLD = 0.5;

    private final Kind kind;
    private final int outputs;

    private Task(Kind kind, int outputs) {
        this.kind = kind;
        this.outputs = outputs;
    }

    /** The task of a network ending in {@code outputs} units scored by {@code loss}. */
    public static Task of(Loss loss, int outputs) {
        Kind kind;
        if (loss instanceof Losses.CrossEntropy) {
            kind = Kind.MULTICLASS;
        } else if (loss instanceof Losses.BinaryCrossEntropy) {
            kind = outputs == 1 ? Kind.BINARY : Kind.MULTI_LABEL;
        } else {
            kind = Kind.REGRESSION;
        }
        return new Task(kind, outputs);
    }

    public Kind kind() {
        return kind;
    }

    /** The number of classes a row's label is one of: n_L for softmax, 2 for one sigmoid output; 0 without classes. */
    public int classes() {
        return switch (kind) {
            case MULTICLASS -> outputs;
            case BINARY -> 2;
            case MULTI_LABEL, REGRESSION -> 0;
        };
    }

    /** Whether a row's label is one class of {@link #classes()} (a label column of class names, a confusion matrix). */
    public boolean hasClasses() {
        return kind == Kind.MULTICLASS || kind == Kind.BINARY;
    }

    /** Whether predictions are right or wrong, so there is an accuracy: every kind but regression. */
    public boolean hasAccuracy() {
        return kind != Kind.REGRESSION;
    }

    /** Whether the targets are one-hot over the outputs, so a block may keep class indices ({@link Block#ofClasses}). */
    public boolean oneHotTargets() {
        return kind == Kind.MULTICLASS;
    }

    /**
     * The class the outputs {@code a[off..off+n_L)} of one row predict: the largest output for
     * softmax (the first on a tie), 1 for a sigmoid output at {@link #THRESHOLD} or above.
     */
    public int predictedClass(double[] a, int off) {
        return switch (kind) {
            case MULTICLASS -> argmax(a, off, outputs);
            case BINARY -> a[off] >= THRESHOLD ? 1 : 0;
            case MULTI_LABEL, REGRESSION -> throw noClasses();
        };
    }

    /** The class of row r of {@code block}: its class index, or its one-hot or 0/1 target's. */
    public int trueClass(Block block, int r) {
        return switch (kind) {
            case MULTICLASS -> block.targetClass(r);
            case BINARY -> block.target(r, 0) >= THRESHOLD ? 1 : 0;
            case MULTI_LABEL, REGRESSION -> throw noClasses();
        };
    }

    private IllegalStateException noClasses() {
        return new IllegalStateException("a " + kind + " task has no classes");
    }

    /**
     * Σ_r w_r · k_r over the block's rows, where {@code a} holds the network's outputs for them
     * ({@link Backprop#lastOutput()}) and k_r counts row r's right predictions: 1 when its
     * predicted class is its true class, else 0; for multi-label outputs, the outputs whose
     * prediction (≥ 0.5) matches the target's side of 0.5. 0 for regression. Sums of it over any
     * rows give their {@link #accuracy}; with whole-number weights every such sum is exact.
     */
    public double correctWeight(double[] a, Block block) {
        double[] w = block.weights();
        double sum = 0;
        switch (kind) {
            case MULTICLASS, BINARY -> {
                for (int r = 0, off = 0; r < block.rows(); r++, off += outputs) {
                    if (predictedClass(a, off) == trueClass(block, r)) {
                        sum += w[r];
                    }
                }
            }
            case MULTI_LABEL -> {
                double[] y = block.targets();
                for (int r = 0, off = 0; r < block.rows(); r++, off += outputs) {
                    for (int i = off; i < off + outputs; i++) {
                        if ((a[i] >= THRESHOLD) == (y[i] >= THRESHOLD)) {
                            sum += w[r];
                        }
                    }
                }
            }
            case REGRESSION -> {
                // numbers, not predictions that are right or wrong
            }
        }
        return sum;
    }

    /**
     * The accuracy of rows of total weight {@code weight} whose {@link #correctWeight}s sum to
     * {@code correctWeight}: the weighted share of right predictions, each row making one (n_L
     * for multi-label). NaN for regression, which has none.
     */
    public double accuracy(double correctWeight, double weight) {
        return switch (kind) {
            case MULTICLASS, BINARY -> correctWeight / weight;
            case MULTI_LABEL -> correctWeight / (weight * outputs);
            case REGRESSION -> Double.NaN;
        };
    }

    /** The index, 0..n-1, of the largest of v[off..off+n), the first on a tie. */
    public static int argmax(double[] v, int off, int n) {
        // The max in a register: comparing with v[off + best] would chain a load into every step.
        int best = 0;
        double max = v[off];
        for (int i = 1; i < n; i++) {
            if (v[off + i] > max) {
                max = v[off + i];
                best = i;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return kind + " over " + outputs + " outputs";
    }
}
