package dev.sparkprop.nn;

/**
 * The float32 matrix products of the engine, column-major with alpha 1 as BLAS's sgemm:
 * {@link VectorGemm} where it is the faster (the vector module, 512-bit vectors, and C at least
 * a tile: a layer of 32 units or more, a block of 6 rows or more), BLAS's sgemm otherwise. The
 * choice depends on the JVM, the CPU's vector width and the product's shape only, never on
 * timing, so a run's bits are the same on every run. One instance per thread: it holds
 * VectorGemm's packing buffers.
 */
public final class FloatGemm {

    private static final boolean VECTOR = VectorSupport.AVAILABLE && VectorGemm.WIDE;

    private final VectorGemm vector = VECTOR ? new VectorGemm() : null;

    /**
     * C (m x n, leading dimension ldc) = op(A) op(B), plus C's values when {@code accumulate};
     * op(A) is m x k (A is k x m when {@code transA}), op(B) k x n (B n x k when {@code transB}).
     */
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
                     int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        if (vector != null && m >= VectorGemm.MR && n >= VectorGemm.NR) {
            vector.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
        } else {
            Kernels.BLAS.sgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k, 1f, a, aOff, lda, b, bOff, ldb,
                    accumulate ? 1f : 0f, c, cOff, ldc);
        }
    }

    /** What computes the products here, for logs and benchmark tables. */
    public static String description() {
        return VECTOR ? "vector API tiles (" + VectorGemm.MR + "x" + VectorGemm.NR + ") where C has >= " + VectorGemm.MR
                + " rows and >= " + VectorGemm.NR + " columns, else " + Kernels.BLAS.getClass().getSimpleName()
                : Kernels.BLAS.getClass().getSimpleName();
    }
}
