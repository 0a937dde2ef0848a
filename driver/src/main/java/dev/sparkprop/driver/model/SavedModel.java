package dev.sparkprop.driver.model;

import java.util.Objects;

/**
 * A trained model: what it is ({@code metadata}) and its weights, the flat parameter array in
 * {@link dev.sparkprop.nn.ParameterLayout} order. The array is shared, not copied; as in any
 * record holding an array, {@code equals} compares it by identity.
 */
public record SavedModel(ModelMetadata metadata, double[] params) implements java.io.Serializable {

    public SavedModel {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(metadata.preprocessing(), "metadata.preprocessing");
        Objects.requireNonNull(params, "params");
    }
}
