package dev.sparkprop.driver.config;

import java.util.List;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The declaration of one job key: the type its value is written in, its range or allowed values,
 * what it parses to, and whether the Spark ML estimators have it as a param. Its default and its
 * documentation are its entry in {@code reference.conf}, the users' reference (which the ML
 * params' docs come from); {@code SettingTest} holds the two to each other key for key.
 *
 * <p>Each section of a job declares its keys as constants, next to the parsed values they give
 * ({@link DataSection}, {@link NetworkSection}, {@link OptimizerSection}, {@link TrainingSection}
 * with {@link EarlyStoppingSection} and {@link CheckpointSection}, {@link SparkSection},
 * {@link OutputSection}); {@link JobConfig#SETTINGS} lists them all. To add a key, e.g.
 * {@code training.foo}:
 * <ol>
 *   <li>document it with its default in {@code reference.conf};</li>
 *   <li>declare it in its section ({@code FOO = Setting.integer("training.foo", 0, ...).param()}),
 *       list it in the section's {@code SETTINGS} in the reference's order, and add the parsed
 *       value to the section's record and {@code read};</li>
 *   <li>use it ({@code config.training().foo()}; the trainer reads it as
 *       {@code settings.training().foo()});</li>
 *   <li>for a {@link #param()}, give it its accessor in {@code SparkpropParams}
 *       ({@code default IntParam foo()}) with {@code getFoo}, and {@code setFoo} in
 *       {@code SparkpropEstimatorParams}: Spark ML finds the params of an estimator and of its
 *       models by such methods, and so does the PySpark wrapper.</li>
 * </ol>
 * Nothing else: the job-file reader, {@code --set}, the effective config, the checks and their
 * messages, {@code TrainingSettings}, and the Spark ML param's name, type, default, doc and value
 * check all follow.
 *
 * @param <T> the parsed value, e.g. {@code Integer}, {@code Optimizer}, {@code MissingValues}
 */
public final class Setting<T> {

    /** How a value is written in a job file, which is also the value type of its Spark ML param. */
    public enum Type { STRING, STRINGS, BOOLEAN, INT, LONG, DOUBLE }

    /** Which Spark ML estimators have the key as a param named as the key. */
    private enum Scope { NONE, ESTIMATORS, CLASSIFIER }

    private final String key;
    private final Type type;
    private final boolean required;
    private final Function<ConfigReader, T> reader;
    private final Scope scope;

    private Setting(String key, Type type, boolean required, Function<ConfigReader, T> reader, Scope scope) {
        this.key = key;
        this.type = type;
        this.required = required;
        this.reader = reader;
        this.scope = scope;
    }

    /** Any string. */
    static Setting<String> string(String key) {
        return new Setting<>(key, Type.STRING, false, r -> r.string(key), Scope.NONE);
    }

    /** A string where {@code ""} means none. */
    static Setting<Optional<String>> optionalString(String key) {
        return new Setting<>(key, Type.STRING, false, r -> Optional.of(r.string(key)).filter(s -> !s.isEmpty()),
                Scope.NONE);
    }

    /** A string that must be given: its default is {@code ""}, for "not set". */
    static Setting<String> required(String key) {
        return new Setting<>(key, Type.STRING, true, r -> r.required(key), Scope.NONE);
    }

    /** A required spec, parsed by {@code parse}, whose IllegalArgumentException is the problem. */
    static <T> Setting<T> requiredSpec(String key, Function<String, T> parse) {
        return new Setting<>(key, Type.STRING, true, r -> {
            String text = r.required(key);
            return r.parse(key, () -> parse.apply(text), null);
        }, Scope.NONE);
    }

    /** A spec, parsed by {@code parse}, whose IllegalArgumentException is the problem. */
    static <T> Setting<T> spec(String key, Function<String, T> parse) {
        return new Setting<>(key, Type.STRING, false, r -> {
            String text = r.string(key);
            return r.parse(key, () -> parse.apply(text), null);
        }, Scope.NONE);
    }

    /** One of {@code allowed}, parsed by {@code parse}; the placeholder is the first. */
    static <T> Setting<T> choice(String key, List<String> allowed, Function<String, T> parse) {
        return new Setting<>(key, Type.STRING, false, r -> {
            String value = r.oneOf(key, allowed);
            return parse.apply(r.valid(key) ? value : allowed.get(0));
        }, Scope.NONE);
    }

    static Setting<Boolean> bool(String key) {
        return new Setting<>(key, Type.BOOLEAN, false, r -> r.bool(key), Scope.NONE);
    }

    /** A list of strings; a single string is a list of one. */
    static Setting<List<String>> strings(String key) {
        return new Setting<>(key, Type.STRINGS, false, r -> r.strings(key), Scope.NONE);
    }

    /** A whole number in [min, max]. */
    static Setting<Integer> integer(String key, int min, int max) {
        return new Setting<>(key, Type.INT, false, r -> r.integer(key, min, max), Scope.NONE);
    }

    /** Any 64-bit whole number. */
    static Setting<Long> whole(String key) {
        return new Setting<>(key, Type.LONG, false, r -> r.whole(key), Scope.NONE);
    }

    /** A finite number for which {@code inRange} holds, described by {@code range} (e.g. "> 0"). */
    static Setting<Double> number(String key, DoublePredicate inRange, String range) {
        return new Setting<>(key, Type.DOUBLE, false, r -> r.number(key, inRange, range), Scope.NONE);
    }

    /** This setting, which also reports "must be {@code mustBe}" for a value {@code ok} rejects. */
    Setting<T> check(Predicate<T> ok, String mustBe) {
        return new Setting<>(key, type, required, r -> {
            T value = reader.apply(r);
            r.check(key, !r.valid(key) || ok.test(value), mustBe);
            return value;
        }, scope);
    }

    /** This setting as a param of both Spark ML estimators. */
    Setting<T> param() {
        return new Setting<>(key, type, required, reader, Scope.ESTIMATORS);
    }

    /** This setting as a param of the classifier only. */
    Setting<T> classifierParam() {
        return new Setting<>(key, type, required, reader, Scope.CLASSIFIER);
    }

    /** Reads, checks and parses the value; a problem goes to {@code r}, and the value is then a placeholder. */
    T read(ConfigReader r) {
        return reader.apply(r);
    }

    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    /** Whether the key has no default, so a job must give it. */
    public boolean required() {
        return required;
    }

    /** Whether the classifier ({@code classification}) or the regressor has the key as a param. */
    public boolean isParamOf(boolean classification) {
        return scope == Scope.ESTIMATORS || scope == Scope.CLASSIFIER && classification;
    }

    @Override
    public String toString() {
        return key;
    }
}
