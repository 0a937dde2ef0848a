package dev.sparkprop.nn.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One parsed {@code name} or {@code name(key=value,...)} spec, lower-cased. Arguments are split
 * at top-level commas only, so a value may itself be a spec ({@code then=cosine(total=10)}).
 * Every problem is an {@link IllegalArgumentException} naming the spec, the bad part and an
 * example of the accepted form.
 */
final class Spec {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?");
    private static final Pattern WHOLE = Pattern.compile("\\+?\\d+");

    private final String kind;
    private final String text;
    private final String name;
    private final String example;
    private final Map<String, String> args = new LinkedHashMap<>();

    /**
     * @param kind     what is being parsed, for messages, e.g. {@code optimizer}
     * @param examples one valid spec per accepted name, e.g. {@code adam(beta1=0.9)}; the name is
     *                 the part before '('
     */
    static Spec parse(String kind, String spec, List<String> examples) {
        return new Spec(kind, spec, examples);
    }

    /** The accepted names: each example up to its '('. */
    static List<String> names(List<String> examples) {
        return examples.stream().map(e -> e.split("\\(", 2)[0]).toList();
    }

    private Spec(String kind, String spec, List<String> examples) {
        this.kind = kind;
        this.text = spec;
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        int open = s.indexOf('(');
        name = (open < 0 ? s : s.substring(0, open)).trim();
        int known = names(examples).indexOf(name);
        if (known < 0) {
            throw new IllegalArgumentException("unknown " + kind + " '" + spec + "'; use one of " + names(examples)
                    + ", with optional named arguments, e.g. " + examples.get(examples.size() - 1));
        }
        example = examples.get(known);
        if (open < 0) {
            return;
        }
        if (!s.endsWith(")")) {
            throw malformed("it must end with ')'");
        }
        String body = s.substring(open + 1, s.length() - 1);
        if (body.isBlank()) {
            return;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= body.length(); i++) {
            // a virtual ',' after the last character closes the last argument
            char c = i < body.length() ? body.charAt(i) : ',';
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth < 0) {
                throw malformed("its parentheses do not balance");
            } else if (c == ',' && depth == 0) {
                addArgument(body.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw malformed("its parentheses do not balance");
        }
    }

    private void addArgument(String arg) {
        int eq = arg.indexOf('=');
        String key = eq < 0 ? "" : arg.substring(0, eq).trim();
        String value = eq < 0 ? "" : arg.substring(eq + 1).trim();
        if (!IDENTIFIER.matcher(key).matches() || value.isEmpty()) {
            throw malformed("argument '" + arg + "' must read key=value (arguments are named)");
        }
        if (args.put(key, value) != null) {
            throw malformed("it gives '" + key + "' twice");
        }
    }

    private IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("malformed " + kind + " '" + text + "': " + why
                + "; write " + name + " or " + name + "(key=value,...), e.g. " + example);
    }

    String name() {
        return name;
    }

    /** Fails naming the first argument not among {@code keys}; call before reading values. */
    void allow(String... keys) {
        List<String> allowed = Arrays.asList(keys);
        for (String key : args.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(kind + " " + name + " has no parameter '" + key + "' (in '" + text
                        + "'); " + (keys.length == 0 ? "it takes none" : "it takes " + String.join(", ", keys)
                        + ", e.g. " + example));
            }
        }
    }

    /** The value of {@code key} as a decimal number, or {@code fallback} when absent. */
    double number(String key, double fallback) {
        return args.containsKey(key) ? number(key) : fallback;
    }

    /** The value of {@code key} as a decimal number; it must be present. */
    double number(String key) {
        String value = required(key);
        if (!DECIMAL.matcher(value).matches()) {
            throw new IllegalArgumentException(kind + " " + name + ": " + key + " must be a decimal number such as"
                    + " 0.9 or 1e-8, got '" + value + "' (in '" + text + "')");
        }
        return Double.parseDouble(value);
    }

    /** The value of {@code key} as a whole number; it must be present. */
    long whole(String key) {
        String value = required(key);
        if (WHOLE.matcher(value).matches()) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException tooLong) {
                // reported below with the other non-whole values
            }
        }
        throw new IllegalArgumentException(kind + " " + name + ": " + key + " must be a whole number such as 100,"
                + " got '" + value + "' (in '" + text + "')");
    }

    /** The unparsed value of {@code key}, or {@code fallback} when absent. */
    String raw(String key, String fallback) {
        return args.getOrDefault(key, fallback);
    }

    private String required(String key) {
        String value = args.get(key);
        if (value == null) {
            throw new IllegalArgumentException(kind + " " + name + " needs " + key + "=... (in '" + text
                    + "'), e.g. " + example);
        }
        return value;
    }
}
