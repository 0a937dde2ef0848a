package dev.sparkprop.driver.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a pass over the rows found in rows it could not use, instead of failing its task: per
 * column and kind of problem, how many rows and the first value seen; and the rows that
 * data.missing = "drop" left out, per column. Each partition fills its own; the driver merges
 * them in partition order, so counts, examples and their order are the same on every run, and
 * raises one {@link InvalidDataException} for all of them ({@link #check}). Rows that carry their
 * place in the source ({@link #at}) keep the source's order through a repartitioning: the
 * example and the order of the problems are those of the first such row in the source.
 */
public final class DataProblems implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Most problems listed in one message; more are counted. */
    private static final int LISTED = 8;

    /** Where the value sits. */
    enum Role {
        FEATURE("feature column"), LABEL("label column"), WEIGHT("weight column"), LINE("line");

        private final String noun;

        Role(String noun) {
            this.noun = noun;
        }
    }

    /** What is wrong with it. */
    enum Kind {
        MISSING, NON_FINITE, TEXT, NUMBERS_AS_TEXT, VECTOR_SIZE, UNKNOWN_CLASS, NEGATIVE, FLOAT32_RANGE, MALFORMED
    }

    /**
     * One kind of problem in one column: how many rows, the first value (and the source key of its
     * row, 0 for rows without one), and what the column takes.
     */
    static final class Tally implements Serializable {
        private static final long serialVersionUID = 1L;
        final Role role;
        final String column;
        final Kind kind;
        String example;
        long first;
        final String expected;
        long rows;

        Tally(Role role, String column, Kind kind, String example, String expected, long first) {
            this.role = role;
            this.column = column;
            this.kind = kind;
            this.example = example;
            this.expected = expected;
            this.first = first;
        }

        boolean is(Role r, String c, Kind k) {
            return role == r && kind == k && Objects.equals(column, c);
        }
    }

    private final ArrayList<Tally> problems = new ArrayList<>();
    private final ArrayList<Tally> dropped = new ArrayList<>();
    private long droppedRows;
    /** The source key ({@link RowIds#key}) of the row being checked, or 0 for rows without one. */
    private long at;

    /** The next problems are those of the row with source key {@code key}. */
    void at(long key) {
        at = key;
    }

    /**
     * Records a row's problem.
     *
     * @param example  the value, as it reads, or null when there is none (a missing value)
     * @param expected what the column takes, for the message: a vector size, the class list; or null
     */
    void add(Role role, String column, Kind kind, Object example, String expected) {
        add(role, column, kind, example, expected, 1);
    }

    /** Records that {@code rows} rows have the problem. */
    void add(Role role, String column, Kind kind, Object example, String expected, long rows) {
        for (Tally t : problems) {
            if (t.is(role, column, kind)) {
                t.rows += rows;
                return;
            }
        }
        Tally t = new Tally(role, column, kind, example == null ? null : abbreviate(example.toString()), expected,
                at);
        t.rows = rows;
        problems.add(t);
    }

    /** Records that a row was left out for a missing or non-finite value in {@code column}. */
    void drop(String column) {
        for (Tally t : dropped) {
            if (Objects.equals(t.column, column)) {
                t.rows++;
                return;
            }
        }
        Tally t = new Tally(Role.FEATURE, column, Kind.MISSING, null, null, at);
        t.rows = 1;
        dropped.add(t);
    }

    /** Counts a row left out by {@link #drop} (once however many of its columns were). */
    void droppedRow() {
        droppedRows++;
    }

    /**
     * Adds {@code later}'s findings after this one's (the next partition's); of two examples of a
     * problem, the earlier row's in the source is kept, and problems are ordered by it.
     */
    DataProblems merge(DataProblems later) {
        merge(problems, later.problems);
        merge(dropped, later.dropped);
        droppedRows += later.droppedRows;
        return this;
    }

    private static void merge(List<Tally> mine, List<Tally> later) {
        for (Tally t : later) {
            Tally same = find(mine, t);
            if (same == null) {
                mine.add(t);
            } else {
                same.rows += t.rows;
                if (t.first < same.first) {
                    same.example = t.example;
                    same.first = t.first;
                }
            }
        }
        // Stable: rows without source keys (all 0) stay in the order they were found
        mine.sort(java.util.Comparator.comparingLong(t -> t.first));
    }

    private static Tally find(List<Tally> tallies, Tally like) {
        for (Tally t : tallies) {
            if (t.is(like.role, like.column, like.kind)) {
                return t;
            }
        }
        return null;
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Rows left out by data.missing = "drop". */
    public long droppedRows() {
        return droppedRows;
    }

    /** Rows left out by data.missing = "drop", per column whose value was missing or non-finite. */
    public Map<String, Long> droppedByColumn() {
        Map<String, Long> byColumn = new LinkedHashMap<>();
        dropped.forEach(t -> byColumn.put(t.column, t.rows));
        return byColumn;
    }

    /**
     * The line that reports rows left out, e.g. {@code left out 3 of 150 training rows for a
     * missing or non-finite feature (data.missing = "drop"): 'b' in 2, 'c' in 1}; null when none were.
     *
     * @param rowsOf what the rows are, e.g. "training rows"
     * @param kept   the rows that were kept
     */
    String droppedSummary(String rowsOf, long kept) {
        if (droppedRows == 0) {
            return null;
        }
        List<String> columns = new ArrayList<>();
        dropped.forEach(t -> columns.add("'" + t.column + "' in " + t.rows));
        return "left out " + droppedRows + " of " + (kept + droppedRows) + " " + rowsOf + " for a missing or"
                + " non-finite feature (data.missing = \"drop\"): " + String.join(", ", columns);
    }

    /** A copy with only the problems of {@code kind}. */
    DataProblems only(Kind kind) {
        DataProblems some = new DataProblems();
        problems.stream().filter(t -> t.kind == kind).forEach(some.problems::add);
        return some;
    }

    /**
     * @param source what the rows are, e.g. "the training data"
     * @throws InvalidDataException naming every problem found, how many rows have it, an example
     *         and the fix, when there is any
     */
    void check(String source) {
        check(source, null, null);
    }

    /**
     * As {@link #check(String)}, with {@code gapFix} for a feature's missing or non-finite values
     * instead of their own fix (null: theirs), and {@code also} after the fixes (null: nothing).
     */
    void check(String source, String gapFix, String also) {
        if (problems.isEmpty()) {
            return;
        }
        // A column's problems together, columns in the order their first problem was found
        List<Tally> ordered = new ArrayList<>();
        for (Tally first : problems) {
            if (!ordered.contains(first)) {
                problems.stream().filter(t -> t.role == first.role && Objects.equals(t.column, first.column))
                        .forEach(ordered::add);
            }
        }
        List<String> clauses = new ArrayList<>();
        Set<String> fixes = new LinkedHashSet<>();
        for (Tally t : ordered.subList(0, Math.min(LISTED, ordered.size()))) {
            clauses.add(describe(t));
            boolean gap = t.role == Role.FEATURE && (t.kind == Kind.MISSING || t.kind == Kind.NON_FINITE);
            fixes.add(gap && gapFix != null ? gapFix : fix(t));
        }
        if (problems.size() > LISTED) {
            clauses.add("and " + (problems.size() - LISTED) + " more such problems");
        }
        if (also != null) {
            fixes.add(also);
        }
        throw new InvalidDataException("in " + source + ", " + String.join("; ", clauses) + ". "
                + String.join(". ", fixes) + ".");
    }

    private static String describe(Tally t) {
        String rows = t.rows + (t.rows == 1 ? " row" : " rows");
        String column = t.role.noun + " '" + t.column + "'";
        String example = t.example == null ? "" : " (e.g. " + t.example + ")";
        return switch (t.kind) {
            case MISSING -> column + " has missing values in " + rows;
            case NON_FINITE -> column + " has NaN or infinite values in " + rows + example;
            case TEXT -> column + " has text where numbers belong in " + rows + " (e.g. '" + t.example + "')";
            case NUMBERS_AS_TEXT -> column + " holds numbers written as text in " + rows + " (e.g. \"" + t.example
                    + "\")";
            case VECTOR_SIZE -> column + " must hold vectors of " + t.expected + " values, but " + rows
                    + (t.rows == 1 ? " holds" : " hold") + " other values" + example;
            case UNKNOWN_CLASS -> column + " has classes the model does not know in " + rows + " (e.g. '"
                    + t.example + "'); its classes are " + t.expected;
            case NEGATIVE -> column + " has negative weights in " + rows + example;
            case FLOAT32_RANGE -> column + " has values beyond float32's range (±3.4e38) in " + rows + example
                    + ", which training.precision = float32 would cache as infinite";
            case MALFORMED -> (t.rows == 1 ? "1 line is" : t.rows + " lines are") + " malformed, not splitting into"
                    + " the data's columns (e.g. '" + t.example + "')";
        };
    }

    /** What a numeric column's text may hold, as Spark parses it. */
    static final String NUMBER_SPELLINGS = "(numbers, NaN, Inf or -Inf as Spark spells them; a missing value"
            + " is empty in CSV, null in JSON)";

    private static String fix(Tally t) {
        return switch (t.kind) {
            case MISSING, NON_FINITE -> t.role == Role.FEATURE
                    ? "Drop or fill such rows, or train with data.missing = \"drop\" or \"impute\""
                    : "Drop such rows: data.missing fills or drops features, never labels or weights";
            case TEXT -> "Correct such values " + NUMBER_SPELLINGS + ", or list the column in data.categorical if it"
                    + " holds categories";
            case NUMBERS_AS_TEXT -> "Store them as numbers: a numeric column type, or in JSON without quotes (NaN,"
                    + " Infinity and -Infinity too, which Spark reads)";
            case VECTOR_SIZE -> "Give every row a vector of the size the model takes";
            case UNKNOWN_CLASS -> "Drop such rows, or train on data that has those classes";
            case NEGATIVE -> "Row weights must be 0 or more";
            case FLOAT32_RANGE -> "Rescale or log-transform the column, standardize it (data.standardize = true),"
                    + " or train with training.precision = float64";
            case MALFORMED -> "Check the data format: for csv, data.csv.delimiter, the number of fields and the"
                    + " quoting of such lines; for json, one object per line";
        };
    }

    static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }
}
