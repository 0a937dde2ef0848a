package dev.sparkprop.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The kinds of one thing a spec names, e.g. the optimizers, and {@link #parse} for their specs.
 * Each kind is declared once, with its parameters ({@link #kind}); the accepted names, the
 * parser, the canonical rendering and the examples in messages all come from that declaration.
 * Every problem is an {@link IllegalArgumentException} naming the spec, the bad part and an
 * example of the accepted form; an unknown name lists the accepted ones.
 *
 * <p>Kinds are declared while the owning class initialises; the family is not changed after.
 *
 * @param <T> what a spec builds
 */
public final class SpecFamily<T> {

    private final String what;
    private final String suffixParameter;
    private final List<SpecKind<T>> kinds = new ArrayList<>();
    private final Map<String, SpecKind<T>> byName = new HashMap<>();

    /**
     * @param what            what a spec names, for messages, e.g. {@code optimizer}
     * @param suffixParameter the parameter a trailing {@code :value} sets (losses' {@code reduction}),
     *                        or null when specs take no suffix
     */
    public SpecFamily(String what, String suffixParameter) {
        this.what = what;
        this.suffixParameter = suffixParameter;
    }

    /** A family whose specs take no {@code :value} suffix. */
    public SpecFamily(String what) {
        this(what, null);
    }

    /** Declares the kind {@code name} with {@code parameters} in order; the first may be given without its key. */
    public SpecKind<T> kind(String name, Function<SpecKind.Values, T> build, SpecParameter... parameters) {
        SpecKind<T> kind = new SpecKind<>(this, name, build, Arrays.asList(parameters));
        kinds.add(kind);
        if (byName.put(name, kind) != null) {
            throw new IllegalStateException(what + " " + name + " is declared twice");
        }
        return kind;
    }

    /** Lets {@code alias} stand for {@code kind} when parsing; renderings use the kind's name. */
    public void alias(String alias, SpecKind<T> kind) {
        if (byName.put(alias, kind) != null) {
            throw new IllegalStateException(what + " " + alias + " is declared twice");
        }
    }

    /**
     * Parses {@code name} or {@code name(key=value,...)} (case-insensitive; omitted parameters
     * take their defaults; a first value without its key is the first parameter).
     *
     * @throws IllegalArgumentException naming the unknown name and the accepted ones, or the
     *         malformed, unknown, missing or out-of-range argument and an example of the kind
     */
    public T parse(String text) {
        Spec spec = Spec.read(text);
        return kindOf(spec).build(spec);
    }

    private SpecKind<T> kindOf(Spec spec) {
        SpecKind<T> kind = byName.get(spec.name());
        if (kind == null) {
            throw new IllegalArgumentException("unknown " + what + " '" + spec.text() + "'; use one of " + names()
                    + ", e.g. " + example());
        }
        return kind;
    }

    /** What {@link #parse(String, List)} gives: the thing built, and the values of the extra parameters. */
    public record Parsed<T>(T value, SpecKind.Values extras) {
    }

    /**
     * {@link #parse(String)} of a spec that may also give {@code extra}, parameters that the caller
     * declares for every kind of this family (a layer's {@code dropout} beside its activation's own
     * parameters), checked and reported as a kind's own are.
     */
    public Parsed<T> parse(String text, List<SpecParameter> extra) {
        Spec spec = Spec.read(text);
        return kindOf(spec).build(spec, extra);
    }

    /** The accepted names, aliases left out, in declared order. */
    public List<String> names() {
        return kinds.stream().map(SpecKind::name).toList();
    }

    public List<SpecKind<T>> kinds() {
        return List.copyOf(kinds);
    }

    String what() {
        return what;
    }

    String suffixParameter() {
        return suffixParameter;
    }

    /** The example of an unknown name's message: the first kind with parameters, showing the syntax. */
    private String example() {
        return kinds.stream().filter(k -> !k.parameters().isEmpty()).findFirst().orElse(kinds.get(0)).example();
    }
}
