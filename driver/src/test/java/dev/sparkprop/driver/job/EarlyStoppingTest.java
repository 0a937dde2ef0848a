package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.EarlyStoppingSection;
import dev.sparkprop.driver.model.EpochRecord;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    @Test
    void keepsTheBestEpochsWeightsAndStopsAfterPatienceEpochsWithoutImprovement() {
        EarlyStopping stopping = new EarlyStopping(new EarlyStoppingSection(2, "validation_loss"));
        assertTrue(stopping.update(1, Map.of("validation_loss", 0.9), new double[] {1}));
        assertTrue(stopping.update(2, Map.of("validation_loss", 0.5), new double[] {2}));
        assertTrue(stopping.update(3, Map.of("validation_loss", 0.5), new double[] {3}));
        assertFalse(stopping.update(4, Map.of("validation_loss", 0.7), new double[] {4}));
        assertEquals(2, stopping.bestEpoch());
        assertArrayEquals(new double[] {2}, stopping.bestParams());

        Training.KeptEpoch kept = stopping.kept(history(4), 10, null);
        assertEquals(2, kept.epoch());
        assertEquals("early stopping (patience 2) keeps the epoch with the best validation_loss, 0.500000; training"
                + " stopped after epoch 4, 2 epochs without improvement", kept.why());
        // An optimizer's convergence, not the patience, ended a run before its epochs: said so
        assertEquals("early stopping (patience 2) keeps the epoch with the best validation_loss, 0.500000; training"
                + " ended after epoch 4, when lbfgs converged", stopping.kept(history(4), 10, "lbfgs converged").why());
    }

    @Test
    void aHigherAccuracyIsBetter() {
        EarlyStopping stopping = new EarlyStopping(new EarlyStoppingSection(1, "validation_accuracy"));
        stopping.update(1, Map.of("validation_accuracy", 0.8), new double[] {1});
        assertTrue(stopping.update(2, Map.of("validation_accuracy", 0.9), new double[] {2}));
        assertEquals(2, stopping.bestEpoch());
    }

    @Test
    void offItKeepsTheLastEpochAndNeverStops() {
        EarlyStopping stopping = new EarlyStopping(new EarlyStoppingSection(0, "validation_loss"));
        assertTrue(stopping.update(1, Map.of(), new double[] {1}));
        assertFalse(stopping.on());
        assertEquals(new Training.KeptEpoch(3, "the last epoch (no early stopping)"), stopping.kept(history(3), 3, null));
    }

    @Test
    void anUnmeasuredMetricIsNamedWithTheMeasuredOnes() {
        EarlyStopping stopping = new EarlyStopping(new EarlyStoppingSection(1, "validation_loss"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stopping.update(1, Map.of("train_loss", 1.0), new double[] {1}));
        assertEquals("training.early_stopping.metric validation_loss is not measured; measured are [train_loss]",
                e.getMessage());
    }

    private static List<EpochRecord> history(int epochs) {
        return IntStream.rangeClosed(1, epochs)
                .mapToObj(e -> new EpochRecord(e, Map.of("train_loss", 1.0))).toList();
    }
}
