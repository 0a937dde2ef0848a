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
        for (int n = 0; n <= 41; n++) {
            double[] w = new double[n];
            double[] g = new double[n];
            double[] state = new double[2 * n];
            for (int i = 0; i < n; i++) {
                w[i] = random.nextGaussian();
                g[i] = random.nextInt(8) == 0 ? special[random.nextInt(special.length)] : random.nextGaussian() * 1e-3;
                state[i] = random.nextGaussian() * 1e-2;
                state[n + i] = random.nextDouble() * 1e-4;
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

    /** torch.optim.Adam's update as Optimizers writes it, one parameter at a time. */
    private static void scalarAdam(double[] w, double[] g, double[] state, double lr, long t) {
        int n = w.length;
        double stepSize = lr / (1 - Math.pow(BETA1, t));
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(BETA2, t));
        for (int i = 0; i < n; i++) {
            double m = BETA1 * state[i] + (1 - BETA1) * g[i];
            double v = BETA2 * state[n + i] + (1 - BETA2) * g[i] * g[i];
            state[i] = m;
            state[n + i] = v;
            w[i] -= stepSize * m / (Math.sqrt(v) / sqrtCorrection2 + EPS);
        }
    }

    private static long[] bits(double[] values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }
}
