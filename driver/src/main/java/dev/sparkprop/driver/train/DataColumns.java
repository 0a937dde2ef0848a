package dev.sparkprop.driver.train;

import java.io.Serializable;
import java.util.List;

/**
 * Which DataFrame columns feed training.
 *
 * @param features one ml {@code Vector} column, or numeric columns in input order
 * @param labels   the targets: for cross-entropy one column of class indices 0..K-1 (K = output
 *                 units); otherwise one numeric column per output, or one Vector column holding
 *                 all outputs
 * @param weight   a numeric column of non-negative row weights, or null for weight 1
 */
public record DataColumns(List<String> features, List<String> labels, String weight) implements Serializable {

    public DataColumns {
        if (features == null || features.isEmpty()) {
            throw new IllegalArgumentException("no feature columns given");
        }
        if (labels == null || labels.isEmpty() || labels.stream().anyMatch(l -> l == null || l.isBlank())) {
            throw new IllegalArgumentException("no label column given");
        }
        features = List.copyOf(features);
        labels = List.copyOf(labels);
    }

    public static DataColumns of(List<String> features, String label) {
        return new DataColumns(features, List.of(label), null);
    }
}
