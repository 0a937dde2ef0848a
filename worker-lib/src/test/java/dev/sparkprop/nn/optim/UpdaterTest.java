package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.ParameterLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * On the 2-3-1 network: W1 (3x2) at [0, 6), b1 at [6, 9), W2 (1x3) at [9, 12), b2 at [12], 13
 * parameters. Index 0 is a weight and index 12 a bias throughout.
 */
class UpdaterTest {

    private static final ParameterLayout LAYOUT = NetworkSpec.parse("2,3:tanh,1:identity", "mse").layout();
    private static final double TOL = 1e-12;

    private static Updater sgd(double lr, double l2, double clipNorm) {
        return new Updater(LAYOUT, Optimizers.sgd(), LearningRateSchedules.constant(lr), l2, clipNorm);
    }

    /** 13 values: {@code weight} at W1 and W2, {@code bias} at b1 and b2. */
    private static double[] byKind(double weight, double bias) {
        return new double[] {
                weight, weight, weight, weight, weight, weight, bias, bias, bias, weight, weight, weight, bias};
    }

    /** A gradient of norm 5: 3 on a weight, 4 on a bias. */
    private static double[] threeFourGradient() {
        double[] g = new double[13];
        g[0] = 3;
        g[12] = 4;
        return g;
    }

    @Test
    void layoutIsTheOneTheseTestsAssume() {
        assertEquals(13, LAYOUT.size());
        for (int i = 0; i < 13; i++) {
            assertEquals(byKind(1, 0)[i] == 1, LAYOUT.isWeight(i), LAYOUT.describe(i));
        }
    }

    @Test
    void clippingScalesTheGradientToExactlyTheClipNorm() {
        Updater updater = sgd(1, 0, 1);
        double[] w = new double[13];
        double[] g = threeFourGradient();
        updater.update(w, g, updater.newState(), 0);
        // ‖g‖ = 5 > 1: g *= 1/5 -> 0.6 and 0.8, norm exactly 1, direction kept
        double[] clipped = new double[13];
        clipped[0] = 0.6;
        clipped[12] = 0.8;
        assertArrayEquals(clipped, g, TOL);
        assertEquals(1, Math.sqrt(g[0] * g[0] + g[12] * g[12]), TOL);
        // sgd at lr 1 from w = 0 steps by the clipped gradient
        assertEquals(-0.6, w[0], TOL);
        assertEquals(-0.8, w[12], TOL);
    }

    @Test
    void gradientWithinTheClipNormIsLeftUntouched() {
        Updater updater = sgd(1, 0, 5.5);
        double[] g = threeFourGradient();
        updater.update(new double[13], g, updater.newState(), 0);
        assertArrayEquals(threeFourGradient(), g, 0);
    }

    @Test
    void zeroClipNormTurnsClippingOff() {
        Updater updater = sgd(1, 0, 0);
        double[] g = threeFourGradient();
        g[5] = 1e150;
        double[] given = g.clone();
        updater.update(new double[13], g, updater.newState(), 0);
        assertArrayEquals(given, g, 0);
    }

    @Test
    void l2IsAddedToWeightGradientsOnlyNotBiases() {
        Updater updater = sgd(1, 0.5, Updater.NO_CLIPPING);
        double[] w = byKind(2, 2);
        double[] g = new double[13];
        updater.update(w, g, updater.newState(), 0);
        // weights: g = 0 + 0.5*2 = 1, w = 2 - 1*1 = 1; biases: g stays 0, w stays 2
        assertArrayEquals(byKind(1, 0), g, TOL);
        assertArrayEquals(byKind(1, 2), w, TOL);
    }

    @Test
    void l2IsAddedAfterClippingSoThePenaltyIsNotClipped() {
        Updater updater = sgd(1, 0.5, 1);
        double[] g = threeFourGradient();
        updater.update(byKind(2, 2), g, updater.newState(), 0);
        // clipped to [0.6 at 0, 0.8 at 12], then 0.5*2 = 1 added on every weight
        double[] expected = byKind(1, 0);
        expected[0] = 1.6;
        expected[12] = 0.8;
        assertArrayEquals(expected, g, TOL);
    }

    @Test
    void adamwDecayShrinksWeightsOnlyNotBiasesNorTheGradient() {
        Updater updater = new Updater(LAYOUT, Optimizers.adamw(0.9, 0.999, 1e-8, 0.1),
                LearningRateSchedules.constant(0.5), 0, Updater.NO_CLIPPING);
        double[] w = byKind(2, 2);
        double[] g = new double[13];
        double[] state = updater.newState();
        updater.update(w, g, state, 0);
        // zero gradient: the Adam step moves nothing (m = v = 0, 0/(0 + ε) = 0), so only the decay shows:
        // weights 2*(1 - 0.5*0.1) = 1.9, biases stay 2
        assertArrayEquals(byKind(1.9, 2), w, TOL);
        assertArrayEquals(new double[13], g, 0);
        assertArrayEquals(new double[26], state, 0);
    }

    @Test
    void rateComesFromTheScheduleAtTheGivenIteration() {
        Updater updater = new Updater(LAYOUT, Optimizers.sgd(), LearningRateSchedules.exponential(1, 0.5), 0,
                Updater.NO_CLIPPING);
        double[] w = new double[13];
        updater.update(w, threeFourGradient(), updater.newState(), 2);
        // lr = 1 * 0.5^2 = 0.25: w = -0.25*g
        assertEquals(-0.75, w[0], TOL);
        assertEquals(-1.0, w[12], TOL);
    }

    @Test
    void optimizerStepNumberIsIterationPlusOne() {
        Updater updater = new Updater(LAYOUT, Optimizers.adam(0.9, 0.999, 1e-8), LearningRateSchedules.constant(0.1),
                0, Updater.NO_CLIPPING);
        double[] w = new double[13];
        double[] g = new double[13];
        g[0] = 1;
        updater.update(w, g, updater.newState(), 2);
        // fresh state at t = 3: m = 0.1, v = 0.001; 1 - 0.9³ = 0.271, 1 - 0.999³ = 0.002997001
        // (t = 1 would move by 0.1; t = 2 by 0.1*(0.1/0.19)/(√(0.001/0.001999) + ε) ≈ 0.0744)
        assertEquals(-0.1 * (0.1 / 0.271) / (Math.sqrt(0.001 / 0.002997001) + 1e-8), w[0], TOL);
    }


    @Test
    void newStateHoldsTheOptimizerSlotsForEveryParameter() {
        Updater updater = new Updater(LAYOUT, Optimizers.adam(0.9, 0.999, 1e-8), LearningRateSchedules.constant(0.1),
                0, 1);
        assertArrayEquals(new double[26], updater.newState(), 0);
    }

    @Test
    void badArgumentsAreRejectedWithMessagesNamingThem() {
        assertMessage("l2 must be a finite number ≥ 0 (0 turns it off), got -0.1", () -> sgd(1, -0.1, 1));
        assertMessage("clip norm must be a finite number ≥ 0 (0 turns clipping off), got -1.0", () -> sgd(1, 0, -1));
        assertMessage("got Infinity", () -> sgd(1, 0, Double.POSITIVE_INFINITY));
        assertMessage("got NaN", () -> sgd(1, 0, Double.NaN));
        Updater updater = sgd(1, 0, 1);
        assertMessage("the layout has 13 parameters, got 12 weights and 13 gradient values",
                () -> updater.update(new double[12], new double[13], updater.newState(), 0));
    }

    @Test
    void negativeIterationFailsBeforeTheGradientChanges() {
        Updater updater = sgd(1, 0.5, 1);
        double[] g = threeFourGradient();
        assertMessage("got -1", () -> updater.update(byKind(2, 2), g, updater.newState(), -1));
        assertTrue(Arrays.equals(threeFourGradient(), g));
    }

    private static void assertMessage(String expectedPart, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }
}
