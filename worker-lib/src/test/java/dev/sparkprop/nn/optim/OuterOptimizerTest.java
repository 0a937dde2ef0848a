package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OuterOptimizerTest {

    @Test
    void specsParseToTheirDefaultsAndRenderBackToEqualOnes() {
        assertEquals(OuterOptimizer.average(), OuterOptimizer.parse("average"));
        assertEquals(OuterOptimizer.nesterov(0.9, 0.7), OuterOptimizer.parse("nesterov"));
        assertEquals(OuterOptimizer.nesterov(0.5, 1.2),
                OuterOptimizer.parse("Nesterov(learning_rate=1.2,momentum=0.5)"));
        for (OuterOptimizer o : new OuterOptimizer[] {OuterOptimizer.average(), OuterOptimizer.nesterov(0.8, 0.3)}) {
            assertEquals(o, OuterOptimizer.parse(o.name()), o.name());
        }
        assertEquals(0, OuterOptimizer.average().stateSlots());
        assertEquals(1, OuterOptimizer.parse("nesterov").stateSlots());
    }

    @Test
    void badSpecsAreRefusedNamingTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.parse("adam"));
        assertTrue(e.getMessage().contains("unknown outer optimizer 'adam'") && e.getMessage().contains("average"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.parse("nesterov(momentum=1)"));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.parse("nesterov(learning_rate=0)"));
        assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
    }

    @Test
    void averagingAddsTheMeanChangeAndNesterovStepsAlongItsVelocity() {
        double[] w = {1.0, -2.0, 0.5};
        OuterOptimizer.average().step(w, new double[] {0.25, 0.5, -0.125}, new double[0], 0);
        // w + Δ, exactly: these sums are exact in binary
        assertArrayEquals(new double[] {1.25, -1.5, 0.375}, w);

        // v = μ·v - Δ; w -= lr·(-Δ + μ·v), twice with Δ = 1 at μ = 0.5, lr = 0.5 (exact in binary)
        double[] x = {0.0};
        double[] v = {0.0};
        OuterOptimizer nesterov = OuterOptimizer.nesterov(0.5, 0.5);
        nesterov.step(x, new double[] {1.0}, v, 0);
        assertEquals(-1.0, v[0]);
        assertEquals(0.75, x[0]); // 0 - 0.5·(-1 - 0.5)
        nesterov.step(x, new double[] {1.0}, v, 1);
        assertEquals(-1.5, v[0]);
        assertEquals(0.75 + 0.5 * 1.75, x[0]);
    }
}
