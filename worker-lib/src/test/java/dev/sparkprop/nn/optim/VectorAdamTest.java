package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.VectorSupport;
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
                scalarAdam(expectedW, g, expectedState, 0.004, t);
                assertArrayEquals(bits(expectedW), bits(w), "w, n = " + n + ", t = " + t);
                assertArrayEquals(bits(expectedState), bits(state), "state, n = " + n + ", t = " + t);
            }
        }
    }

    /** torch.optim.Adam's update as Optimizers writes it (subnormal m and v flushed to 0), one parameter at a time. */
    private static void scalarAdam(double[] w, double[] g, double[] state, double lr, long t) {
        int n = w.length;
        double stepSize = lr / (1 - Math.pow(BETA1, t));
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(BETA2, t));
        for (int i = 0; i < n; i++) {
            double m = flushed(BETA1 * state[i] + (1 - BETA1) * g[i]);
            double v = flushed(BETA2 * state[n + i] + (1 - BETA2) * g[i] * g[i]);
            state[i] = m;
            state[n + i] = v;
            w[i] -= stepSize * m / (Math.sqrt(v) / sqrtCorrection2 + EPS);
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
