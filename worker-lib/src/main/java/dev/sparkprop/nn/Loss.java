package dev.sparkprop.nn;

/**
 * A scalar loss L(a_L, y) of one row's output, reduced over the output units by sum or mean
 * (docs/math.md, section 3), and weighted per row.
 */
public interface Loss {

    /** How a loss over several output units becomes one number per row. */
    enum Reduction {
        SUM, MEAN;

        /** The factor on the sum over {@code units} outputs. */
        public double factor(int units) {
            return this == SUM ? 1.0 : 1.0 / units;
        }
    }

    /** The canonical spec, parseable by {@link Losses#parse}, e.g. {@code huber(delta=1.0,reduction=mean)}. */
    String name();

    Reduction reduction();

    /**
     * Returns Σ_r w_r L(a_r, y_r) over the block and, when {@code grad} is not null, writes
     * grad = w_r ∇_a L(a_r, y_r) for every row r. Blocks hold {@code rows} columns of
     * {@code units} values each.
     */
    double evaluate(double[] a, double[] y, double[] w, double[] grad, int units, int rows);

    /**
     * Fails with a message naming the mismatch when this loss cannot score the output of
     * {@code activation} over {@code units} units (cross-entropy needs probabilities).
     */
    void checkFits(Activation activation, int units);
}
