package dev.sparkprop.driver.ml;

import java.util.Map;

/**
 * What both sparkprop models offer beyond Spark's model API, from their saved form, and the
 * training params ({@link SparkpropParams}) with the values the model was fitted with.
 */
public interface SparkpropModel extends SparkpropParams {

    /** The trained network, shared by the model and its copies. */
    FittedNetwork network();

    /** The training run's per-epoch metrics, kept in the model directory. */
    default TrainingSummary summary() {
        return network().summary();
    }

    /** Always true: the summary is saved with the model. */
    default boolean hasSummary() {
        return true;
    }

    /** The effective job config the model was trained with, key to HOCON value (strings quoted). */
    default Map<String, String> trainingConfig() {
        return network().saved().metadata().config();
    }

    /** One setting the model was trained with, as a plain value: e.g. 0.01 for optimizer.learning_rate. */
    default Object trainingSetting(String key) {
        return network().trainingSetting(key);
    }

    /** The flat parameter array (a copy), in the layout of the network's layers. */
    default double[] weights() {
        return network().saved().params().clone();
    }
}
