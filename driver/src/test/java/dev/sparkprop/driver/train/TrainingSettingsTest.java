package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.ConfigException;
import dev.sparkprop.driver.config.OptimizerSection;
import dev.sparkprop.nn.optim.Updater;
import org.junit.jupiter.api.Test;

class TrainingSettingsTest {

    /** sgd at rate 1 on a 2-input, 1-output linear layer: 3 parameters, so w moves by exactly -g. */
    private static Updater sgd(double clipNorm) {
        return TrainingSettings.builder("2,1:identity", "mse").optimizer("sgd").learningRate(1)
                .set(OptimizerSection.CLIP_NORM, clipNorm).build().updater();
    }

    @Test
    void clipNormZeroMeansNoClippingFromTheJobKeyToTheUpdater() {
        double[] w = new double[3];
        Updater off = sgd(0);
        off.update(w, new double[] {3, 4, 0}, off.newState(), 0);
        assertArrayEquals(new double[] {-3, -4, 0}, w, 0);

        w = new double[3];
        Updater clipped = sgd(1);
        clipped.update(w, new double[] {3, 4, 0}, clipped.newState(), 0);
        // ‖g‖ = 5 scaled to 1: 3/5 and 4/5, to within the rounding of one division and product
        assertArrayEquals(new double[] {-0.6, -0.8, 0}, w, 1e-15);
    }

    @Test
    void badValuesGetTheJobConfigsMessages() {
        ConfigException e = assertThrows(ConfigException.class, () -> sgd(-1));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("optimizer.clip_norm: must be ≥ 0 (0 turns clipping off), got"
                + " -1.0"), e.getMessage());
    }

    @Test
    void toBuilderKeepsEveryValue() {
        TrainingSettings settings = TrainingSettings.builder("4,3:tanh,2:softmax", "cross_entropy")
                .optimizer("momentum").learningRate(0.02).epochs(3).batchRows(16).seed(7).precision("float64").build();
        TrainingSettings copy = settings.toBuilder().build();
        assertEquals(settings.network().layersSpec(), copy.network().layersSpec());
        assertEquals(settings.optimizer(), copy.optimizer());
        assertEquals(settings.training(), copy.training());
        assertEquals(settings.spark(), copy.spark());
        assertArrayEquals(settings.initialParameters(), copy.initialParameters(), 0);
    }
}
