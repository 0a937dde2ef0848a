package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Narrowing gives the (float) cast's bits and adding float32 values into doubles the scalar
 * loop's, SIMD lanes and tail alike, and the finiteness check finds a NaN or infinity in any place.
 */
class DoubleArraysTest {

    /** Lengths around every lane count up to 16, and a small network's parameter count. */
    private static final int[] LENGTHS = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 9991};

    /** Values of every kind: ±0, subnormal, where float32 underflows and overflows, ±inf, NaN; then random magnitudes. */
    private static double[] values(int n) {
        double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-40, -1e-46, 1.4e-45, 7e-46,
            Float.MAX_VALUE, Math.nextUp((double) Float.MAX_VALUE), 3.4028235677973366e38, 1e39, -1e300,
            Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1.0 + 0x1p-24,
            1.0 + 0x1p-23 + 0x1p-24, 0.1, -1.0 / 3};
        SplittableRandom random = new SplittableRandom(7);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < special.length ? special[(i * 5 + n) % special.length]
                    : random.nextGaussian() * Math.exp(random.nextGaussian() * 40);
        }
        return v;
    }

    @Test
    void narrowingRoundsEachValueAsTheCastDoes() {
        for (int n : LENGTHS) {
            double[] from = values(n);
            float[] to = DoubleArrays.narrow(from);
            assertEquals(n, to.length);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits((float) from[i]) , Float.floatToRawIntBits(to[i]),
                        "value " + from[i] + " at " + i + " of " + n);
            }
        }
    }

    @Test
    void narrowingIntoABufferWritesOnlyTheFirstN() {
        double[] from = values(40);
        float[] to = new float[40];
        java.util.Arrays.fill(to, 5f);
        DoubleArrays.narrow(from, to, 21);
        for (int i = 0; i < 40; i++) {
            assertEquals(Float.floatToRawIntBits(i < 21 ? (float) from[i] : 5f), Float.floatToRawIntBits(to[i]), "at " + i);
        }
    }

    @Test
    void addingWidenedFloatsGivesTheScalarLoopsBitsAndTouchesOnlyItsRange() {
        for (int n : LENGTHS) {
            for (int offset : new int[] {0, 3}) {
                float[] from = DoubleArrays.narrow(values(n));
                double[] to = values(offset + n + 2);
                double[] expected = to.clone();
                for (int i = 0; i < n; i++) {
                    expected[offset + i] += from[i];
                }
                DoubleArrays.addWidened(from, to, offset, n);
                for (int i = 0; i < to.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(to[i]),
                            "at " + i + " of " + n + ", offset " + offset);
                }
            }
        }
    }

    @Test
    void finiteValuesPassTheCheck() {
        for (int n : LENGTHS) {
            double[] v = values(n);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(v[i])) {
                    v[i] = i % 2 == 0 ? Double.MAX_VALUE : -Double.MAX_VALUE;
                }
            }
            assertTrue(DoubleArrays.allFinite(v), "length " + n);
        }
    }

    @Test
    void aNaNOrInfinityAnywhereFailsTheCheck() {
        for (int n : LENGTHS) {
            if (n > 40) {
                continue;
            }
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                for (int at = 0; at < n; at++) {
                    double[] v = new double[n];
                    java.util.Arrays.fill(v, 1.5);
                    v[at] = bad;
                    assertFalse(DoubleArrays.allFinite(v), bad + " at " + at + " of " + n);
                }
            }
        }
    }
}
