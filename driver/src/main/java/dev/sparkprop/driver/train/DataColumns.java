package dev.sparkprop.driver.train;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.spark.Columns;
import java.io.Serializable;
import java.util.List;

/**
 * Which DataFrame columns feed training.
 *
 * @param features    numeric columns, ml Vector columns and categorical columns, in input order
 * @param labels      the targets: for classification one column of class values (numbers or
 *                    strings); otherwise one numeric column per output, or one Vector column
 * @param weight      a numeric column of non-negative row weights, or null for weight 1
 * @param categorical the feature columns to one-hot encode (any type: strings, numbers)
 */
public record DataColumns(List<String> features, List<String> labels, String weight, List<String> categorical)
        implements Serializable {

    public DataColumns {
        if (features == null || features.isEmpty()) {
            throw new IllegalArgumentException("no feature columns given");
        }
        if (labels == null || labels.isEmpty() || labels.stream().anyMatch(l -> l == null || l.isBlank())) {
            throw new IllegalArgumentException("no label column given");
        }
        features = List.copyOf(features);
        labels = List.copyOf(labels);
        categorical = categorical == null ? List.of() : List.copyOf(categorical);
        for (String c : categorical) {
            if (!features.contains(c)) {
                throw new IllegalArgumentException("categorical column '" + c + "' is not among the feature columns "
                        + Prose.abbreviated(features, "columns") + "; data.categorical names feature columns only: remove it from data.categorical,"
                        + " or make it a feature (list it in data.features)");
            }
        }
        if (weight != null && (weight.isBlank() || features.contains(weight) || labels.contains(weight))) {
            throw new IllegalArgumentException("weight column '" + weight + "' must be a separate, named column");
        }
    }

    /** The columns as {@link Columns#requireAll} checks them. */
    public List<Columns.Wanted> wanted() {
        return Columns.Wanted.training(features, labels, weight);
    }

    public static DataColumns of(List<String> features, String label) {
        return new DataColumns(features, List.of(label), null, List.of());
    }
}
