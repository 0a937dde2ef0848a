package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first steps of every optimizer against arithmetic done by hand (in the comments).
 * Throughout: w starts at [1, -2], lr = 0.1, g1 = [0.5, -1], g2 = [0.25, 2], g3 = [0, 0].
 * Where ε enters, the expected value keeps it symbolically, since ε shifts the result by far
 * more than the 1e-12 tolerance.
 */
class OptimizerStepsTest {

    private static final double TOL = 1e-12;
    private static final double LR = 0.1;
    private static final double[] G1 = {0.5, -1};
    private static final double[] G2 = {0.25, 2};
    private static final double[] G3 = {0, 0};

    private static double[] start() {
        return new double[] {1, -2};
    }

    @Test
    void sgdSubtractsLrTimesGradient() {
        Optimizer sgd = Optimizers.sgd();
        double[] w = start();
        double[] state = sgd.initialState(2);
        assertEquals(0, state.length);
        // w = [1 - 0.1*0.5, -2 - 0.1*(-1)] = [0.95, -1.9]
        sgd.step(w, G1, state, LR, 1);
        assertArrayEquals(new double[] {0.95, -1.9}, w, TOL);
        // w = [0.95 - 0.1*0.25, -1.9 - 0.1*2] = [0.925, -2.1]
        sgd.step(w, G2, state, LR, 2);
        assertArrayEquals(new double[] {0.925, -2.1}, w, TOL);
    }

    @Test
    void momentumAccumulatesVelocityAndKeepsMovingOnZeroGradient() {
        Optimizer momentum = Optimizers.momentum(0.9);
        double[] w = start();
        double[] v = momentum.initialState(2);
        // v = 0.9*0 + g1 = [0.5, -1]; w -= 0.1*v -> [0.95, -1.9]
        momentum.step(w, G1, v, LR, 1);
        assertArrayEquals(new double[] {0.5, -1}, v, TOL);
        assertArrayEquals(new double[] {0.95, -1.9}, w, TOL);
        // v = [0.9*0.5 + 0.25, 0.9*(-1) + 2] = [0.7, 1.1]; w -= [0.07, 0.11] -> [0.88, -2.01]
        momentum.step(w, G2, v, LR, 2);
        assertArrayEquals(new double[] {0.7, 1.1}, v, TOL);
        assertArrayEquals(new double[] {0.88, -2.01}, w, TOL);
        // g = 0: v = [0.63, 0.99]; w -= [0.063, 0.099] -> [0.817, -2.109]
        momentum.step(w, G3, v, LR, 3);
        assertArrayEquals(new double[] {0.63, 0.99}, v, TOL);
        assertArrayEquals(new double[] {0.817, -2.109}, w, TOL);
    }

    @Test
    void nesterovStepsAlongGradientPlusMomentumTimesUpdatedVelocity() {
        Optimizer nesterov = Optimizers.nesterov(0.9);
        double[] w = start();
        double[] v = nesterov.initialState(2);
        // v = [0.5, -1]; g + 0.9v = [0.95, -1.9]; w -= 0.1*that -> [0.905, -1.81]
        nesterov.step(w, G1, v, LR, 1);
        assertArrayEquals(new double[] {0.905, -1.81}, w, TOL);
        // v = [0.7, 1.1]; g + 0.9v = [0.25 + 0.63, 2 + 0.99] = [0.88, 2.99]; w -= [0.088, 0.299] -> [0.817, -2.109]
        nesterov.step(w, G2, v, LR, 2);
        assertArrayEquals(new double[] {0.817, -2.109}, w, TOL);
        // g = 0: v = [0.63, 0.99]; g + 0.9v = [0.567, 0.891]; w -> [0.7603, -2.1981]
        nesterov.step(w, G3, v, LR, 3);
        assertArrayEquals(new double[] {0.63, 0.99}, v, TOL);
        assertArrayEquals(new double[] {0.7603, -2.1981}, w, TOL);
    }

    @Test
    void adamFirstStepMovesEachWeightByLrTimesSignOfGradientUpToEps() {
        Optimizer adam = Optimizers.adam(0.9, 0.999, 1e-8);
        double[] w = start();
        double[] state = adam.initialState(2);
        assertEquals(4, state.length);
        // m = 0.1*g1 = [0.05, -0.1], v = 0.001*g1² = [0.00025, 0.001];
        // m̂ = m/(1-0.9) = g1, v̂ = v/(1-0.999) = g1², so √v̂ = |g1| and w -= 0.1*g/(|g| + 1e-8)
        adam.step(w, G1, state, LR, 1);
        assertArrayEquals(new double[] {0.05, -0.1, 0.00025, 0.001}, state, TOL);
        assertArrayEquals(new double[] {1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1 / (1 + 1e-8)}, w, TOL);
        // without the ε the move would be exactly 0.1; ε makes it 2e-9 shorter, visible at this tolerance
        assertTrue(1 - w[0] < 0.1 - 1e-9);
    }

    @Test
    void adamSecondStepAppliesBiasCorrectionForStepTwo() {
        Optimizer adam = Optimizers.adam(0.9, 0.999, 1e-8);
        double[] w = start();
        double[] state = adam.initialState(2);
        adam.step(w, G1, state, LR, 1);
        double[] afterFirst = w.clone();
        // m = 0.9*[0.05, -0.1] + 0.1*[0.25, 2] = [0.07, 0.11]
        // v = 0.999*[0.00025, 0.001] + 0.001*[0.0625, 4] = [0.00031225, 0.004999]
        // 1 - 0.9² = 0.19, 1 - 0.999² = 0.001999; w -= 0.1*(m/0.19)/(√(v/0.001999) + 1e-8)
        adam.step(w, G2, state, LR, 2);
        assertArrayEquals(new double[] {0.07, 0.11, 0.00031225, 0.004999}, state, TOL);
        assertArrayEquals(new double[] {
                afterFirst[0] - 0.1 * (0.07 / 0.19) / (Math.sqrt(0.00031225 / 0.001999) + 1e-8),
                afterFirst[1] - 0.1 * (0.11 / 0.19) / (Math.sqrt(0.004999 / 0.001999) + 1e-8)}, w, TOL);
    }

    @Test
    void adamRejectsStepNumberZeroBecauseStepsAreOneBased() {
        Optimizer adam = Optimizers.adam(0.9, 0.999, 1e-8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.step(start(), G1, adam.initialState(2), LR, 0));
        assertTrue(e.getMessage().contains("1-based, got 0"), e.getMessage());
    }

    @Test
    void adamwStepIsTheAdamStepAndReportsItsDecayForTheUpdater() {
        Optimizer adam = Optimizers.adam(0.8, 0.99, 1e-7);
        Optimizer adamw = Optimizers.adamw(0.8, 0.99, 1e-7, 0.05);
        double[] wAdam = start();
        double[] wAdamW = start();
        double[] sAdam = adam.initialState(2);
        double[] sAdamW = adamw.initialState(2);
        adam.step(wAdam, G1, sAdam, LR, 1);
        adam.step(wAdam, G2, sAdam, LR, 2);
        adamw.step(wAdamW, G1, sAdamW, LR, 1);
        adamw.step(wAdamW, G2, sAdamW, LR, 2);
        assertArrayEquals(wAdam, wAdamW, 0);
        assertArrayEquals(sAdam, sAdamW, 0);
        assertEquals(0.05, adamw.decoupledWeightDecay());
        assertEquals(0, adam.decoupledWeightDecay());
    }

    @Test
    void rmspropFirstStepMovesByLrOverRootOfOneMinusRho() {
        Optimizer rmsprop = Optimizers.rmsprop(0.9, 1e-8);
        double[] w = start();
        double[] s = rmsprop.initialState(2);
        // s = 0.1*g1² = [0.025, 0.1]; g/√s = sign(g)/√0.1, so each weight moves by 0.1*√10 ≈ 0.316 up to ε
        rmsprop.step(w, G1, s, LR, 1);
        assertArrayEquals(new double[] {0.025, 0.1}, s, TOL);
        assertArrayEquals(new double[] {1 - 0.1 * 0.5 / (Math.sqrt(0.025) + 1e-8),
            -2 + 0.1 * 1 / (Math.sqrt(0.1) + 1e-8)}, w, TOL);
        assertEquals(1 - 0.1 * Math.sqrt(10), w[0], 1e-7);
        double[] afterFirst = w.clone();
        // s = 0.9*[0.025, 0.1] + 0.1*[0.0625, 4] = [0.02875, 0.49]; √s = [√0.02875, 0.7]
        rmsprop.step(w, G2, s, LR, 2);
        assertArrayEquals(new double[] {0.02875, 0.49}, s, TOL);
        assertArrayEquals(new double[] {
                afterFirst[0] - 0.1 * 0.25 / (Math.sqrt(0.02875) + 1e-8),
                afterFirst[1] - 0.1 * 2 / (0.7 + 1e-8)}, w, TOL);
    }

    @Test
    void adagradDividesByRootOfSummedSquares() {
        Optimizer adagrad = Optimizers.adagrad(1e-10);
        double[] w = start();
        double[] sum = adagrad.initialState(2);
        // G = g1² = [0.25, 1]; g/√G = sign(g), so w -> [0.9, -1.9] up to ε
        adagrad.step(w, G1, sum, LR, 1);
        assertArrayEquals(new double[] {0.25, 1}, sum, TOL);
        assertArrayEquals(new double[] {1 - 0.1 * 0.5 / (0.5 + 1e-10), -2 + 0.1 * 1 / (1 + 1e-10)}, w, TOL);
        // G = [0.25 + 0.0625, 1 + 4] = [0.3125, 5]; 0.25/√0.3125 = 1/√5 and 2/√5: both moves are multiples of 0.1/√5
        adagrad.step(w, G2, sum, LR, 2);
        assertArrayEquals(new double[] {0.3125, 5}, sum, TOL);
        assertArrayEquals(new double[] {
                1 - 0.1 * 0.5 / (0.5 + 1e-10) - 0.1 * 0.25 / (Math.sqrt(0.3125) + 1e-10),
                -2 + 0.1 * 1 / (1 + 1e-10) - 0.1 * 2 / (Math.sqrt(5) + 1e-10)}, w, TOL);
        assertEquals(0.9 - 0.1 / Math.sqrt(5), w[0], 1e-9);
    }

    @Test
    void stateThatDecaysOnZeroGradientsEndsAtZeroNotInTheSubnormals() {
        // Left alone, β·x rounds back to x a few ulps above 0 and every later step computes on subnormals
        List<Optimizer> decaying = List.of(Optimizers.momentum(0.9), Optimizers.nesterov(0.9),
                Optimizers.adam(0.9, 0.999, 1e-8), Optimizers.adamw(0.9, 0.999, 1e-8, 0.01),
                Optimizers.rmsprop(0.9, 1e-8));
        for (Optimizer o : decaying) {
            double[] w = start();
            double[] state = o.initialState(2);
            o.step(w, G1, state, LR, 1);
            for (long t = 2; t <= 8_000; t++) {
                o.step(w, G3, state, LR, t);
                for (double s : state) {
                    assertTrue(s == 0 || Math.abs(s) >= Double.MIN_NORMAL, o.name() + ", step " + t + ": " + s);
                }
            }
            // 0.9^8000 is about 1e-366: the velocity, Adam's m, RMSprop's mean square went to 0
            assertEquals(0.0, state[0], o.name());
        }
    }

    @Test
    void stepRejectsStateThatDoesNotFitTheWeights() {
        Optimizer momentum = Optimizers.momentum(0.9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> momentum.step(start(), G1, new double[3], LR, 1));
        assertTrue(e.getMessage().contains("state of 2 values, got 2 and 3"), e.getMessage());
    }
}
