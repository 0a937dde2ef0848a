package dev.sparkprop.nn;

/**
 * Rows stacked for batched math: features a_0 (n_0 x rows), targets y (n_L x rows), both
 * column-major with one column per data row, and one weight per row. Features are float64 or,
 * in a {@link #float32} block, float32 (half the cache); targets and weights are always double.
 * Arrays may be longer than {@code rows} columns (a reused buffer); only the first {@code rows}
 * count.
 */
public final class Block implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final int inputWidth;
    private final int outputWidth;
    private final double[] features;
    private final float[] features32;
    private final double[] targets;
    private final double[] weights;
    private final int rows;

    public Block(int inputWidth, int outputWidth, double[] features, double[] targets, double[] weights, int rows) {
        this(inputWidth, outputWidth, features, null, targets, weights, rows);
    }

    private Block(int inputWidth, int outputWidth, double[] features, float[] features32, double[] targets,
                  double[] weights, int rows) {
        int length = features != null ? features.length : features32.length;
        if (rows < 0 || length < (long) inputWidth * rows || targets.length < (long) outputWidth * rows
                || weights.length < rows) {
            throw new IllegalArgumentException("block arrays are too short for " + rows + " rows of "
                    + inputWidth + " features and " + outputWidth + " targets");
        }
        this.inputWidth = inputWidth;
        this.outputWidth = outputWidth;
        this.features = features;
        this.features32 = features32;
        this.targets = targets;
        this.weights = weights;
        this.rows = rows;
    }

    /** A block whose features are float32. */
    public static Block float32(int inputWidth, int outputWidth, float[] features, double[] targets, double[] weights,
                                int rows) {
        return new Block(inputWidth, outputWidth, null, features, targets, weights, rows);
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
                java.util.Arrays.copyOfRange(targets, from * outputWidth, to * outputWidth),
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
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) features[i];
        }
        return float32(inputWidth, outputWidth, f, targets, weights, rows);
    }

    public double[] targets() {
        return targets;
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
