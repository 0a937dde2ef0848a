package dev.sparkprop.nn;

/**
 * An activation a = f(z) of one dense layer, applied to a block of rows.
 *
 * <p>A block stores {@code rows} columns of {@code units} values each, one column per data row,
 * contiguously (column-major {@code units x rows}, as BLAS sees it). Backprop needs
 * J^T(a wrt z) g (the delta formulas of docs/math.md); elementwise activations compute it as
 * f'(z) ⊙ g, others (softmax) through their full Jacobian.
 */
public interface Activation {

    /** The canonical spec, parseable by {@link Activations#parse}, e.g. {@code leaky_relu(slope=0.01)}. */
    String name();

    /** True when a_i depends on z_i alone, so J is diagonal. */
    boolean isElementwise();

    /** a = f(z) over the first {@code units * rows} values. */
    void apply(double[] z, double[] a, int units, int rows);

    /** g := J^T(a wrt z) g in place, column by column, at the point (z, a). */
    void jacobianTransposeTimes(double[] z, double[] a, double[] g, int units, int rows);

    /**
     * True when f' jumps somewhere between z0 and z1 (a kink, such as ReLU at 0): a central
     * difference across it does not estimate the derivative, so the gradient check skips it.
     */
    default boolean kinkBetween(double z0, double z1) {
        return false;
    }
}
