package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class DataColumnsTest {

    @Test
    void aCategoricalColumnThatIsNotAFeatureIsRefusedWithWhereToPutIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DataColumns(List.of("x1", "x2"), List.of("label"), null, List.of("x2", "label")));

        assertEquals("categorical column 'label' is not among the feature columns [x1, x2]; data.categorical names"
                + " feature columns only: remove it from data.categorical, or make it a feature (list it in"
                + " data.features)", e.getMessage());
    }
}
