package dev.sparkprop.nn;

/**
 * Rows stacked for batched math: features a_0 (n_0 x rows), targets y (n_L x rows), both
 * column-major with one column per data row, and one weight per row. Features are float64 or,
 * in a {@link #float32} block, float32 (half the cache). Targets are doubles, or for a softmax
 * classifier one class index per row ({@link #classes}): y is then one-hot, and storing the index
 * instead of n_L doubles keeps the cache near the size of the features. Weights are doubles.
 * Arrays may be longer than {@code rows} columns (a reused buffer); only the first {@code rows}
 * count.
 */
public final class Block implements java.io.Serializable {

    private static final long serialVersionUID = 2L;

    private final int inputWidth;
    private final int outputWidth;
    private final double[] features;
    private final float[] features32;
    /** n_L targets per row, or null when {@link #classes} holds them. */
    private final double[] targets;
    /** The class index of each row (y is its one-hot row), or null. */
    private final int[] classes;
    private final double[] weights;
    private final int rows;

    public Block(int inputWidth, int outputWidth, double[] features, double[] targets, double[] weights, int rows) {
        this(inputWidth, outputWidth, features, null, targets, null, weights, rows);
    }

    private Block(int inputWidth, int outputWidth, double[] features, float[] features32, double[] targets,
                  int[] classes, double[] weights, int rows) {
        int length = features != null ? features.length : features32.length;
        long targetLength = targets != null ? targets.length : (long) classes.length * outputWidth;
        if (rows < 0 || length < (long) inputWidth * rows || targetLength < (long) outputWidth * rows
                || weights.length < rows) {
            throw new IllegalArgumentException("block arrays are too short for " + rows + " rows of "
                    + inputWidth + " features and " + outputWidth + " targets");
        }
        if (classes != null) {
            for (int r = 0; r < rows; r++) {
                if (classes[r] < 0 || classes[r] >= outputWidth) {
                    throw new IllegalArgumentException("row " + r + " has class index " + classes[r] + "; a block of "
                            + outputWidth + " outputs takes 0 to " + (outputWidth - 1));
                }
            }
        }
        this.inputWidth = inputWidth;
        this.outputWidth = outputWidth;
        this.features = features;
        this.features32 = features32;
        this.targets = targets;
        this.classes = classes;
        this.weights = weights;
        this.rows = rows;
    }

    /** A block whose features are float32. */
    public static Block float32(int inputWidth, int outputWidth, float[] features, double[] targets, double[] weights,
                                int rows) {
        return new Block(inputWidth, outputWidth, null, features, targets, null, weights, rows);
    }

    /** A block whose targets are one-hot rows, given as the class index of each row. */
    public static Block ofClasses(int inputWidth, int outputWidth, double[] features, int[] classes,
                                  double[] weights, int rows) {
        return new Block(inputWidth, outputWidth, features, null, null, classes, weights, rows);
    }

    /** {@link #ofClasses} with float32 features. */
    public static Block float32OfClasses(int inputWidth, int outputWidth, float[] features, int[] classes,
                                         double[] weights, int rows) {
        return new Block(inputWidth, outputWidth, null, features, null, classes, weights, rows);
    }

    public Precision precision() {
        return features32 != null ? Precision.FLOAT32 : Precision.FLOAT64;
    }

    /** A block whose rows all weigh 1. */
    public static Block unweighted(int inputWidth, int outputWidth, double[] features, double[] targets, int rows) {
        double[] ones = new double[rows];
        java.util.Arrays.fill(ones, 1.0);
        return new Block(inputWidth, outputWidth, features, targets, ones, rows);
    }

    /** A copy of rows [from, to) as a block of its own. */
    public Block slice(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of a block of " + rows);
        }
        return new Block(inputWidth, outputWidth,
                features == null ? null : java.util.Arrays.copyOfRange(features, from * inputWidth, to * inputWidth),
                features32 == null ? null : java.util.Arrays.copyOfRange(features32, from * inputWidth, to * inputWidth),
                targets == null ? null : java.util.Arrays.copyOfRange(targets, from * outputWidth, to * outputWidth),
                classes == null ? null : java.util.Arrays.copyOfRange(classes, from, to),
                java.util.Arrays.copyOfRange(weights, from, to), to - from);
    }

    public int inputWidth() {
        return inputWidth;
    }

    public int outputWidth() {
        return outputWidth;
    }

    /** The float64 features; a float32 block has none (see {@link #features32}). */
    public double[] features() {
        if (features == null) {
            throw new IllegalStateException("this block holds float32 features; use features32()");
        }
        return features;
    }

    /** The float32 features; a float64 block has none (see {@link #features}). */
    public float[] features32() {
        if (features32 == null) {
            throw new IllegalStateException("this block holds float64 features; use features()");
        }
        return features32;
    }

    /** This block with float32 features (itself when it has them already). */
    public Block toFloat32() {
        if (features32 != null) {
            return this;
        }
        float[] f = new float[inputWidth * rows];
        DoubleArrays.narrow(features, f, f.length);
        return new Block(inputWidth, outputWidth, null, f, targets, classes, weights, rows);
    }

    /** Whether the targets are held as class indices ({@link #classes}) rather than n_L values a row. */
    public boolean hasClasses() {
        return classes != null;
    }

    /** The targets, n_L values a row; a block of class indices has none (see {@link #targets(double[])}). */
    public double[] targets() {
        if (targets == null) {
            throw new IllegalStateException("this block holds class indices; use classes() or targets(buffer)");
        }
        return targets;
    }

    /**
     * The targets y (n_L x rows): this block's own array, or for class indices their one-hot rows,
     * written into {@code buffer} (at least n_L · rows long) and returned.
     */
    public double[] targets(double[] buffer) {
        if (targets != null) {
            return targets;
        }
        java.util.Arrays.fill(buffer, 0, outputWidth * rows, 0.0);
        for (int r = 0; r < rows; r++) {
            buffer[r * outputWidth + classes[r]] = 1;
        }
        return buffer;
    }

    /** The class index of each row; only a block made {@link #ofClasses} has them. */
    public int[] classes() {
        if (classes == null) {
            throw new IllegalStateException("this block holds n_L targets a row, not class indices; use targets()");
        }
        return classes;
    }

    /** Target i of row r. */
    public double target(int r, int i) {
        return classes != null ? (classes[r] == i ? 1 : 0) : targets[r * outputWidth + i];
    }

    /** The class of row r: its class index, or the index of its largest target (the 1 of a one-hot row). */
    public int targetClass(int r) {
        return classes != null ? classes[r] : Task.argmax(targets, r * outputWidth, outputWidth);
    }

    public double[] weights() {
        return weights;
    }

    public int rows() {
        return rows;
    }

    /** Σ of the row weights: what the driver divides the summed gradient by. */
    public double weightSum() {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += weights[r];
        }
        return sum;
    }
}
