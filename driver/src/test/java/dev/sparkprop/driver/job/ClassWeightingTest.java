package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkprop.driver.config.ClassWeights;
import dev.sparkprop.nn.Losses;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassWeightingTest {

    private static final List<String> CLASSES = List.of("a", "b", "c");

    @Test
    void balancedWeightsAreTotalOverClassesTimesCountAndOneForAnAbsentClass() {
        double[] w = ClassWeighting.perClass(new ClassWeights(true, List.of()), Losses.parse("cross_entropy"), CLASSES,
                new long[] {10, 30, 0});
        // 40 rows, 3 classes: 40 / (3 * 10) and 40 / (3 * 30), computed as the code does, so bitwise
        assertArrayEquals(new double[] {40.0 / 30, 40.0 / 90, 1}, w);
    }

    @Test
    void givenWeightsAreTakenInClassIndexOrder() {
        double[] w = ClassWeighting.perClass(new ClassWeights(false, List.of(1.0, 2.5, 0.5)),
                Losses.parse("cross_entropy"), CLASSES, new long[] {1, 1, 1});
        assertArrayEquals(new double[] {1.0, 2.5, 0.5}, w);
    }

    @Test
    void noClassWeightsGiveNull() {
        assertNull(ClassWeighting.perClass(new ClassWeights(false, List.of()), Losses.parse("mse"), null, null));
    }

    @Test
    void aWrongNumberOfWeightsNamesTheClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassWeighting.perClass(
                new ClassWeights(false, List.of(1.0, 2.0)), Losses.parse("cross_entropy"), CLASSES, new long[3]));
        assertEquals("training.class_weights lists 2 weights but the data has 3 classes [a, b, c]; give one per"
                + " class, in that order", e.getMessage());
    }

    @Test
    void classWeightsWithoutClassesNameTheLoss() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassWeighting.perClass(
                new ClassWeights(true, List.of()), Losses.parse("mse"), null, null));
        assertEquals("training.class_weights applies to classification; network.loss mse(reduction=mean) with these"
                + " labels has no classes; remove training.class_weights", e.getMessage());
    }
}
