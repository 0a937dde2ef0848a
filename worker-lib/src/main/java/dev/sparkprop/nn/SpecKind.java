package dev.sparkprop.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * One kind of a {@link SpecFamily}, e.g. optimizer {@code adam}: its name, its parameters in
 * order, and how to build it from their values. Binds a {@link Spec} to the parameters, with
 * the shorthands of older spellings (a first value without its key is the first parameter; a
 * {@code :value} suffix is the family's suffix parameter), and renders the canonical spec.
 *
 * @param <T> what the family builds
 */
public final class SpecKind<T> {

    /** The values of a kind's parameters, as given or defaulted, each read and checked. */
    public static final class Values {
        private final SpecKind<?> kind;
        private final Map<String, Object> values;

        private Values(SpecKind<?> kind, Map<String, Object> values) {
            this.kind = kind;
            this.values = values;
        }

        public double number(String parameter) {
            return ((Number) get(parameter)).doubleValue();
        }

        public long whole(String parameter) {
            return ((Number) get(parameter)).longValue();
        }

        public String choice(String parameter) {
            return (String) get(parameter);
        }

        /** A nested spec's value, parsed by {@code family}. */
        public <U> U spec(String parameter, SpecFamily<U> family) {
            return family.parse((String) get(parameter));
        }

        private Object get(String parameter) {
            if (!values.containsKey(parameter)) {
                // the builder and the declaration disagree: a bug, not bad input
                throw new IllegalStateException(kind.prefix() + " declares no parameter " + parameter);
            }
            return values.get(parameter);
        }
    }

    private final SpecFamily<T> family;
    private final String name;
    private final List<SpecParameter> parameters;
    private final Function<Values, T> build;

    SpecKind(SpecFamily<T> family, String name, Function<Values, T> build, List<SpecParameter> parameters) {
        this.family = family;
        this.name = name;
        this.build = build;
        this.parameters = List.copyOf(parameters);
    }

    public String name() {
        return name;
    }

    public List<SpecParameter> parameters() {
        return parameters;
    }

    /**
     * The canonical spec of this kind with {@code values}, one per parameter in declared order:
     * {@code name} for a kind without parameters, else {@code name(key=value,...)} with every
     * parameter, defaults too, so the text means the same whatever later defaults become.
     */
    public String render(Object... values) {
        if (values.length != parameters.size()) {
            throw new IllegalArgumentException(prefix() + " has " + parameters.size() + " parameters, got "
                    + values.length + " values");
        }
        if (parameters.isEmpty()) {
            return name;
        }
        StringJoiner spec = new StringJoiner(",", name + "(", ")");
        for (int i = 0; i < values.length; i++) {
            spec.add(parameters.get(i).name() + "=" + parameters.get(i).render(values[i]));
        }
        return spec.toString();
    }

    /** A valid spec of this kind: its defaults, and an example value for each required parameter. */
    public String example() {
        return example(parameters);
    }

    /** {@link #example()} over {@code all}, this kind's parameters and any extra ones after them. */
    private String example(List<SpecParameter> all) {
        if (all.isEmpty()) {
            return name;
        }
        StringJoiner spec = new StringJoiner(",", name + "(", ")");
        for (SpecParameter p : all) {
            spec.add(p.name() + "=" + p.render(p.example()));
        }
        return spec.toString();
    }

    /**
     * Returns {@code value} when it lies in {@code parameter}'s declared range, else fails naming
     * both and an example: the factories' check, which parsing makes too.
     */
    public double check(String parameter, double value) {
        checkRange(parameter(parameter), value, "", example());
        return value;
    }

    /** {@link #check(String, double)} for a whole number. */
    public long check(String parameter, long value) {
        checkRange(parameter(parameter), value, "", example());
        return value;
    }

    private void checkRange(SpecParameter p, Number value, String in, String example) {
        if (p == null || p.range() == null) {
            throw new IllegalStateException(prefix() + " declares no numeric parameter to check");
        }
        if (!p.range().contains().test(value.doubleValue())) {
            throw new IllegalArgumentException(prefix() + ": " + p.name() + " must be " + p.range().text() + ", got "
                    + p.render(value) + in + "; e.g. " + example);
        }
    }

    /** Binds {@code spec} (whose name is this kind's) to the parameters and builds it. */
    T build(Spec spec) {
        return build.apply(bind(spec, List.of()));
    }

    /**
     * As {@link #build(Spec)}, the spec also taking {@code extra}, parameters its caller declares
     * for every kind (a layer's {@code dropout} beside its activation's own): their values come
     * back beside what was built.
     */
    SpecFamily.Parsed<T> build(Spec spec, List<SpecParameter> extra) {
        Values values = bind(spec, extra);
        return new SpecFamily.Parsed<>(build.apply(values), values);
    }

    private Values bind(Spec spec, List<SpecParameter> extra) {
        List<SpecParameter> all = new java.util.ArrayList<>(parameters);
        all.addAll(extra);
        String example = example(all);
        if (spec.problem() != null) {
            throw malformed(spec, spec.problem(), all, example);
        }
        String in = " (in '" + spec.text() + "')";
        Map<String, String> given = new LinkedHashMap<>();
        List<Spec.Argument> arguments = spec.arguments();
        for (int i = 0; i < arguments.size(); i++) {
            Spec.Argument argument = arguments.get(i);
            String key = argument.key();
            if (key == null) {
                if (parameters.isEmpty()) {
                    throw new IllegalArgumentException(prefix() + " takes no parameter, got '" + argument.value()
                            + "'" + in + "; write " + (extra.isEmpty() ? name : name + " or key=value, e.g. " + example));
                }
                if (i > 0) {
                    throw malformed(spec, "argument '" + argument.value() + "' must read key=value: only the first"
                            + " argument may leave out its key (it is then " + parameters.get(0).name() + ")", all,
                            example);
                }
                key = parameters.get(0).name();
            }
            if (parameter(all, key) == null) {
                throw new IllegalArgumentException(prefix() + " has no parameter '" + key + "'" + in + "; "
                        + (all.isEmpty() ? "it takes none; write " + name
                        : "it takes " + String.join(", ", all.stream().map(SpecParameter::name).toList()) + ", e.g. "
                        + example));
            }
            if (given.put(key, argument.value()) != null) {
                throw malformed(spec, "it gives '" + key + "' twice", all, example);
            }
        }
        if (spec.suffix() != null) {
            String key = family.suffixParameter();
            if (key == null || parameter(key) == null) {
                throw malformed(spec, family.what() + " specs take no ':' suffix", all, example);
            }
            String named = given.put(key, spec.suffix());
            if (named != null) {
                throw new IllegalArgumentException(prefix() + " is given " + key + " twice, as ':" + spec.suffix()
                        + "' and as " + key + "=" + named + in + "; give it once, e.g. " + example);
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (SpecParameter p : all) {
            String text = given.get(p.name());
            Object value = text == null ? p.defaultValue() : p.read(text);
            if (text == null && value == null) {
                throw new IllegalArgumentException(prefix() + " needs " + p.name() + "=..." + in + ", e.g. " + example);
            }
            if (value == null) {
                throw new IllegalArgumentException(prefix() + ": " + p.name() + " must be " + p.form() + ", got '" + text
                        + "'" + in + "; e.g. " + example);
            }
            if (text != null && p.range() != null) {
                checkRange(p, (Number) value, in, example);
            }
            values.put(p.name(), value);
        }
        return new Values(this, values);
    }

    private IllegalArgumentException malformed(Spec spec, String why, List<SpecParameter> all, String example) {
        return new IllegalArgumentException("malformed " + family.what() + " '" + spec.text() + "': " + why + "; write "
                + (all.isEmpty() ? name : name + " or " + name + "(key=value,...), e.g. " + example));
    }

    private SpecParameter parameter(String key) {
        return parameter(parameters, key);
    }

    private static SpecParameter parameter(List<SpecParameter> among, String key) {
        return among.stream().filter(p -> p.name().equals(key)).findFirst().orElse(null);
    }

    /** E.g. {@code optimizer adam}, the start of every message about this kind. */
    private String prefix() {
        return family.what() + " " + name;
    }
}
