package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.config.JobConfigLoader;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.Function1;

/**
 * The job config's training keys as the Spark ML params of one estimator: each param is named as
 * its key (e.g. {@code optimizer.learning_rate}), takes the key's default and documentation from
 * {@code reference.conf}, and checks a value as the config file would.
 */
final class TrainingParams implements Serializable {

    private static final long serialVersionUID = 1L;

    private enum Type { STRING, INT, LONG, DOUBLE, BOOLEAN }

    /** The training keys, in the reference's order; the I/O keys (data.path, output.*) have no param. */
    private static final Map<String, Type> KEYS = keys();

    static final String CLASS_WEIGHTS = "training.class_weights";

    private final Map<String, Param<?>> params = new LinkedHashMap<>();
    /** Spark's usual column params beside the keys: data.weight's and a validation split's. */
    final Param<String> weightCol;
    final Param<String> validationIndicatorCol;
    /** Not a job key: the CLI's train --resume. */
    final Param<String> resumeFrom;

    /**
     * Creates the params for {@code owner} and sets their defaults.
     *
     * @param classification whether to include the classification-only {@value #CLASS_WEIGHTS}
     * @param defaultLoss    this estimator's default for network.loss
     */
    TrainingParams(Params owner, boolean classification, String defaultLoss) {
        weightCol = new Param<>(owner, "weightCol", "The column of non-negative row weights (data.weight): the loss"
                + " is the weighted mean over rows. Not set: every row weighs 1.");
        validationIndicatorCol = new Param<>(owner, "validationIndicatorCol", "A boolean column that is true for"
                + " the rows to validate on after every epoch (instead of data.validation_fraction) and false for"
                + " the rows to train on. Not set: no such column.");
        resumeFrom = new Param<>(owner, "resumeFrom", "A checkpoint (a checkpoint-<iteration> directory, or a"
                + " training.checkpoint.path, whose newest is taken) to continue from, as sparkprop train --resume"
                + " does: with the settings and data of the run that wrote it, fit ends in that run's model, bit for"
                + " bit. Not set: train from the start.");
        for (Map.Entry<String, Type> e : KEYS.entrySet()) {
            String key = e.getKey();
            if (key.equals(CLASS_WEIGHTS) && !classification) {
                continue;
            }
            Param<?> param = create(owner, key, e.getValue());
            params.put(key, param);
            Object value = key.equals("network.loss") ? defaultLoss : JobConfigLoader.defaultValue(key);
            // A required key (network.layers) has no default: fit reports it unset
            if (JobConfigLoader.problemWith(key, value) == null) {
                setDefault(owner, param, typed(value, e.getValue()));
            }
        }
    }

    /** The param named {@code key}. */
    @SuppressWarnings("unchecked")
    <P extends Param<?>> P get(String key) {
        Param<?> param = params.get(key);
        if (param == null) {
            throw new IllegalArgumentException("no param " + key);
        }
        return (P) param;
    }

    /** Each key's value in {@code owner}, set or default; a key with neither is left out. */
    Map<String, Object> values(Params owner) {
        Map<String, Object> values = new LinkedHashMap<>();
        params.forEach((key, param) -> {
            if (owner.isDefined(param)) {
                values.put(key, owner.getOrDefault(param));
            }
        });
        return values;
    }

    private static Param<?> create(Params owner, String key, Type type) {
        String doc = JobConfigLoader.documentation(key);
        return switch (type) {
            case STRING -> new Param<String>(owner, key, doc, validator(key));
            case INT -> new IntParam(owner, key, doc, validator(key));
            case LONG -> new LongParam(owner, key, doc, validator(key));
            case DOUBLE -> new DoubleParam(owner, key, doc, validator(key));
            case BOOLEAN -> new BooleanParam(owner, key, doc);
        };
    }

    /** Spark reports a false validator vaguely; throwing the config's own problem names the fix. */
    @SuppressWarnings("unchecked")
    private static <T> Function1<T, Object> validator(String key) {
        return (Function1<T, Object> & Serializable) value -> {
            String problem = JobConfigLoader.problemWith(key, value);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            return Boolean.TRUE;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setDefault(Params owner, Param param, Object value) {
        owner.setDefault(param, value);
    }

    /** HOCON reads 0 as an integer; a double param's default must still be a Double. */
    private static Object typed(Object value, Type type) {
        return switch (type) {
            case LONG -> ((Number) value).longValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case INT -> ((Number) value).intValue();
            default -> value;
        };
    }

    private static Map<String, Type> keys() {
        Map<String, Type> keys = new LinkedHashMap<>();
        for (String key : List.of("network.layers", "network.loss", "network.initializer", "optimizer.kind",
                "optimizer.schedule", "training.precision", "training.early_stopping.metric", CLASS_WEIGHTS,
                "training.checkpoint.path", "training.on_non_finite", "data.missing")) {
            keys.put(key, Type.STRING);
        }
        for (String key : List.of("optimizer.learning_rate", "optimizer.l2", "optimizer.clip_norm",
                "data.validation_fraction")) {
            keys.put(key, Type.DOUBLE);
        }
        for (String key : List.of("training.epochs", "training.batch_rows", "training.iterations_per_epoch",
                "training.block_rows", "training.early_stopping.patience", "training.checkpoint.every_iterations",
                "training.checkpoint.keep", "spark.partitions", "spark.aggregation_depth")) {
            keys.put(key, Type.INT);
        }
        keys.put("training.seed", Type.LONG);
        keys.put("data.standardize", Type.BOOLEAN);
        return keys;
    }
}
