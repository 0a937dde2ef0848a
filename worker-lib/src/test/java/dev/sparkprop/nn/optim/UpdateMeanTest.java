package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.DoubleArrays;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.ParameterLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Updater#updateMean}, one pass for Adam and AdamW, against the passes it stands for taken
 * one after another: divide the sum by the weight, {@link Updater#update}, round to float32.
 * Compared bit for bit, as both must run the same operations on each parameter.
 */
class UpdateMeanTest {

    /** Ranges of 60, 12, 72, 6, 18 and 3 parameters: each ends in a part shorter than a vector. */
    private static final ParameterLayout LAYOUT = NetworkSpec.parse("5,12:tanh,6:elu,3:softmax", "cross_entropy")
            .layout();

    private static Updater updater(String setting) {
        Optimizer optimizer = setting.startsWith("adamw") ? Optimizers.adamw(0.9, 0.999, 1e-8, 0.05)
                : setting.startsWith("adam") ? Optimizers.adam(0.9, 0.999, 1e-8)
                : setting.equals("sgd") ? Optimizers.sgd() : Optimizers.momentum(0.9);
        return new Updater(LAYOUT, optimizer, LearningRateSchedules.parse("cosine(total=20)", 0.01),
                setting.endsWith("l2") ? 0.01 : 0, setting.endsWith("clip") ? 0.5 : 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adamw", "adam l2", "adam clip", "sgd", "momentum"})
    void aMeanUpdateGivesThePassesOneAfterAnothersBits(String setting) {
        Updater updater = updater(setting);
        int n = LAYOUT.size();
        SplittableRandom random = new SplittableRandom(5);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = random.nextGaussian();
        }
        double[] state = updater.newState();
        // The -0 gradients' parameters start with states about the smallest normal double, so
        // that both ways flush some of them to 0 in the first steps
        double[] tiny = {Double.MIN_VALUE, Math.nextDown(Double.MIN_NORMAL), Double.MIN_NORMAL,
            1.05 * Double.MIN_NORMAL, 2e-308};
        for (int s = 0; s < state.length; s++) {
            if (s % n % 17 == 0) {
                state[s] = tiny[s / 17 % tiny.length];
            }
        }
        double[] expectedW = w.clone();
        double[] expectedState = state.clone();
        float[] w32 = new float[n];
        // Enough steps for the JIT to compile both ways (the schedule's 20 steps over and over)
        for (int k = 0; k < 3000; k++) {
            long iteration = k % 20;
            double[] sum = new double[n];
            for (int i = 0; i < n; i++) {
                // -0 and gradients far apart in size, as a sum over rows has them
                sum[i] = i % 17 == 0 ? -0.0 : random.nextGaussian() * Math.pow(10, random.nextInt(-6, 3));
            }
            double weight = 1 + random.nextInt(300);
            double[] g = sum.clone();
            for (int i = 0; i < n; i++) {
                g[i] *= 1.0 / weight;
            }
            updater.update(expectedW, g, expectedState, iteration);

            boolean narrow = k % 2 == 0; // a float64 job has no float32 weights
            assertTrue(updater.updateMean(w, sum, weight, state, iteration, narrow ? w32 : null));
            assertArrayEquals(bits(expectedW), bits(w), setting + ", step " + k);
            assertArrayEquals(bits(expectedState), bits(state), setting + ", step " + k);
            assertArrayEquals(new double[n], sum, "the sum is zeros again, ready for the next step");
            if (narrow) {
                assertArrayEquals(DoubleArrays.narrow(expectedW), w32);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adamw", "sgd"})
    void aNonFiniteGradientOrWeightAnywhereIsReported(String setting) {
        Updater updater = updater(setting);
        int n = LAYOUT.size();
        for (int at = 0; at < n; at++) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                double[] sum = new double[n];
                sum[at] = bad;
                assertFalse(updater.updateMean(new double[n], sum, 1, updater.newState(), 0, new float[n]),
                        setting + ": g = " + bad + " at " + at);
                double[] w = new double[n];
                w[at] = bad;
                assertFalse(updater.updateMean(w, new double[n], 1, updater.newState(), 0, null),
                        setting + ": w = " + bad + " at " + at);
            }
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
