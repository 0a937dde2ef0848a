package dev.sparkprop.nn;

/** An activation with a_i = f(z_i): its Jacobian is diag(f'(z_i)), so J^T g = f'(z) ⊙ g. */
public abstract class ElementwiseActivation implements Activation {

    /** f(z). */
    public abstract double value(double z);

    /** f'(z), given also a = f(z) since several derivatives are cheaper in terms of a. */
    public abstract double derivative(double z, double a);

    /** Which built-in formula this is, so a faster kernel of the same formula can stand in for it. */
    public enum Form {
        IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SOFTPLUS,
        /** Any other: runs the scalar loops over {@link #value} and {@link #derivative}. */
        OTHER
    }

    /** The built-in formula this activation computes; {@link Form#OTHER} for one of your own. */
    public Form form() {
        return Form.OTHER;
    }

    /** The formula's parameter (leaky_relu's slope, elu's alpha); NaN when it has none. */
    public double parameter() {
        return Double.NaN;
    }

    @Override
    public final boolean isElementwise() {
        return true;
    }

    @Override
    public void apply(double[] z, double[] a, int units, int rows) {
        int n = units * rows;
        for (int i = 0; i < n; i++) {
            a[i] = value(z[i]);
        }
    }

    @Override
    public void jacobianTransposeTimes(double[] z, double[] a, double[] g, int units, int rows) {
        int n = units * rows;
        for (int i = 0; i < n; i++) {
            g[i] *= derivative(z[i], a[i]);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
