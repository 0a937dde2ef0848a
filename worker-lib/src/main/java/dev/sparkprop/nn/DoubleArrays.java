package dev.sparkprop.nn;

/**
 * Whole-array passes over float64 values that a training step makes besides its products:
 * rounding the weights to float32 for float32 products, adding a float32 block's gradient into
 * the double sum, and checking that values are finite.
 * SIMD lanes when the JVM has the vector module ({@link VectorDoubleArrays}): the JIT does not
 * vectorize these loops (a float conversion, an early exit), and on a small network a local
 * step ran them over every parameter three times. Either way the float32 values are the
 * {@code (float)} cast's, bit for bit.
 */
public final class DoubleArrays {

    private DoubleArrays() {
    }

    /** {@code to[i] = (float) from[i]} for i &lt; n: each value rounded to the nearest float32. */
    public static void narrow(double[] from, float[] to, int n) {
        int i = VectorSupport.AVAILABLE ? VectorDoubleArrays.narrow(from, to, n) : 0;
        for (; i < n; i++) {
            to[i] = (float) from[i];
        }
    }

    /** A new array of {@code from}'s values rounded to float32. */
    public static float[] narrow(double[] from) {
        float[] to = new float[from.length];
        narrow(from, to, from.length);
        return to;
    }

    /** {@code to[offset + i] += from[i]} for i &lt; n: a float32 block's sums into the double gradient. */
    public static void addWidened(float[] from, double[] to, int offset, int n) {
        int i = VectorSupport.AVAILABLE ? VectorDoubleArrays.addWidened(from, to, offset, n) : 0;
        for (; i < n; i++) {
            to[offset + i] += from[i];
        }
    }

    /** Whether no value is NaN or infinite. */
    public static boolean allFinite(double[] values) {
        int i = 0;
        if (VectorSupport.AVAILABLE) {
            i = VectorDoubleArrays.finitePrefix(values);
            if (i < 0) {
                return false;
            }
        }
        for (; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                return false;
            }
        }
        return true;
    }
}
