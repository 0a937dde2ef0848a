package dev.sparkprop.driver.model;

import java.util.List;

/**
 * One input column as the model reads it: a numeric column is one network input; an ml Vector
 * column is {@code vectorSize} inputs; a categorical column becomes one input per known
 * category (one-hot, in {@code categories} order), and a category not seen in training encodes
 * as all zeros; so does a missing value, unless the column has {@link #MISSING_CATEGORY}.
 */
public record FeatureColumn(String name, boolean categorical, List<String> categories, int vectorSize)
        implements java.io.Serializable {

    /**
     * The category that stands for a missing value, last in the list of a categorical column that
     * had missing values in the training rows, with data.missing = "impute".
     */
    public static final String MISSING_CATEGORY = "<missing>";

    public FeatureColumn {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a feature column needs a name");
        }
        if (vectorSize < 0 || categorical && vectorSize > 0) {
            throw new IllegalArgumentException("feature column '" + name + "' has a bad vector size " + vectorSize);
        }
        categories = categorical ? List.copyOf(categories) : List.of();
    }

    public FeatureColumn(String name, boolean categorical, List<String> categories) {
        this(name, categorical, categories, 0);
    }

    public static FeatureColumn numeric(String name) {
        return new FeatureColumn(name, false, List.of(), 0);
    }

    public static FeatureColumn vector(String name, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("vector column '" + name + "' must hold at least 1 value, got " + size);
        }
        return new FeatureColumn(name, false, List.of(), size);
    }

    public static FeatureColumn categorical(String name, List<String> categories) {
        return new FeatureColumn(name, true, categories, 0);
    }

    public boolean isVector() {
        return vectorSize > 0;
    }

    /** How many network inputs this column becomes. */
    public int width() {
        return categorical ? categories.size() : isVector() ? vectorSize : 1;
    }
}
