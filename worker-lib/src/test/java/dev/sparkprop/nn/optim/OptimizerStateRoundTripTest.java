package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The state array is all an optimizer remembers: saving and restoring it resumes a run bit for bit. */
class OptimizerStateRoundTripTest {

    private static final double LR = 0.05;
    private static final double[][] GRADIENTS = {
            {0.5, -1, 0.125}, {0.25, 2, -0.75}, {-1.5, 0.5, 0.3}, {0.1, -0.2, 0.4}, {2, 1, -1}};

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum(momentum=0.8)", "nesterov", "adam(beta1=0.8,beta2=0.99,eps=1e-6)",
            "adamw", "rmsprop(rho=0.95)", "adagrad"})
    void restoredStateContinuesBitwiseLikeTheUninterruptedRun(String spec) {
        Optimizer original = (Optimizer) Optimizers.parse(spec);
        double[] w = {1, -2, 0.5};
        double[] state = original.initialState(w.length);
        assertEquals(original.stateSlots() * w.length, state.length);
        for (int t = 1; t <= 3; t++) {
            original.step(w, GRADIENTS[t - 1], state, LR, t);
        }
        double[] savedW = w.clone();
        double[] savedState = state.clone();
        for (int t = 4; t <= 5; t++) {
            original.step(w, GRADIENTS[t - 1], state, LR, t);
        }

        // a fresh instance from the saved name, as a restarted trainer would build it
        Optimizer restored = (Optimizer) Optimizers.parse(original.name());
        double[] resumedW = savedW.clone();
        double[] resumedState = restored.initialState(resumedW.length);
        System.arraycopy(savedState, 0, resumedState, 0, resumedState.length);
        for (int t = 4; t <= 5; t++) {
            restored.step(resumedW, GRADIENTS[t - 1], resumedState, LR, t);
        }

        assertArrayEquals(w, resumedW, 0);
        assertArrayEquals(state, resumedState, 0);
        if (original.stateSlots() > 0) {
            // the state matters: resuming from zeros instead goes elsewhere, so the equality above is not vacuous
            double[] fromZeros = savedW.clone();
            double[] zeros = restored.initialState(fromZeros.length);
            for (int t = 4; t <= 5; t++) {
                restored.step(fromZeros, GRADIENTS[t - 1], zeros, LR, t);
            }
            assertFalse(Arrays.equals(w, fromZeros));
        }
    }
}
