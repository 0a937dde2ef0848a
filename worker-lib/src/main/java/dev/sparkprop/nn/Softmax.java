package dev.sparkprop.nn;

/**
 * a_i = exp(z_i) / sum_j exp(z_j) over the units of one row. Not elementwise: its Jacobian
 * J_ij = a_i (δ_ij - a_j) is dense, so backprop takes the general path J^T g, which for this
 * symmetric J is a_i (g_i - Σ_j a_j g_j): O(units) per row without forming J.
 */
public final class Softmax implements Activation {

    static final Softmax INSTANCE = new Softmax();

    private Softmax() {
    }

    @Override
    public String name() {
        return Activations.SOFTMAX_KIND.render();
    }

    @Override
    public boolean isElementwise() {
        return false;
    }

    @Override
    public void apply(double[] z, double[] a, int units, int rows) {
        for (int r = 0, off = 0; r < rows; r++, off += units) {
            // Shift by the max so exp never overflows; the result is unchanged.
            double max = Double.NEGATIVE_INFINITY;
            for (int i = off; i < off + units; i++) {
                max = Math.max(max, z[i]);
            }
            double sum = 0;
            for (int i = off; i < off + units; i++) {
                double e = Math.exp(z[i] - max);
                a[i] = e;
                sum += e;
            }
            double inv = 1.0 / sum;
            for (int i = off; i < off + units; i++) {
                a[i] *= inv;
            }
        }
    }

    @Override
    public void jacobianTransposeTimes(double[] z, double[] a, double[] g, int units, int rows) {
        for (int r = 0, off = 0; r < rows; r++, off += units) {
            double dot = 0;
            for (int i = off; i < off + units; i++) {
                dot += a[i] * g[i];
            }
            for (int i = off; i < off + units; i++) {
                g[i] = a[i] * (g[i] - dot);
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
