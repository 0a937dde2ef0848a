package dev.sparkprop.nn;

/**
 * Rows stacked for batched math: features a_0 (n_0 x rows), targets y (n_L x rows), both
 * column-major with one column per data row, and one weight per row. Arrays may be longer than
 * {@code rows} columns (a reused buffer); only the first {@code rows} count.
 */
public final class Block implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final int inputWidth;
    private final int outputWidth;
    private final double[] features;
    private final double[] targets;
    private final double[] weights;
    private final int rows;

    public Block(int inputWidth, int outputWidth, double[] features, double[] targets, double[] weights, int rows) {
        if (rows < 0 || features.length < (long) inputWidth * rows || targets.length < (long) outputWidth * rows
                || weights.length < rows) {
            throw new IllegalArgumentException("block arrays are too short for " + rows + " rows of "
                    + inputWidth + " features and " + outputWidth + " targets");
        }
        this.inputWidth = inputWidth;
        this.outputWidth = outputWidth;
        this.features = features;
        this.targets = targets;
        this.weights = weights;
        this.rows = rows;
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
                java.util.Arrays.copyOfRange(features, from * inputWidth, to * inputWidth),
                java.util.Arrays.copyOfRange(targets, from * outputWidth, to * outputWidth),
                java.util.Arrays.copyOfRange(weights, from, to), to - from);
    }

    public int inputWidth() {
        return inputWidth;
    }

    public int outputWidth() {
        return outputWidth;
    }

    public double[] features() {
        return features;
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
