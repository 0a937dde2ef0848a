package dev.sparkprop.driver.train;

import java.io.Serializable;
import java.util.List;

/**
 * Which DataFrame columns feed training.
 *
 * @param features    one ml {@code Vector} column, or numeric columns in input order
 * @param label       for cross-entropy a class index 0..K-1 (K = output units); otherwise a
 *                    numeric column (one output) or a Vector column (one value per output)
 * @param weight      a numeric column of non-negative row weights, or null for weight 1
 */
public record DataColumns(List<String> features, String label, String weight) implements Serializable {

    public DataColumns {
        if (features == null || features.isEmpty()) {
            throw new IllegalArgumentException("no feature columns given");
        }
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("no label column given");
        }
        features = List.copyOf(features);
    }

    public static DataColumns of(List<String> features, String label) {
        return new DataColumns(features, label, null);
    }
}
