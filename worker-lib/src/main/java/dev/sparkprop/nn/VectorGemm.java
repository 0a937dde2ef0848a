package dev.sparkprop.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 C = op(A) op(B) (+ C), column-major as BLAS's sgemm with alpha 1, in SIMD lanes of
 * the vector API: packed panels (BLIS's loop order; a small product reads B, and A unless
 * transposed or cut, where they lie) and a register tile of {@link #MR} rows by {@link #NR}
 * columns, each element of C the sum over k of one fused multiply-add after another in a fixed
 * order. Lane-wise {@code fma} and {@code add} round exactly as {@link Math#fma} and {@code +}
 * do, so the bits are the same compiled or interpreted, as for the activations
 * ({@link VectorActivations}).
 *
 * <p>Why not sgemm alone: OpenBLAS picks its kernels by CPU model: the build that Debian
 * ships runs CPUs it does not know (AMD's Zen 5 among them) on its AVX2 kernels, and so does
 * any machine that sets OPENBLAS_CORETYPE=Haswell, as the machines here do; at about half of what
 * AVX-512 units give. This tile runs 1.5-1.7x those kernels there on the engine's products. Loaded
 * only when {@link VectorSupport#AVAILABLE}, used through {@link FloatGemm}; one instance per
 * thread, for its packing buffers.
 */
final class VectorGemm {

    private static final VectorSpecies<Float> S = VectorDoubleArrays.F;
    private static final int L = S.length();
    /**
     * Whether the CPU has 512-bit vectors: there this tile was measured against OpenBLAS's AVX2
     * kernels and beat them; with narrower vectors it was not measured, and sgemm keeps the work.
     */
    static final boolean WIDE = S.vectorBitSize() >= 512;
    /** Rows of the tile: two vectors of C's column. */
    static final int MR = 2 * L;
    /** Columns of the tile: 12 accumulators, and room for A's two vectors and B's broadcast in 16 registers. */
    static final int NR = 6;
    /** The depth of a packed block: B's panel (KC x NR, 6 KB) stays in L1 while A's panels stream past it from L2. */
    static final int KC = 256;
    /** Rows of A packed at once (MC x KC floats, about 256 KB, in L2). */
    private static final int MC = 8 * MR;
    /** Columns of B packed at once. */
    static final int NC = 2040;

    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    /** A tile's sums, on their way from the registers to C. */
    private final float[] sums = new float[MR * NR];

    /**
     * C (m x n, leading dimension ldc) = op(A) op(B), plus C's values when {@code accumulate};
     * op(A) is m x k (A is k x m when {@code transA}), op(B) k x n (B n x k when {@code transB}).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
              int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0 || lda < Math.max(1, transA ? k : m) || ldb < Math.max(1, transB ? n : k)
                || ldc < Math.max(1, m)) {
            throw new IllegalArgumentException("gemm: m=" + m + " n=" + n + " k=" + k + " lda=" + lda + " ldb=" + ldb
                    + " ldc=" + ldc + " (transA=" + transA + ", transB=" + transB + ")");
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int j = 0; j < n; j++) {
                    java.util.Arrays.fill(c, cOff + j * ldc, cOff + j * ldc + m, 0f);
                }
            }
            return;
        }
        // With few row panels, B's packed panels would serve few tiles and A is small: the copies
        // cost more than they save. On the AMD EPYC (Zen 5) here, unpacked, products of at most
        // 2 MR rows, or 4 MR one depth block deep, ran 1.1-1.8x as fast (the small tabular
        // network's); larger ones ran 0.7-0.9x as fast, so they pack. In place, m < MC: one row block.
        boolean inPlace = m <= 2 * MR || m <= 4 * MR && k <= KC;
        // A not transposed holds each depth's MR rows side by side in its column: read them there
        boolean aInPlace = inPlace && !transA && m % MR == 0;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                if (!inPlace) {
                    packedB = pack(b, bOff, ldb, transB, jc, nc, pc, kc, NR, packedB);
                }
                boolean add = accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    if (!aInPlace) {
                        packedA = pack(a, aOff, lda, !transA, ic, mc, pc, kc, MR, packedA);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int col = jc + jr;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            if (!inPlace) {
                                products(kc, packedA, ir * kc, packedB, jr * kc, sums);
                            } else if (aInPlace) {
                                productsStrided(kc, a, aOff + ic + ir + pc * lda, lda, b, bOff, ldb, transB, pc, col,
                                        n - 1, sums);
                            } else {
                                productsStrided(kc, packedA, ir * kc, MR, b, bOff, ldb, transB, pc, col, n - 1, sums);
                            }
                            store(sums, c, cOff + col * ldc + ic + ir, ldc, mr, nr, add);
                        }
                    }
                }
            }
        }
    }

    /**
     * A matrix's lines [x0, x0 + count) and depths [p0, p0 + kc) into {@code to} as panels of
     * {@code width} lines, depth by depth, zero past the last line: A's rows (width MR) or B's
     * columns (width NR). Element (x, p) is {@code src[off + x + p ld]} when {@code alongLines}
     * (a depth's lines are contiguous: A as it is, B transposed), else {@code src[off + p + x ld]}.
     * Returns {@code to}, or a larger buffer when it is too small.
     */
    private static float[] pack(float[] src, int off, int ld, boolean alongLines, int x0, int count, int p0, int kc,
                                int width, float[] to) {
        int panels = (count + width - 1) / width;
        int size = panels * width * kc;
        if (to.length < size) {
            to = new float[size];
        }
        for (int panel = 0; panel < panels; panel++) {
            int first = x0 + panel * width;
            int lines = Math.min(width, x0 + count - first);
            int base = panel * width * kc;
            if (alongLines) {
                for (int p = 0; p < kc; p++) {
                    int at = base + p * width;
                    System.arraycopy(src, off + first + (p0 + p) * ld, to, at, lines);
                    java.util.Arrays.fill(to, at + lines, at + width, 0f);
                }
            } else {
                // read along the depth, write across the panel
                for (int x = 0; x < lines; x++) {
                    int from = off + p0 + (first + x) * ld;
                    for (int p = 0; p < kc; p++) {
                        to[base + p * width + x] = src[from + p];
                    }
                }
                for (int x = lines; x < width; x++) {
                    for (int p = 0; p < kc; p++) {
                        to[base + p * width + x] = 0f;
                    }
                }
            }
        }
        return to;
    }

    /**
     * A tile's sums {@code t} into C at {@code cBase}: only their mr x nr top-left part is C's (the
     * rest comes from the panels' zero padding, or from B's last column read again).
     */
    private static void store(float[] t, float[] c, int cBase, int ldc, int mr, int nr, boolean add) {
        if (mr == MR) {
            for (int j = 0; j < nr; j++) {
                int at = cBase + j * ldc;
                FloatVector lo = FloatVector.fromArray(S, t, j * MR);
                FloatVector hi = FloatVector.fromArray(S, t, j * MR + L);
                if (add) {
                    lo = lo.add(FloatVector.fromArray(S, c, at));
                    hi = hi.add(FloatVector.fromArray(S, c, at + L));
                }
                lo.intoArray(c, at);
                hi.intoArray(c, at + L);
            }
            return;
        }
        for (int j = 0; j < nr; j++) {
            int to = cBase + j * ldc;
            for (int i = 0; i < mr; i++) {
                // the same float addition as the vector add's lanes
                c[to + i] = add ? c[to + i] + t[j * MR + i] : t[j * MR + i];
            }
        }
    }

    /**
     * The tile's sums into {@code t}, column by column, MR apart: one way out of the registers
     * for whole and cut tiles alike, so that this loop stays small enough for C2 to keep every
     * lane in registers.
     */
    private static void products(int kc, float[] ap, int ai, float[] bp, int bi, float[] t) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector a0 = FloatVector.fromArray(S, ap, ai);
            FloatVector a1 = FloatVector.fromArray(S, ap, ai + L);
            FloatVector b = FloatVector.broadcast(S, bp[bi]);
            c00 = a0.fma(b, c00);
            c01 = a1.fma(b, c01);
            b = FloatVector.broadcast(S, bp[bi + 1]);
            c10 = a0.fma(b, c10);
            c11 = a1.fma(b, c11);
            b = FloatVector.broadcast(S, bp[bi + 2]);
            c20 = a0.fma(b, c20);
            c21 = a1.fma(b, c21);
            b = FloatVector.broadcast(S, bp[bi + 3]);
            c30 = a0.fma(b, c30);
            c31 = a1.fma(b, c31);
            b = FloatVector.broadcast(S, bp[bi + 4]);
            c40 = a0.fma(b, c40);
            c41 = a1.fma(b, c41);
            b = FloatVector.broadcast(S, bp[bi + 5]);
            c50 = a0.fma(b, c50);
            c51 = a1.fma(b, c51);
            ai += MR;
            bi += NR;
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, MR);
        c11.intoArray(t, MR + L);
        c20.intoArray(t, 2 * MR);
        c21.intoArray(t, 2 * MR + L);
        c30.intoArray(t, 3 * MR);
        c31.intoArray(t, 3 * MR + L);
        c40.intoArray(t, 4 * MR);
        c41.intoArray(t, 4 * MR + L);
        c50.intoArray(t, 5 * MR);
        c51.intoArray(t, 5 * MR + L);
    }

    /**
     * {@link #products} with A's lanes at {@code ai}, {@code aStep} apart (A's own columns, or a
     * packed panel), and B read where it lies: depth {@code pc + p} of columns {@code col..col + 5},
     * a column past {@code last} read as {@code last} (its sums are not stored). The same fused
     * multiply-adds in the same order as {@link #products}, which keeps its constant strides: they
     * let C2 drop bounds checks that these run-time strides keep (about 8% a tile, measured here).
     */
    private static void productsStrided(int kc, float[] a, int ai, int aStep, float[] b, int bOff, int ldb,
                                        boolean transB, int pc, int col, int last, float[] t) {
        // B(pc + p, col + j) is b[bj + p * bStep]: bj holds the block's depth pc
        int bStep = transB ? ldb : 1;
        int across = transB ? 1 : ldb;
        int base = bOff + (transB ? pc * ldb : pc);
        int b0 = base + col * across;
        int b1 = base + Math.min(col + 1, last) * across;
        int b2 = base + Math.min(col + 2, last) * across;
        int b3 = base + Math.min(col + 3, last) * across;
        int b4 = base + Math.min(col + 4, last) * across;
        int b5 = base + Math.min(col + 5, last) * across;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0, q = 0; p < kc; p++, q += bStep) {
            FloatVector a0 = FloatVector.fromArray(S, a, ai);
            FloatVector a1 = FloatVector.fromArray(S, a, ai + L);
            FloatVector x = FloatVector.broadcast(S, b[b0 + q]);
            c00 = a0.fma(x, c00);
            c01 = a1.fma(x, c01);
            x = FloatVector.broadcast(S, b[b1 + q]);
            c10 = a0.fma(x, c10);
            c11 = a1.fma(x, c11);
            x = FloatVector.broadcast(S, b[b2 + q]);
            c20 = a0.fma(x, c20);
            c21 = a1.fma(x, c21);
            x = FloatVector.broadcast(S, b[b3 + q]);
            c30 = a0.fma(x, c30);
            c31 = a1.fma(x, c31);
            x = FloatVector.broadcast(S, b[b4 + q]);
            c40 = a0.fma(x, c40);
            c41 = a1.fma(x, c41);
            x = FloatVector.broadcast(S, b[b5 + q]);
            c50 = a0.fma(x, c50);
            c51 = a1.fma(x, c51);
            ai += aStep;
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, MR);
        c11.intoArray(t, MR + L);
        c20.intoArray(t, 2 * MR);
        c21.intoArray(t, 2 * MR + L);
        c30.intoArray(t, 3 * MR);
        c31.intoArray(t, 3 * MR + L);
        c40.intoArray(t, 4 * MR);
        c41.intoArray(t, 4 * MR + L);
        c50.intoArray(t, 5 * MR);
        c51.intoArray(t, 5 * MR + L);
    }
}
