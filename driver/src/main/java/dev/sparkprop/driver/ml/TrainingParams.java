package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.config.NetworkSection;
import dev.sparkprop.driver.config.Setting;
import dev.sparkprop.driver.train.BatchPredictor;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.Function1;

/**
 * The job config's training keys as the Spark ML params of one estimator or model: each key
 * whose declaration ({@link Setting}) makes it a param is a param named as the key (e.g.
 * {@code optimizer.learning_rate}) with its declared type, takes the key's documentation from
 * {@code reference.conf}, and checks a value as the config file would.
 */
final class TrainingParams implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, Param<?>> params = new LinkedHashMap<>();
    /** Spark's usual column params beside the keys: data.weight's and a validation split's. */
    final Param<String> weightCol;
    final Param<String> validationIndicatorCol;
    /** Not a job key: the CLI's train --resume. */
    final Param<String> resumeFrom;
    /** Not a job key: what transform does with a row it cannot score, as Spark's handleInvalid. */
    final Param<String> handleInvalid;

    /**
     * The params of an estimator, with the defaults of {@code reference.conf}.
     *
     * @param classification whether the owner is the classifier, which has the classification-only params
     * @param defaultLoss    this estimator's default for network.loss
     */
    static TrainingParams ofEstimator(Params owner, boolean classification, String defaultLoss) {
        return new TrainingParams(owner, classification, setting -> setting == NetworkSection.LOSS ? defaultLoss
                // A required key (network.layers) has no default: fit reports it unset
                : setting.required() ? null : JobConfigLoader.defaultValue(setting.key()));
    }

    /**
     * The params of a model, with the settings it was trained with as defaults: what a model
     * that was not fitted by an estimator here (one {@code sparkprop train} wrote) shows; {@code
     * fit} and loading replace them with the estimator's values, set and default, as Spark's do.
     *
     * @param trainedWith the model's effective job config, key to rendered value
     */
    static TrainingParams ofModel(Params owner, boolean classification, Map<String, String> trainedWith) {
        return new TrainingParams(owner, classification, setting -> {
            String rendered = trainedWith.get(setting.key());
            return rendered == null ? null : JobConfigLoader.plainValue(rendered);
        });
    }

    /** @param defaultOf a key's default as a plain value (HOCON's), or null for none */
    private TrainingParams(Params owner, boolean classification, Function<Setting<?>, Object> defaultOf) {
        weightCol = new Param<>(owner, "weightCol", "The column of non-negative row weights (data.weight): the loss"
                + " is the weighted mean over rows. Not set: every row weighs 1.");
        validationIndicatorCol = new Param<>(owner, "validationIndicatorCol", "A boolean column that is true for"
                + " the rows to validate on after every epoch (instead of data.validation_fraction) and false for"
                + " the rows to train on. Not set: no such column.");
        resumeFrom = new Param<>(owner, "resumeFrom", "A checkpoint (a checkpoint-<iteration> directory, or a"
                + " training.checkpoint.path, whose newest is taken) to continue from, as sparkprop train --resume"
                + " does: with the settings and data of the run that wrote it, fit ends in that run's model, bit for"
                + " bit. Not set: train from the start.");
        handleInvalid = new Param<>(owner, "handleInvalid", "What transform does with a row it cannot score (a"
                + " missing or non-finite feature that the model does not impute, a feature vector of another size, a"
                + " value beyond float32's range in a float32 model): \"error\" fails, naming the problem; \"skip\""
                + " leaves the row out; \"keep\" keeps it with null outputs, which Spark's evaluators cannot read.",
                (Function1<String, Object> & Serializable) value -> {
                    if (!BatchPredictor.InvalidRows.NAMES.contains(value)) {
                        List<String> names = BatchPredictor.InvalidRows.NAMES.stream().map(n -> "\"" + n + "\"")
                                .toList();
                        throw new IllegalArgumentException("handleInvalid must be " + String.join(", ",
                                names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1) + ", got '"
                                + value + "'");
                    }
                    return Boolean.TRUE;
                });
        setDefault(owner, handleInvalid, "error");
        for (Setting<?> setting : JobConfig.SETTINGS) {
            if (!setting.isParamOf(classification)) {
                continue;
            }
            Param<?> param = create(owner, setting);
            params.put(setting.key(), param);
            Object value = defaultOf.apply(setting);
            if (value != null) {
                setDefault(owner, param, typed(value, setting.type()));
            }
        }
    }

    /** The param of {@code setting}. */
    @SuppressWarnings("unchecked")
    <P extends Param<?>> P get(Setting<?> setting) {
        Param<?> param = params.get(setting.key());
        if (param == null) {
            throw new IllegalArgumentException("no param " + setting.key());
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

    private static Param<?> create(Params owner, Setting<?> setting) {
        String key = setting.key();
        String doc = JobConfigLoader.documentation(key);
        return switch (setting.type()) {
            case STRING -> new Param<String>(owner, key, doc, validator(key));
            case INT -> new IntParam(owner, key, doc, validator(key));
            case LONG -> new LongParam(owner, key, doc, validator(key));
            case DOUBLE -> new DoubleParam(owner, key, doc, validator(key));
            case BOOLEAN -> new BooleanParam(owner, key, doc);
            case STRINGS -> throw new IllegalStateException(key + " is a list; no estimator param takes one yet");
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
    private static Object typed(Object value, Setting.Type type) {
        return switch (type) {
            case LONG -> ((Number) value).longValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case INT -> ((Number) value).intValue();
            default -> value;
        };
    }
}
