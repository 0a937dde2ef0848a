package dev.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreTest {

    /**
     * Hand-computed: true class 0 predicted 0 three times and 1 once, true 1 predicted 1 twice,
     * and class 2 only ever predicted (for a true 1). Class 0: precision 3/3, recall 3/4, F1 6/7;
     * class 1: precision 2/3, recall 2/3, F1 2/3; class 2: precision 0, F1 0. Accuracy 5/7.
     * The sums are of a few small fractions, exact to a few ulps: 1e-12.
     */
    @Test
    void macroF1CountsAPredictedOnlyClassAsZero() {
        Map<Integer, Map<Integer, Long>> counts = Map.of(0, Map.of(0, 3L, 1, 1L), 1, Map.of(1, 2L, 2, 1L));
        double[] metrics = Score.accuracyAndMacroF1(counts);
        assertEquals(5.0 / 7, metrics[0], 1e-12);
        assertEquals((6.0 / 7 + 2.0 / 3 + 0) / 3, metrics[1], 1e-12);
    }

    @Test
    void ranksClassesByMacroF1AndRegressionByR2() {
        Score accurate = Score.classes("a", "", 0.95, 0.50, 1);
        Score balanced = Score.classes("b", "", 0.90, 0.70, 1);
        assertTrue(balanced.rank() > accurate.rank());
        assertTrue(Score.regression("c", "", 0.8, 1).rank() > Score.regression("d", "", 0.7, 1).rank());
        assertEquals("0.9000/0.7000", balanced.metrics());
    }
}
