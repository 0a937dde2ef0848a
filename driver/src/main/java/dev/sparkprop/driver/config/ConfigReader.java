package dev.sparkprop.driver.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads typed values from a resolved config without throwing: a value of the wrong type or out
 * of range becomes a problem naming the key, and the read returns a placeholder. Every value
 * read is also kept rendered as HOCON, which makes the effective config.
 */
final class ConfigReader {

    private static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise();

    /** The problem of a key a job must give. */
    static final String REQUIRED = "is required and has no default";

    private final Config config;
    private final String defaultsOrigin;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> failed = new HashSet<>();
    private final Map<String, String> effective = new TreeMap<>();

    /** @param defaultsOrigin origin description of the defaults, whose location is not worth showing */
    ConfigReader(Config config, String defaultsOrigin) {
        this.config = config;
        this.defaultsOrigin = defaultsOrigin;
    }

    String string(String key) {
        return read(key, "a string", "", config::getString);
    }

    /** A string that must not be blank. */
    String required(String key) {
        String value = string(key);
        if (valid(key) && value.isBlank()) {
            problem(key, REQUIRED);
        }
        return value;
    }

    String oneOf(String key, List<String> allowed) {
        String value = string(key);
        check(key, allowed.contains(value), "one of " + String.join(", ", allowed));
        return value;
    }

    boolean bool(String key) {
        return read(key, "a boolean (true or false)", false, config::getBoolean);
    }

    /** A list of strings; a single string is read as a list of one, as HOCON users expect. */
    List<String> strings(String key) {
        return read(key, "a list of strings", List.of(), k -> config.getValue(k).valueType() == ConfigValueType.LIST
                ? List.copyOf(config.getStringList(k)) : List.of(config.getString(k)));
    }

    long whole(String key) {
        return read(key, "a whole number", 0L, k -> {
            // Typesafe's getLong truncates 2.5 to 2; a fraction here is a mistake to report
            Number n = config.getNumber(k);
            double d = n.doubleValue();
            if (!(n instanceof Integer || n instanceof Long) && (d != Math.rint(d) || Math.abs(d) >= 0x1p63)) {
                throw new IllegalArgumentException();
            }
            return n.longValue();
        });
    }

    int integer(String key, int min, int max) {
        long value = whole(key);
        // An int's bound is no setting's own: named only when the value passes it
        check(key, value >= min && value <= max, max != Integer.MAX_VALUE ? "in [" + min + ", " + max + "]"
                : value > max ? "at most " + max : "≥ " + min);
        return (int) value;
    }

    double number(String key, DoublePredicate inRange, String range) {
        double value = read(key, "a finite number", 0.0, k -> {
            double d = config.getDouble(k);
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException();
            }
            return d;
        });
        check(key, inRange.test(value), range);
        return value;
    }

    /** Runs {@code parser} unless the key already failed, reporting its IllegalArgumentException under the key. */
    <T> T parse(String key, Supplier<T> parser, T fallback) {
        if (!valid(key)) {
            return fallback;
        }
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return fallback;
        }
    }

    /** Reports "must be {@code mustBe}, got …" unless {@code ok} or the key already failed. */
    void check(String key, boolean ok, String mustBe) {
        if (valid(key) && !ok) {
            problem(key, "must be " + mustBe + ", got " + shown(key));
        }
    }

    /** Replaces the effective value of {@code key}, for a value derived from what was read. */
    void record(String key, Object value) {
        effective.put(key, ConfigValueFactory.fromAnyRef(value).render(CONCISE));
    }

    void problem(String key, String message) {
        failed.add(key);
        problems.add(key + ": " + message + where(key));
    }

    /** Whether none of {@code keys} has a problem, so checks combining them make sense. */
    boolean valid(String... keys) {
        return Arrays.stream(keys).noneMatch(failed::contains);
    }

    List<String> problems() {
        return problems;
    }

    Map<String, String> effective() {
        return effective;
    }

    private <T> T read(String key, String type, T fallback, Function<String, T> getter) {
        try {
            T value = getter.apply(key);
            record(key, value);
            return value;
        } catch (com.typesafe.config.ConfigException | IllegalArgumentException e) {
            problem(key, "expected " + type + ", got " + shown(key));
            return fallback;
        }
    }

    private String shown(String key) {
        if (config.hasPath(key)) {
            return config.getValue(key).render(CONCISE);
        }
        return config.hasPathOrNull(key) ? "null" : "nothing";
    }

    /** The file and line, or the --set, that gave the value. */
    private String where(String key) {
        if (!config.hasPath(key)) {
            return "";
        }
        String origin = config.getValue(key).origin().description();
        if (origin.startsWith("--set ")) {
            // A --set value parsed as HOCON has a line number, which is always 1
            origin = origin.replaceFirst(": 1$", "");
        }
        return origin.startsWith(defaultsOrigin) ? "" : " (" + origin + ")";
    }
}
