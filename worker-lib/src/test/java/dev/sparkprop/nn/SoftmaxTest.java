package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
