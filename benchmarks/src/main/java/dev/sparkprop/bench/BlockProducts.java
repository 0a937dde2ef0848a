package dev.sparkprop.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.sparkprop.nn.FloatGemm;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.ParameterLayout;
import dev.sparkprop.nn.Precision;
import java.util.SplittableRandom;

/**
 * The matrix products of one block's forward and backward pass alone, in the block's precision:
 * the products the kernel makes (dgemm, or {@link FloatGemm} in float32), with the same shapes
 * and transposes (z_l = W_l a_{l-1},
 * grad W_l = delta_l a_{l-1}^T, delta_{l-1} = W_l^T delta_l for l ≥ 2), and nothing else: no bias
 * (the products run with β = 0, where the pass adds the bias with β = 1 onto a bias-filled z, and
 * sums it by gemv), activation, loss or sum. {@link BackpropBench} times them beside the whole
 * block, which gives the share of a block that is products.
 */
final class BlockProducts {

    private static final BLAS BLAS = dev.ludovic.netlib.blas.BLAS.getInstance();
    /** float32 products as the kernel makes them ({@link FloatGemm}). */
    private final FloatGemm gemm = new FloatGemm();

    private final ParameterLayout layout;
    private final int depth;
    private final boolean float32;
    private final float[] w32;
    private final float[] g32;
    private final float[][] a32;
    private final float[][] delta32;
    private final double[] w64;
    private final double[] g64;
    private final double[][] a64;
    private final double[][] delta64;

    BlockProducts(NetworkSpec spec, Precision precision, int maxRows) {
        layout = spec.layout();
        depth = spec.depth();
        float32 = precision == Precision.FLOAT32;
        SplittableRandom random = new SplittableRandom(42);
        int n = layout.size();
        // a[0] the input, a[l] layer l's output; z is left out: a product does not care which it writes
        w64 = gaussian(n, random);
        g64 = new double[n];
        a64 = new double[depth + 1][];
        delta64 = new double[depth + 1][];
        a64[0] = gaussian(spec.inputWidth() * maxRows, random);
        for (int l = 1; l <= depth; l++) {
            a64[l] = gaussian(spec.width(l) * maxRows, random);
            delta64[l] = gaussian(spec.width(l) * maxRows, random);
        }
        w32 = float32 ? narrow(w64) : null;
        g32 = float32 ? new float[n] : null;
        a32 = float32 ? new float[depth + 1][] : null;
        delta32 = float32 ? new float[depth + 1][] : null;
        for (int l = 0; float32 && l <= depth; l++) {
            a32[l] = narrow(a64[l]);
            delta32[l] = l == 0 ? null : narrow(delta64[l]);
        }
    }

    /** The products of a block of {@code rows} rows; returns a value of the result, so none is dead code. */
    double run(int rows) {
        for (int l = 1; l <= depth; l++) {
            int out = layout.fanOut(l);
            int in = layout.fanIn(l);
            if (float32) {
                gemm.gemm(false, false, out, rows, in, w32, layout.weightOffset(l), out, a32[l - 1], 0, in, false,
                        a32[l], 0, out);
            } else {
                BLAS.dgemm("N", "N", out, rows, in, 1, w64, layout.weightOffset(l), out, a64[l - 1], 0, in, 0,
                        a64[l], 0, out);
            }
        }
        for (int l = depth; l >= 1; l--) {
            int out = layout.fanOut(l);
            int in = layout.fanIn(l);
            if (float32) {
                gemm.gemm(false, true, out, in, rows, delta32[l], 0, out, a32[l - 1], 0, in, false, g32,
                        layout.weightOffset(l), out);
                if (l > 1) {
                    gemm.gemm(true, false, in, rows, out, w32, layout.weightOffset(l), out, delta32[l], 0, out, false,
                            delta32[l - 1], 0, in);
                }
            } else {
                BLAS.dgemm("N", "T", out, in, rows, 1, delta64[l], 0, out, a64[l - 1], 0, in, 0, g64,
                        layout.weightOffset(l), out);
                if (l > 1) {
                    BLAS.dgemm("T", "N", in, rows, out, 1, w64, layout.weightOffset(l), out, delta64[l], 0, out, 0,
                            delta64[l - 1], 0, in);
                }
            }
        }
        return float32 ? g32[0] : g64[0];
    }

    private static double[] gaussian(int n, SplittableRandom random) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextGaussian();
        }
        return x;
    }

    private static float[] narrow(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
