package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FloatGemmTest {

    /** Every layout and shape class: tiles cut at m and n, depths past one packed block, columns past one. */
    static List<Arguments> shapes() {
        List<Arguments> all = new ArrayList<>();
        int[][] mnk = {{1, 1, 1}, {7, 13, 9}, {32, 6, 256}, {45, 70, 515}, {64, 2101, 30}, {300, 37, 600},
                {256, 512, 10}};
        for (int[] s : mnk) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (boolean accumulate : new boolean[] {false, true}) {
                        all.add(Arguments.of(transA, transB, s[0], s[1], s[2], accumulate));
                    }
                }
            }
        }
        return all;
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4} accumulate={5}")
    @MethodSource("shapes")
    void theProductIsWithinFloat32RoundingOfTheExactOne(boolean transA, boolean transB, int m, int n, int k,
                                                         boolean accumulate) {
        Random random = new Random(31L * m + 7L * n + k);
        // Offsets and leading dimensions past the matrices' own, so a stray index shows
        int lda = (transA ? k : m) + 3;
        int ldb = (transB ? n : k) + 2;
        int ldc = m + 5;
        int aOff = 4;
        int bOff = 1;
        int cOff = 2;
        float[] a = gaussian(random, aOff + lda * (transA ? m : k));
        float[] b = gaussian(random, bOff + ldb * (transB ? k : n));
        float[] c = gaussian(random, cOff + ldc * n);
        float[] before = c.clone();
        if (!accumulate) {
            // C's old values must not be read: NaN would show
            for (int j = 0; j < n; j++) {
                java.util.Arrays.fill(c, cOff + j * ldc, cOff + j * ldc + m, Float.NaN);
            }
        }
        new FloatGemm().gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double exact = accumulate ? before[cOff + i + j * ldc] : 0;
                double magnitude = Math.abs(exact);
                for (int p = 0; p < k; p++) {
                    double product = (double) (transA ? a[aOff + p + i * lda] : a[aOff + i + p * lda])
                            * (transB ? b[bOff + j + p * ldb] : b[bOff + p + j * ldb]);
                    exact += product;
                    magnitude += Math.abs(product);
                }
                // float32 rounding: each multiply and add (fused or not, as BLAS may do them), the
                // adds of partial sums into C and C's own add err by at most 2^-24 of a value
                // bounded by the magnitude Σ|a b| + |c|
                double bound = (2.0 * k + 4) * 0x1p-24 * magnitude * 1.01 + Float.MIN_NORMAL;
                float got = c[cOff + i + j * ldc];
                assertTrue(Math.abs(got - exact) <= bound, "C(" + i + ", " + j + ") = " + got + ", exact " + exact
                        + ", bound " + bound);
            }
        }
        // Outside C's m x n nothing changes: rows past m in each column, and what precedes and follows
        for (int x = 0; x < c.length; x++) {
            int col = (x - cOff) / ldc;
            int row = (x - cOff) % ldc;
            if (x < cOff || col >= n || row >= m) {
                assertEquals(Float.floatToRawIntBits(before[x]), Float.floatToRawIntBits(c[x]), "C[" + x + "]");
            }
        }
    }

    /**
     * Shapes for the vector tiles alone, in tiles of this CPU's width: cut tiles, several depth
     * blocks, a cut panel past NC columns; small products that read B, and A when they can, where
     * they lie (A's panels whole or cut, one depth block or several, a B of one column that the
     * tile reads six times) and larger ones that pack both.
     */
    static List<Arguments> tileShapes() {
        List<Arguments> all = new ArrayList<>();
        int mr = VectorGemm.MR;
        int[][] mnk = {{33, 7, 1}, {64, 6, 256}, {63, 2045, 20}, {2 * mr, 2045, 20}, {2 * mr, 131, 600},
                {mr + 8, 11, 600}, {mr + 1, 1, 5}, {3 * mr, 20, 200}, {4 * mr, 9, 128}, {100, 13, 513},
                {4 * mr, 40, 300}, {290, 50, 300}};
        for (int[] s : mnk) {
            for (int layout = 0; layout < 4; layout++) {
                all.add(Arguments.of(layout / 2 == 1, layout % 2 == 1, s[0], s[1], s[2], layout % 3 == 0));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4} accumulate={5}")
    @MethodSource("tileShapes")
    void theVectorTilesGiveTheBitsOfTheirScalarOrder(boolean transA, boolean transB, int m, int n, int k,
                                                     boolean accumulate) {
        // Whatever the CPU's vector width and however warm the JIT: each C element is one fused
        // multiply-add after another over a depth block, each block's sum then added into C
        assumeTrue(VectorSupport.AVAILABLE, "the vector module is not loaded");
        Random random = new Random(m * 1_000_003L + n * 1009L + k);
        // Leading dimensions exact (the engine's) or padded, and offsets, so a stray index shows
        boolean padded = (m + n) % 2 == 0;
        int lda = (transA ? k : m) + (padded ? 1 : 0);
        int ldb = (transB ? n : k) + (padded ? 0 : 3);
        int ldc = m + 2;
        int aOff = 3;
        int bOff = 2;
        int cOff = 1;
        float[] a = gaussian(random, aOff + lda * (transA ? m : k));
        float[] b = gaussian(random, bOff + ldb * (transB ? k : n));
        float[] c = gaussian(random, cOff + ldc * n);
        float[] expected = c.clone();
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                for (int from = 0; from < k; from += VectorGemm.KC) {
                    float sum = 0f;
                    for (int p = from; p < Math.min(k, from + VectorGemm.KC); p++) {
                        float ai = transA ? a[aOff + p + i * lda] : a[aOff + i + p * lda];
                        sum = Math.fma(ai, transB ? b[bOff + j + p * ldb] : b[bOff + p + j * ldb], sum);
                    }
                    int at = cOff + i + j * ldc;
                    expected[at] = from == 0 && !accumulate ? sum : expected[at] + sum;
                }
            }
        }
        new VectorGemm().gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
        assertArrayEquals(expected, c);
    }

    @Test
    void aBadDimensionIsRefused() {
        assumeTrue(VectorSupport.AVAILABLE, "the vector module is not loaded");
        float[] x = new float[64];
        assertThrows(IllegalArgumentException.class,
                () -> new VectorGemm().gemm(false, false, 8, 8, 1, x, 0, 4, x, 0, 1, false, x, 0, 8));
        assertThrows(IllegalArgumentException.class,
                () -> new VectorGemm().gemm(false, false, 8, -1, 1, x, 0, 8, x, 0, 1, false, x, 0, 8));
    }

    @Test
    void anEmptyDepthLeavesCOrGivesZeros() {
        assumeTrue(VectorSupport.AVAILABLE, "the vector module is not loaded");
        int m = 40;
        float[] c = new float[m * 2];
        java.util.Arrays.fill(c, 5f);
        float[] empty = new float[1];
        new VectorGemm().gemm(false, false, m, 2, 0, empty, 0, m, empty, 0, 1, true, c, 0, m);
        assertArrayEquals(filled(c.length, 5f), c);
        new VectorGemm().gemm(false, false, m, 2, 0, empty, 0, m, empty, 0, 1, false, c, 0, m);
        assertArrayEquals(new float[c.length], c);
    }

    private static float[] filled(int n, float value) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, value);
        return x;
    }

    @ParameterizedTest(name = "m={0}")
    @ValueSource(ints = {96, 64})
    void theBitsAreTheSameBeforeAndAfterTheJitCompilesTheTiles(int m) {
        // A model must not depend on how warm the JIT was: the vector lanes' fma and add round as
        // Math.fma and + do, interpreted or compiled (on 512-bit vectors, 96 rows pack, 64 read in place)
        Random random = new Random(5);
        int n = 50;
        int k = 300;
        float[] a = gaussian(random, m * k);
        float[] b = gaussian(random, k * n);
        float[] c0 = gaussian(random, m * n);
        FloatGemm gemm = new FloatGemm();
        float[] cold = c0.clone();
        gemm.gemm(false, true, m, n, k, a, 0, m, b, 0, n, true, cold, 0, m);
        float[] out = new float[m * n];
        for (int t = 0; t < 3_000; t++) {
            System.arraycopy(c0, 0, out, 0, out.length);
            gemm.gemm(false, true, m, n, k, a, 0, m, b, 0, n, true, out, 0, m);
        }
        float[] hot = c0.clone();
        gemm.gemm(false, true, m, n, k, a, 0, m, b, 0, n, true, hot, 0, m);
        assertArrayEquals(cold, hot);
    }

    private static float[] gaussian(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }
}
