package dev.sparkprop.driver.spark;

import dev.sparkprop.driver.Prose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.util.AttributeNameParser$;
import org.apache.spark.sql.functions;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Columns by their literal names. Spark's parser reads a string column reference as an
 * expression: a dot as struct field access ({@code x.1} becomes field {@code 1} of {@code x}),
 * backticks as quotes. Any name a user gives (a CSV header, a param) goes through here, so
 * {@code x.1}, {@code a b} or {@code say "hi"} name the column that has exactly that name.
 */
public final class Columns {

    /**
     * The column where sparkprop's CSV and JSON readers put a line they cannot split into the
     * data's columns (Spark's corrupt-record column), null for every other line. The passes over
     * the rows report such lines; it is never a feature and never listed as a column of the data.
     */
    public static final String MALFORMED = "_sparkprop_malformed_line";

    private Columns() {
    }

    /** The data's column names, in order, without {@link #MALFORMED}. */
    public static List<String> names(Dataset<Row> df) {
        List<String> names = new ArrayList<>(Arrays.asList(df.columns()));
        names.remove(MALFORMED);
        return names;
    }

    /** Fails unless {@code available}, the data's column names, has {@code name}, naming them. */
    public static void require(List<String> available, String name) {
        requireAll(available, List.of(new Wanted(null, name)), "the data", absent -> null);
    }

    /** A column a job reads: what it is to the job (feature, label, weight, id; null for nothing said) and its name. */
    public record Wanted(String role, String name) {

        /** Each of {@code names} as a column of {@code role}. */
        public static List<Wanted> all(String role, List<String> names) {
            return names.stream().map(name -> new Wanted(role, name)).toList();
        }

        /** The columns training reads: {@code features}, {@code labels}, then {@code weight} unless null. */
        public static List<Wanted> training(List<String> features, List<String> labels, String weight) {
            List<Wanted> wanted = new ArrayList<>(all("feature", features));
            wanted.addAll(all("label", labels));
            if (weight != null) {
                wanted.add(new Wanted("weight", weight));
            }
            return wanted;
        }
    }

    /**
     * Fails unless {@code available}, the data's column names, has every {@code wanted} column:
     * one message names all that are absent, by role in the order wanted ("feature columns 'a',
     * 'b' and weight column 'w' are not in the data"), then the columns the data has, then
     * {@code fix} of the absent ones (what to change, or null to say nothing more).
     *
     * @param data what the data is to the user, e.g. "the data" or "data.validation_path's data"
     */
    public static void requireAll(List<String> available, List<Wanted> wanted, String data,
                                  Function<List<Wanted>, String> fix) {
        List<Wanted> absent = wanted.stream().filter(w -> !available.contains(w.name())).distinct().toList();
        if (absent.isEmpty()) {
            return;
        }
        Map<String, List<String>> byRole = new LinkedHashMap<>();
        absent.forEach(w -> byRole.computeIfAbsent(w.role() == null ? "" : w.role() + " ", r -> new ArrayList<>())
                .add(named(w.name())));
        List<String> parts = new ArrayList<>();
        byRole.forEach((role, names) -> parts.add(role + (names.size() == 1 ? "column " : "columns ")
                + String.join(", ", names)));
        String then = fix.apply(absent);
        throw new IllegalArgumentException(Prose.list(parts) + (absent.size() == 1 ? " is" : " are") + " not in " + data
                + "; its columns are " + abbreviated(available) + (then == null ? "" : "; " + then)
                + nameHint(absent, available) + headerHint(available));
    }

    /** {@link #printable(List)}, or for a wide table its first and last columns and how many there are. */
    private static String abbreviated(List<String> names) {
        return Prose.abbreviated(names.stream().map(Columns::named).toList(), "columns");
    }

    /**
     * For absent names: a list given as one name ('x1,x2' when x1 and x2 are columns), or the
     * column one name was likely meant to be (at most a third of its letters off). "" otherwise.
     */
    private static String nameHint(List<Wanted> absent, List<String> available) {
        for (Wanted w : absent) {
            String name = w.name();
            if (name.contains(",") && Arrays.stream(name.split(",")).map(String::strip).allMatch(available::contains)) {
                return "; '" + printable(name) + "' is a list written as one name: write a list in brackets, e.g. ["
                        + String.join(", ", Arrays.stream(name.split(",")).map(String::strip).toList()) + "]";
            }
        }
        if (absent.size() == 1) {
            String name = absent.get(0).name();
            String closest = available.stream().min(Comparator.comparingInt((String a) -> Prose.editDistance(name, a))
                    .thenComparing(a -> a)).orElse(null);
            if (closest != null && Prose.editDistance(name, closest) <= name.length() / 3) {
                return "; did you mean " + named(closest) + "?";
            }
        }
        return "";
    }

    /**
     * Why the columns may not be what the user meant: one name holding a delimiter (a CSV read with
     * the wrong one), or names holding control characters (a file that is not text). "" otherwise.
     */
    private static String headerHint(List<String> available) {
        if (available.stream().anyMatch(n -> n.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t'))) {
            return "; the names hold control characters: is the file text (a CSV), and of the format the job says?";
        }
        if (available.size() == 1) {
            for (String delimiter : List.of(";", "\t", "|")) {
                if (available.get(0).contains(delimiter)) {
                    String shown = delimiter.equals("\t") ? "\\t" : delimiter;
                    return "; the header was read as one column holding '" + shown + "': if that is the file's"
                            + " delimiter, read it so (data.csv.delimiter = \"" + shown + "\" in a job, --delimiter '"
                            + shown + "' for evaluate and predict)";
                }
            }
        }
        return "";
    }

    /** The position of the {@link #MALFORMED} column in the data, or -1 when it has none. */
    public static int indexOfMalformed(Dataset<Row> df) {
        return Arrays.asList(df.columns()).indexOf(MALFORMED);
    }

    /** Whether the data has the {@link #MALFORMED} column. */
    public static boolean hasMalformed(Dataset<Row> df) {
        return Arrays.asList(df.columns()).contains(MALFORMED);
    }

    /** The column named exactly {@code name}. */
    public static Column col(String name) {
        return functions.col(quoted(name));
    }

    /**
     * The top-level column that a Spark ML column param ({@code featuresCol}, {@code labelCol},
     * ...) names. Spark ML reads such a param as an attribute reference, as SQL does: a dot
     * separates struct fields and backticks quote, so the column named {@code x.1} is given as
     * {@code `x.1`}. sparkprop's estimators and models read the params the same way, by Spark's
     * own parser, so one param value means the same column to every stage of a pipeline.
     *
     * @param param the param's name, for the message
     * @throws IllegalArgumentException when the value names a field inside a struct, or does not parse
     */
    public static String ofParam(String param, String value) {
        List<String> parts;
        try {
            parts = CollectionConverters.asJava(AttributeNameParser$.MODULE$.parseAttributeName(value));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(param + " '" + value + "' is not a column reference Spark can parse ("
                    + e.getMessage() + "); quote a name in backticks, doubling a backtick inside it", e);
        }
        if (parts.size() != 1) {
            throw new IllegalArgumentException(param + " '" + value + "' names field '" + String.join(".",
                    parts.subList(1, parts.size())) + "' of a struct column '" + parts.get(0) + "', and sparkprop reads"
                    + " top-level columns. For a column whose name holds a dot, quote it in backticks as every Spark"
                    + " ML stage wants it: " + quoted(value));
        }
        return parts.get(0);
    }

    /**
     * The value of a column param that names the top-level column {@code name} ({@link #ofParam}'s
     * inverse): the name itself, or backtick-quoted when Spark would parse it otherwise (a dot).
     */
    public static String asParam(String name) {
        try {
            if (CollectionConverters.asJava(AttributeNameParser$.MODULE$.parseAttributeName(name)).equals(List.of(name))) {
                return name;
            }
        } catch (RuntimeException e) {
            // Unparsable as it is (an unmatched backtick): quoted, it parses
        }
        return quoted(name);
    }

    /** {@code name} backtick-quoted for Spark's parser, a backtick inside doubled. */
    public static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * {@code name} as a message shows it: each control, format, unassigned, private-use or lone
     * surrogate character as a backslash, u and its four hex digits; every other as it is. The
     * "names" of a binary file read as CSV are raw bytes, which would garble the terminal.
     */
    public static String printable(String name) {
        StringBuilder shown = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
                shown.append(String.format("\\u%04X", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }

    /** {@code name} as a message names it: 'a', {@link #printable(String)} in single quotes. */
    public static String named(String name) {
        return "'" + printable(name) + "'";
    }

    /**
     * {@code names} as a message lists them, ['a', 'b'], each {@link #printable(String)}: quoted, so
     * that a name's leading or trailing spaces show ("a, b" in a header names ' b').
     */
    public static String printable(List<String> names) {
        return names.stream().map(Columns::named).toList().toString();
    }
}
