package dev.sparkprop.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one spec syntax of activations, losses, optimizers, learning-rate schedules and
 * initializers, as read from text: {@code name} or {@code name(key=value,...)}, lower-cased,
 * spaces around parts ignored. Arguments split at top-level commas only, so a value may itself
 * be a spec ({@code then=cosine(total=10)}). Two shorthands of older spellings are read here
 * and resolved by {@link SpecKind}: a first argument without {@code key=} ({@code leaky_relu(0.01)})
 * and a trailing {@code :value} ({@code mse:sum}).
 *
 * <p>Reading never fails: a text that breaks the syntax gets a {@link #problem()}, which
 * {@link SpecFamily#parse} reports once it knows the name, so the message can show an example of
 * that kind.
 */
public final class Spec {

    /** One argument as written; {@code key} is null for a value given without {@code key=}. */
    public record Argument(String key, String value) {
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private final String text;
    private final String name;
    private final List<Argument> arguments = new ArrayList<>();
    private String suffix;
    private String problem;

    private Spec(String given) {
        text = String.valueOf(given);
        String s = given == null ? "" : given.trim().toLowerCase(Locale.ROOT);
        int colon = topLevelIndexOf(s, ':');
        if (colon >= 0) {
            suffix = s.substring(colon + 1).trim();
            s = s.substring(0, colon).trim();
            if (suffix.isEmpty()) {
                problem = "nothing follows its ':'";
            }
        }
        int open = s.indexOf('(');
        name = (open < 0 ? s : s.substring(0, open)).trim();
        if (open >= 0 && problem == null) {
            readArguments(s.substring(open));
        }
    }

    /** Reads {@code text} (null reads as no name at all). */
    public static Spec read(String text) {
        return new Spec(text);
    }

    /** {@code (a,b=c,...)}: the part from the opening parenthesis on. */
    private void readArguments(String parenthesised) {
        if (!parenthesised.endsWith(")")) {
            problem = "it must end with ')'";
            return;
        }
        String body = parenthesised.substring(1, parenthesised.length() - 1);
        if (body.isBlank()) {
            return;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= body.length() && problem == null; i++) {
            // a virtual ',' after the last character closes the last argument
            char c = i < body.length() ? body.charAt(i) : ',';
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth < 0) {
                problem = "its parentheses do not balance";
            } else if (c == ',' && depth == 0) {
                addArgument(body.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (depth != 0 && problem == null) {
            problem = "its parentheses do not balance";
        }
    }

    private void addArgument(String argument) {
        int eq = topLevelIndexOf(argument, '=');
        if (eq < 0 && !argument.isEmpty()) {
            arguments.add(new Argument(null, argument));
            return;
        }
        String key = eq < 0 ? "" : argument.substring(0, eq).trim();
        String value = eq < 0 ? "" : argument.substring(eq + 1).trim();
        if (!IDENTIFIER.matcher(key).matches() || value.isEmpty()) {
            problem = "argument '" + argument + "' must read key=value";
            return;
        }
        arguments.add(new Argument(key, value));
    }

    /** The first {@code c} outside parentheses, or -1. */
    private static int topLevelIndexOf(String s, char c) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char x = s.charAt(i);
            if (x == '(') {
                depth++;
            } else if (x == ')') {
                depth--;
            } else if (x == c && depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Splits {@code list} at its top-level commas, trimming each part: {@code 4,8:elu(alpha=1.0),3:softmax}
     * gives three parts, and a comma inside a spec's parentheses splits nothing.
     */
    public static List<String> splitList(String list) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= list.length(); i++) {
            char c = i < list.length() ? list.charAt(i) : ',';
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth <= 0) {
                parts.add(list.substring(start, i).trim());
                start = i + 1;
            }
        }
        return parts;
    }

    /**
     * A canonical spec with {@code key=value} added after its arguments: {@code relu} becomes
     * {@code relu(dropout=0.5)}, {@code elu(alpha=1.0)} becomes {@code elu(alpha=1.0,dropout=0.5)}.
     */
    public static String withArgument(String spec, String key, String value) {
        return spec.endsWith(")") ? spec.substring(0, spec.length() - 1) + "," + key + "=" + value + ")"
                : spec + "(" + key + "=" + value + ")";
    }

    /** The text as given, for messages ({@code null} for none). */
    public String text() {
        return text;
    }

    /** The name, lower-cased: everything before '(' or ':'. */
    public String name() {
        return name;
    }

    /** The arguments in the order written. */
    public List<Argument> arguments() {
        return List.copyOf(arguments);
    }

    /** The value after a top-level ':', or null. */
    public String suffix() {
        return suffix;
    }

    /** Why the text breaks the syntax, or null when it does not. */
    public String problem() {
        return problem;
    }

    /**
     * A decimal as specs write it: {@link Double#toString}'s digits, which read back to the same
     * double, with a lower-case exponent and no ".0" before it ({@code 0.9}, {@code 1.0}, {@code 1e-8}).
     */
    public static String number(double value) {
        String s = Double.toString(value);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e);
        return (mantissa.endsWith(".0") ? mantissa.substring(0, mantissa.length() - 2) : mantissa)
                + "e" + s.substring(e + 1);
    }
}
