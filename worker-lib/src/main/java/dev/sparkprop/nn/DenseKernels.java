package dev.sparkprop.nn;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The precision-specific primitives of a dense layer over a block: the three GEMMs of forward
 * and backprop, the bias broadcast and the bias-gradient row sums. Everything else (activations,
 * losses, heads) is written once on double values; a float32 path adds a sibling of this class
 * and converts only the O(units x rows) nonlinear parts, never the O(n^3) products.
 *
 * <p>BLAS is dev.ludovic.netlib's, the one Spark uses: native OpenBLAS through JNI when the
 * system has {@code libblas.so.3}, else a vectorised or plain Java implementation.
 */
final class DenseKernels {

    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

    private DenseKernels() {
    }

    /** The BLAS implementation in use, for logs: native, vector API or plain Java. */
    static String blasName() {
        return BLAS_INSTANCE.getClass().getName();
    }

    /** z = W a + b over the block: W is fanOut x fanIn at {@code w[wOff]}, a is fanIn x rows. */
    static void affine(double[] w, int wOff, int bOff, int fanOut, int fanIn, double[] a, int rows, double[] z) {
        for (int r = 0, off = 0; r < rows; r++, off += fanOut) {
            System.arraycopy(w, bOff, z, off, fanOut);
        }
        BLAS_INSTANCE.dgemm("N", "N", fanOut, rows, fanIn, 1.0, w, wOff, fanOut, a, 0, fanIn, 1.0, z, 0, fanOut);
    }

    /** grad W += delta a^T and grad b += Σ_rows delta: the block's summed seed formulas. */
    static void accumulateLayerGradient(double[] delta, double[] a, int fanOut, int fanIn, int rows,
                                        double[] grad, int wOff, int bOff) {
        BLAS_INSTANCE.dgemm("N", "T", fanOut, fanIn, rows, 1.0, delta, 0, fanOut, a, 0, fanIn, 1.0, grad, wOff, fanOut);
        for (int r = 0, off = 0; r < rows; r++, off += fanOut) {
            for (int i = 0; i < fanOut; i++) {
                grad[bOff + i] += delta[off + i];
            }
        }
    }

    /** g = W^T delta: ∇_{a_{l-1}} L for every row, before the J^T of layer l-1. */
    static void backpropagate(double[] w, int wOff, int fanOut, int fanIn, double[] delta, int rows, double[] g) {
        BLAS_INSTANCE.dgemm("T", "N", fanIn, rows, fanOut, 1.0, w, wOff, fanOut, delta, 0, fanOut, 0.0, g, 0, fanIn);
    }
}
