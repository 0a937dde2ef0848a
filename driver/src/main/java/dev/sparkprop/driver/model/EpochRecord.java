package dev.sparkprop.driver.model;

import java.util.Map;

/**
 * The metrics of one training epoch (1-based), by name: {@code train_loss}, and where measured
 * {@code validation_loss}, {@code validation_accuracy}, {@code validation_rmse}, …; insertion
 * order is the order they are shown in.
 */
public record EpochRecord(int epoch, Map<String, Double> metrics) implements java.io.Serializable {

    public EpochRecord {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        }
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }
}
