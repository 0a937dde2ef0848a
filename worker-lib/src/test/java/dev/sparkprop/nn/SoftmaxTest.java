package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxTest {

    private static final int UNITS = 5;
    private static final int ROWS = 3;

    @Test
    void jacobianVectorProductEqualsTheExplicitJacobianTransposeTimesG() {
        Random random = new Random(1);
        double[] z = gaussian(random, UNITS * ROWS, 2.0);
        double[] g = gaussian(random, UNITS * ROWS, 1.0);
        double[] a = new double[z.length];
        Activation softmax = Activations.softmax();
        softmax.apply(z, a, UNITS, ROWS);

        double[] jvp = g.clone();
        softmax.jacobianTransposeTimes(z, a, jvp, UNITS, ROWS);

        for (int r = 0; r < ROWS; r++) {
            double[][] jacobian = explicitJacobian(a, r * UNITS);
            for (int j = 0; j < UNITS; j++) {
                double expected = 0;
                for (int i = 0; i < UNITS; i++) {
                    expected += jacobian[i][j] * g[r * UNITS + i];
                }
                assertEquals(expected, jvp[r * UNITS + j], 1e-15, "row " + r + " unit " + j);
            }
        }
    }

    @Test
    void explicitJacobianMatchesFiniteDifferencesOfSoftmax() {
        Random random = new Random(2);
        double[] z = gaussian(random, UNITS, 1.5);
        double[] a = new double[UNITS];
        Activation softmax = Activations.softmax();
        softmax.apply(z, a, UNITS, 1);
        double[][] jacobian = explicitJacobian(a, 0);
        double h = 1e-6;
        double[] plus = new double[UNITS];
        double[] minus = new double[UNITS];
        for (int j = 0; j < UNITS; j++) {
            double[] zp = z.clone();
            double[] zm = z.clone();
            zp[j] += h;
            zm[j] -= h;
            softmax.apply(zp, plus, UNITS, 1);
            softmax.apply(zm, minus, UNITS, 1);
            for (int i = 0; i < UNITS; i++) {
                assertEquals((plus[i] - minus[i]) / (2 * h), jacobian[i][j], 1e-9, "da" + i + "/dz" + j);
            }
        }
    }

    @Test
    void softmaxIsNotElementwiseAndStaysFiniteForHugeInputs() {
        Activation softmax = Activations.softmax();
        assertFalse(softmax.isElementwise());
        double[] z = {1000, 999, -1000};
        double[] a = new double[3];
        softmax.apply(z, a, 3, 1);
        assertEquals(1 / (1 + Math.exp(-1)), a[0], 1e-15);
        assertEquals(Math.exp(-1) / (1 + Math.exp(-1)), a[1], 1e-15);
        assertEquals(0, a[2], 1e-300);
    }

    @Test
    void float32SoftmaxIsWithinFourUlpsOfTheDoubleOneAndGivesTheSameBitsBeforeAndAfterTheJit() {
        int units = 10;
        int rows = 1000;
        Random random = new Random(3);
        float[] z = new float[units * rows];
        for (int i = 0; i < z.length; i++) {
            // Scales up to 60 make outputs far into the subnormals and 0 as well as near 1.
            z[i] = (float) (random.nextGaussian() * new double[] {0.01, 1, 10, 60}[i / units % 4]);
        }
        z[7] = Float.NEGATIVE_INFINITY;
        double[] exact = new double[z.length];
        Activations.softmax().apply(widened(z), exact, units, rows);
        float[] cold = new float[z.length];
        Softmax.apply(z, cold, new float[z.length], new double[rows], units, rows);
        double worst = 0;
        for (int i = 0; i < z.length; i++) {
            float reference = (float) exact[i];
            worst = Math.max(worst, cold[i] == reference ? 0 : Math.abs((double) cold[i] - reference)
                    / Math.ulp(reference));
        }
        System.out.printf("float32 softmax vs double, worst %.1f ulps%n", worst);
        assertTrue(worst <= 4, worst + " ulps");
        float[] hot = new float[z.length];
        float[] scratch = new float[z.length];
        for (int t = 0; t < 5_000; t++) {
            Softmax.apply(z, hot, scratch, new double[rows], units, rows);
        }
        assertArrayEquals(cold, hot);
    }

    @Test
    void vectorScaleGivesTheScalarLoopsBits() {
        Random random = new Random(9);
        int rows = 1003;
        float[] x = new float[rows + 5];
        double[] s = new double[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(60) - 30));
        }
        for (int r = 0; r < rows; r++) {
            s[r] = 1 / (1 + 9 * random.nextDouble());
        }
        float[] scalar = x.clone();
        Softmax.scale(scalar, 5, s, 0, rows);
        for (int t = 0; t < 2_000; t++) {
            // Every call, before and after the JIT compiles it.
            float[] vector = x.clone();
            VectorActivations.scale(vector, 5, s, rows);
            assertArrayEquals(scalar, vector, "call " + t);
        }
        assertEquals((float) (x[7] * s[2]), scalar[7], 0f);
    }

    @Test
    void roundingErrorMakesTheFloatSumExactForAnyMagnitudes() {
        Random random = new Random(5);
        for (int t = 0; t < 100_000; t++) {
            // Magnitudes up to 2^±40 apart: exact in double up to 2^29 apart, so the check is exact then.
            float x = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(41) - 20));
            float y = (float) (random.nextGaussian() * Math.scalb(1.0, random.nextInt(41) - 20));
            float s = x + y;
            double exact = (double) x + y;
            double recovered = (double) s + Softmax.roundingError(x, y, s);
            if (Math.abs(Math.getExponent(x) - Math.getExponent(y)) <= 29) {
                assertEquals(exact, recovered, 0.0, x + " + " + y);
            } else {
                assertEquals(exact, recovered, Math.ulp(exact), x + " + " + y);
            }
        }
    }

    static double[] widened(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** J_ij = ∂a_i/∂z_j = a_i (δ_ij - a_j), written out in full. */
    private static double[][] explicitJacobian(double[] a, int off) {
        double[][] j = new double[UNITS][UNITS];
        for (int r = 0; r < UNITS; r++) {
            for (int c = 0; c < UNITS; c++) {
                j[r][c] = a[off + r] * ((r == c ? 1 : 0) - a[off + c]);
            }
        }
        return j;
    }

    private static double[] gaussian(Random random, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * random.nextGaussian();
        }
        return v;
    }
}
