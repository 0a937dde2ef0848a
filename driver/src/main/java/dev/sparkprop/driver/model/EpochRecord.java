package dev.sparkprop.driver.model;

import java.util.Map;

/**
 * The metrics of one training epoch (1-based), by name: {@code train_loss}, and where measured
 * {@code validation_loss}, {@code validation_accuracy}, {@code validation_rmse}, …; insertion
 * order is the order they are shown in. With them, the epoch's wall time in seconds (its steps
 * and its validation pass) and its training rows per second (over its steps' time): NaN in a
 * model saved before sparkprop recorded them. They are facts of the run, not of the model, so
 * two runs of the same job differ in them and in nothing else.
 */
public record EpochRecord(int epoch, Map<String, Double> metrics, double seconds, double trainRowsPerSecond)
        implements java.io.Serializable {

    public EpochRecord {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        }
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** An epoch whose time was not recorded. */
    public EpochRecord(int epoch, Map<String, Double> metrics) {
        this(epoch, metrics, Double.NaN, Double.NaN);
    }
}
