package dev.sparkprop.driver.model;

import java.util.List;

/**
 * One input column as the model reads it: a numeric column is one network input; a categorical
 * column becomes one input per known category (one-hot, in {@code categories} order), and a
 * category not seen in training encodes as all zeros.
 */
public record FeatureColumn(String name, boolean categorical, List<String> categories) {

    public FeatureColumn {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a feature column needs a name");
        }
        categories = categorical ? List.copyOf(categories) : List.of();
    }

    public static FeatureColumn numeric(String name) {
        return new FeatureColumn(name, false, List.of());
    }

    public static FeatureColumn categorical(String name, List<String> categories) {
        return new FeatureColumn(name, true, categories);
    }

    /** How many network inputs this column becomes. */
    public int width() {
        return categorical ? categories.size() : 1;
    }
}
