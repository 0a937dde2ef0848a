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

    /**
     * The float32 softmax, with {@code lo} (units x rows) and {@code rowScale} (rows) as scratch: e^(z_i - max) by
     * {@link FloatFormulas#exp} over the whole block at once (SIMD when the vector module is
     * present, the same bits either way; Math.exp in double took most of a small output layer's
     * time), summed in double and scaled by the double reciprocal: within 4 float ulps of the
     * double softmax. z_i - max rounded to float is off by up to half its ulp, which is 64 ulps of
     * e^(z_i - max) at z_i - max = -100, so that rounding error lo (a float, found exactly by
     * {@link #roundingError}) goes back in
     * as e^hi (1 + lo). The row's max gets e^0 = 1 exactly, so its a_i is the rounded
     * 1 / Σ_j e^(z_j - max), which the float32 cross-entropy head uses.
     */
    static void apply(float[] z, float[] a, float[] lo, double[] rowScale, int units, int rows) {
        for (int r = 0, off = 0; r < rows; r++, off += units) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = off; i < off + units; i++) {
                max = Math.max(max, z[i]);
            }
            for (int i = off; i < off + units; i++) {
                float hi = z[i] - max;
                a[i] = hi;
                // hi = -inf (z = -inf) would make lo NaN.
                lo[i] = hi == Float.NEGATIVE_INFINITY ? 0f : roundingError(z[i], -max, hi);
            }
        }
        int n = units * rows;
        if (VectorSupport.AVAILABLE) {
            VectorActivations.exp(a, n);
        } else {
            for (int i = 0; i < n; i++) {
                a[i] = FloatFormulas.exp(a[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            a[i] = Math.fma(a[i], lo[i], a[i]);
        }
        // a_i = e_i / Σ_j e_j, summed and scaled in double as before, on the transpose (one unit's
        // rows side by side, in lo, free now) so that the float/double conversions run on whole
        // vectors: one at a time, the JIT's conversions wait on each other.
        for (int r = 0, off = 0; r < rows; r++, off += units) {
            for (int i = 0, t = r; i < units; i++, t += rows) {
                lo[t] = a[off + i];
            }
        }
        java.util.Arrays.fill(rowScale, 0, rows, 0.0);
        for (int t = 0; t < n; t += rows) {
            for (int r = 0; r < rows; r++) {
                rowScale[r] += lo[t + r];
            }
        }
        for (int r = 0; r < rows; r++) {
            rowScale[r] = 1.0 / rowScale[r];
        }
        for (int t = 0; t < n; t += rows) {
            if (VectorSupport.AVAILABLE) {
                VectorActivations.scale(lo, t, rowScale, rows);
            } else {
                scale(lo, t, rowScale, 0, rows);
            }
        }
        for (int r = 0, off = 0; r < rows; r++, off += units) {
            for (int i = 0, t = r; i < units; i++, t += rows) {
                a[off + i] = lo[t];
            }
        }
    }

    /** x[from + r] := (float) (x[from + r] * s[r]) for r in [first, rows). */
    static void scale(float[] x, int from, double[] s, int first, int rows) {
        for (int r = first; r < rows; r++) {
            x[from + r] = (float) (x[from + r] * s[r]);
        }
    }

    /**
     * x + y - s exactly, for s = x + y rounded to float (Knuth's two-sum: the error of a float
     * addition is itself a float). Float arithmetic only: the JIT turns scalar float/double
     * conversions into instructions that wait on each other, which made taking z_i - max in
     * double most of the softmax's time.
     */
    static float roundingError(float x, float y, float s) {
        float yPart = s - x;
        return (x - (s - yPart)) + (y - yPart);
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
