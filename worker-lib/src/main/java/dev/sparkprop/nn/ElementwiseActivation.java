package dev.sparkprop.nn;

/** An activation with a_i = f(z_i): its Jacobian is diag(f'(z_i)), so J^T g = f'(z) ⊙ g. */
public abstract class ElementwiseActivation implements Activation {

    /** f(z). */
    public abstract double value(double z);

    /** f'(z), given also a = f(z) since several derivatives are cheaper in terms of a. */
    public abstract double derivative(double z, double a);

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

    /** a = f(z) over {@code n} float32 values: the same scalar math, in float storage. */
    public final void apply(float[] z, float[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i] = (float) value(z[i]);
        }
    }

    /** g := f'(z) ⊙ g over {@code n} float32 values. */
    public final void jacobianTransposeTimes(float[] z, float[] a, float[] g, int n) {
        for (int i = 0; i < n; i++) {
            g[i] *= (float) derivative(z[i], a[i]);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
