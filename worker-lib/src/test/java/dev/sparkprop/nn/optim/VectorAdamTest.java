package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.VectorSupport;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Adam's SIMD lanes give the scalar formula's bits, whatever the length and the values. */
class VectorAdamTest {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    @Test
    void testsRunWithTheVectorModule() {
        // Else the test below would compare the scalar loop with itself
        assertTrue(VectorSupport.AVAILABLE, "surefire should start the JVM with --add-modules=jdk.incubator.vector");
    }

    @Test
    void adamStepsGiveTheScalarFormulasBitsAtEveryLengthAndValue() {
        Optimizer adam = Optimizers.adam(BETA1, BETA2, EPS);
        SplittableRandom random = new SplittableRandom(7);
        double[] special = {0.0, -0.0, 1e-300, -1e300, Double.MIN_VALUE, 1e154, Double.NaN, Double.POSITIVE_INFINITY};
        // States about the smallest normal double, where the flush to 0 starts
        double[] specialState = {0.0, -0.0, Double.MIN_VALUE, 4 * Double.MIN_VALUE, -Double.MIN_NORMAL,
            1.05 * Double.MIN_NORMAL, 2e-308, -1e-300};
        for (int n = 0; n <= 41; n++) {
            double[] w = new double[n];
            double[] g = new double[n];
            double[] state = new double[2 * n];
            for (int i = 0; i < n; i++) {
                w[i] = random.nextGaussian();
                g[i] = random.nextInt(8) == 0 ? special[random.nextInt(special.length)] : random.nextGaussian() * 1e-3;
                boolean tiny = random.nextInt(8) == 0;
                if (tiny && random.nextBoolean()) {
                    g[i] = 0; // a dead unit's: the state only decays
                }
                state[i] = tiny ? specialState[random.nextInt(specialState.length)] : random.nextGaussian() * 1e-2;
                state[n + i] = tiny ? Math.abs(specialState[random.nextInt(specialState.length)])
                        : random.nextDouble() * 1e-4;
            }
            double[] expectedW = w.clone();
            double[] expectedState = state.clone();
            for (long t = 1; t <= 3; t++) {
                adam.step(w, g, state, 0.004, t);
                scalarAdam(expectedW, g, expectedState, 0.004, t, BETA1, BETA2);
                assertArrayEquals(bits(expectedW), bits(w), "w, n = " + n + ", t = " + t);
                assertArrayEquals(bits(expectedState), bits(state), "state, n = " + n + ", t = " + t);
            }
        }
    }

    @Test
    void bothFlushExactlyTheStatesBelowTheSmallestNormalDouble() {
        // β1 = β2 = 0 makes m = g and v = g·g exactly, so g puts them on either side of 2^-1022
        Optimizer adam = Optimizers.adam(0, 0, EPS);
        double root = Math.sqrt(Double.MIN_NORMAL); // 2^-511, whose square is 2^-1022
        double[] edge = {Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), Double.MIN_VALUE, root,
            Math.nextDown(root), 0.0, Double.POSITIVE_INFINITY, Double.NaN, 1e-3};
        int n = 4 * edge.length + 3; // whole lanes and a tail on any machine's vectors
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = (i % 2 == 0 ? 1 : -1) * edge[i / 2 % edge.length];
        }
        double[] w = new double[n];
        Arrays.fill(w, 0.5);
        double[] state = new double[2 * n];
        double[] expectedW = w.clone();
        double[] expectedState = state.clone();
        adam.step(w, g, state, 0.004, 1);
        scalarAdam(expectedW, g, expectedState, 0.004, 1, 0, 0);
        assertArrayEquals(bits(expectedW), bits(w), "w");
        assertArrayEquals(bits(expectedState), bits(state), "state");
        assertEquals(Double.MIN_NORMAL, state[0], "m = 2^-1022 is kept");
        assertEquals(0.0, state[2], "m = nextDown(2^-1022) is flushed");
        assertEquals(Double.MIN_NORMAL, state[n + 6], "v = (2^-511)^2 is kept");
        assertEquals(0.0, state[n + 8], "v = nextDown(2^-511)^2 is flushed");
    }

    /**
     * torch.optim.Adam's update as Optimizers writes it (numerator and denominator times √(1-β2^t),
     * subnormal m and v flushed to 0), one parameter at a time.
     */
    private static void scalarAdam(double[] w, double[] g, double[] state, double lr, long t, double beta1,
                                   double beta2) {
        int n = w.length;
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / (1 - Math.pow(beta1, t)) * sqrtCorrection2;
        for (int i = 0; i < n; i++) {
            double m = flushed(beta1 * state[i] + (1 - beta1) * g[i]);
            double v = flushed(beta2 * state[n + i] + (1 - beta2) * g[i] * g[i]);
            state[i] = m;
            state[n + i] = v;
            w[i] -= stepSize * m / (Math.sqrt(v) + EPS * sqrtCorrection2);
        }
    }

    private static double flushed(double x) {
        return Math.abs(x) < Double.MIN_NORMAL ? 0.0 : x;
    }

    private static long[] bits(double[] values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }
}
