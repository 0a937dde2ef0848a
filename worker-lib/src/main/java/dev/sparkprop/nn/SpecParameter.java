package dev.sparkprop.nn;

import java.util.List;
import java.util.Locale;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;

/**
 * One parameter of a {@link SpecKind}, declared once: its name, type, default (none when it is
 * required) and the range of values it accepts. Parsing, the canonical rendering, the checks of
 * the factories and the examples in messages all read this declaration.
 */
public final class SpecParameter {

    /** A set of numbers, with the words that messages use for it, e.g. {@code in [0, 1)}. */
    public record Range(String text, DoublePredicate contains) {
        public static final Range UNIT = new Range("in [0, 1)", x -> x >= 0 && x < 1);
        public static final Range FACTOR = new Range("in (0, 1]", x -> x > 0 && x <= 1);
        public static final Range POSITIVE = new Range("a finite number > 0", x -> x > 0 && !Double.isInfinite(x));
        public static final Range NON_NEGATIVE =
                new Range("a finite number ≥ 0", x -> x >= 0 && !Double.isInfinite(x));
        public static final Range AT_LEAST_ONE = new Range("a whole number ≥ 1", x -> x >= 1);
    }

    private enum Type { DECIMAL, WHOLE, CHOICE, SPEC }

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?");
    private static final Pattern WHOLE = Pattern.compile("\\+?\\d+");

    private final String name;
    private final Type type;
    private final Object defaultValue;
    private final Object example;
    private final Range range;
    private final List<String> choices;

    private SpecParameter(String name, Type type, Object defaultValue, Object example, Range range,
                          List<String> choices) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.example = example;
        this.range = range;
        this.choices = choices;
    }

    /** A decimal number in {@code range}, {@code defaultValue} when not given. */
    public static SpecParameter decimal(String name, double defaultValue, Range range) {
        return new SpecParameter(name, Type.DECIMAL, defaultValue, defaultValue, range, List.of());
    }

    /** A decimal number in {@code range} that must be given; {@code example} shows one in messages. */
    public static SpecParameter requiredDecimal(String name, double example, Range range) {
        return new SpecParameter(name, Type.DECIMAL, null, example, range, List.of());
    }

    /** A whole number in {@code range}, {@code defaultValue} when not given. */
    public static SpecParameter whole(String name, long defaultValue, Range range) {
        return new SpecParameter(name, Type.WHOLE, defaultValue, defaultValue, range, List.of());
    }

    /** A whole number in {@code range} that must be given; {@code example} shows one in messages. */
    public static SpecParameter requiredWhole(String name, long example, Range range) {
        return new SpecParameter(name, Type.WHOLE, null, example, range, List.of());
    }

    /** One of {@code choices}, {@code defaultValue} when not given. */
    public static SpecParameter choice(String name, String defaultValue, List<String> choices) {
        return new SpecParameter(name, Type.CHOICE, defaultValue, defaultValue, null, List.copyOf(choices));
    }

    /**
     * A nested spec, parsed by whoever reads it ({@link SpecKind.Values#spec}); {@code defaultValue}
     * when not given, {@code example} shown in messages.
     */
    public static SpecParameter spec(String name, String defaultValue, String example) {
        return new SpecParameter(name, Type.SPEC, defaultValue, example, null, List.of());
    }

    public String name() {
        return name;
    }

    /** The value when not given, null when the parameter is required. */
    Object defaultValue() {
        return defaultValue;
    }

    /** The value messages show: the default, or an example for a required parameter. */
    Object example() {
        return example;
    }

    /** The range of a number, null for other types. */
    Range range() {
        return range;
    }

    boolean isNumber() {
        return type == Type.DECIMAL || type == Type.WHOLE;
    }

    /** {@code value} (lower-cased) as this parameter's type: Double, Long or String; null when it is not one. */
    Object read(String value) {
        switch (type) {
            case DECIMAL:
                return DECIMAL.matcher(value).matches() ? Double.parseDouble(value) : null;
            case WHOLE:
                try {
                    return WHOLE.matcher(value).matches() ? Long.parseLong(value) : null;
                } catch (NumberFormatException tooLong) {
                    return null;
                }
            case CHOICE:
                return choices.contains(value) ? value : null;
            default:
                return value;
        }
    }

    /** What {@link #read} accepts, in words. */
    String form() {
        switch (type) {
            case DECIMAL: return "a decimal number such as 0.9 or 1e-8";
            case WHOLE: return "a whole number such as 100";
            case CHOICE: return String.join(" or ", choices);
            default: return "a spec";
        }
    }

    /**
     * {@code value} as specs write it: a number by {@link Spec#number}, a whole number in digits,
     * an enum constant by its lower-case name, a nested spec as its text.
     */
    String render(Object value) {
        switch (type) {
            case DECIMAL:
                return Spec.number(((Number) value).doubleValue());
            case WHOLE:
                return Long.toString(((Number) value).longValue());
            case CHOICE:
                String choice = value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : value.toString();
                if (!choices.contains(choice)) {
                    throw new IllegalArgumentException(name + " must be " + form() + ", got " + choice);
                }
                return choice;
            default:
                return value.toString();
        }
    }
}
