package dev.sparkprop.driver.train;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.MissingValues;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.DataProblems.Kind;
import dev.sparkprop.driver.train.DataProblems.Role;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Turns a Row into what a block holds, by the model's {@link Preprocessing}: n_0 inputs (numeric
 * values, Vector entries, one-hot categories; then standardised), n_L targets (one-hot for a
 * softmax class, the class index for a single sigmoid output, else values, standardised for
 * regression) and a row weight. Columns are found by position: features first, in order, then
 * the label columns, then the weight column.
 *
 * <p>A value the encoder cannot use never fails the task: the row is reported unusable and,
 * when a {@link DataProblems} is given, the problem is recorded there for the driver to report
 * once. A missing or non-finite feature follows the preprocessing's data.missing: recorded as an
 * error, the row left out ({@link DataProblems#drop}), or the value filled. At prediction such a
 * row, unless the model imputes, is unusable with its problem recorded, and the caller decides
 * ({@link BatchPredictor.InvalidRows}). A category not seen in training encodes as all zeros.
 */
final class RowEncoder implements Serializable {

    private static final long serialVersionUID = 3L;

    /** What {@link #targets} returns for a row whose label cannot be used. */
    static final int UNUSABLE = -2;

    private final Preprocessing prep;
    private final MissingValues missing;
    private final boolean float32;
    private final int inputWidth;
    private final int outputWidth;
    private final boolean oneHotClass;
    private final double[] classWeights;
    private final List<Map<String, Integer>> categoryIndex;
    private final Map<String, Integer> classIndex;
    private final int malformedAt;
    /** Whether the rows are scored, not trained on: a row's missing values are then its problems, not drops. */
    private final boolean predicting;

    /**
     * @param classWeights weight per class index instead of a weight column, or null
     * @param precision    of the cached values: float32 cannot hold values beyond ±3.4e38
     * @param predicting   for predictions: a row with a missing feature is unusable, not an error,
     *                     unless the model imputes; its problems are recorded as such, for
     *                     transform's handleInvalid = "error"
     * @param malformedAt  the position of {@link Columns#MALFORMED} in the rows, or -1
     */
    RowEncoder(Preprocessing prep, NetworkSpec spec, double[] classWeights, Precision precision, boolean predicting,
               int malformedAt) {
        this.prep = prep;
        this.missing = predicting && prep.missing() != MissingValues.IMPUTE ? MissingValues.DROP : prep.missing();
        this.float32 = precision == Precision.FLOAT32;
        this.inputWidth = spec.inputWidth();
        this.outputWidth = spec.outputWidth();
        this.oneHotClass = spec.task().oneHotTargets();
        this.classWeights = classWeights;
        this.malformedAt = malformedAt;
        this.predicting = predicting;
        if (prep.inputWidth() != inputWidth) {
            throw new IllegalArgumentException("the data encodes to " + prep.inputWidth() + " inputs but the network"
                    + " takes " + inputWidth + "; start network.layers with " + prep.inputWidth());
        }
        this.categoryIndex = prep.features().stream().map(f -> index(f.categories())).toList();
        this.classIndex = prep.classes() == null ? null : index(prep.classes());
    }

    private static Map<String, Integer> index(List<String> values) {
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            map.put(values.get(i), i);
        }
        return map;
    }

    int inputWidth() {
        return inputWidth;
    }

    int outputWidth() {
        return outputWidth;
    }

    /** Whether the targets are one-hot softmax classes, which a block keeps as class indices. */
    boolean oneHotClasses() {
        return oneHotClass && classIndex != null;
    }

    /** Position of the first label column in a selected row. */
    private int labelAt() {
        return prep.features().size();
    }

    /**
     * Writes the row's standardised inputs at {@code x[xOff]}; false when the row cannot be used,
     * with the reason in {@code problems} (null: not recorded).
     */
    boolean features(Row row, double[] x, int xOff, DataProblems problems) {
        return !malformed(row, problems) && inputs(row, x, xOff, problems);
    }

    /** Whether the row is a line the CSV reader could not split into the header's fields (then recorded). */
    private boolean malformed(Row row, DataProblems problems) {
        if (malformedAt < 0 || row.isNullAt(malformedAt)) {
            return false;
        }
        if (problems != null) {
            problems.add(Role.LINE, null, Kind.MALFORMED, row.getString(malformedAt).strip(), null);
        }
        return true;
    }

    /** {@link #features} of a well-formed row. */
    private boolean inputs(Row row, double[] x, int xOff, DataProblems problems) {
        int columns = columnValues(row, x, xOff, problems);
        if ((columns & VALUE_ABSENT) != 0 && missing == MissingValues.DROP && !predicting && problems != null) {
            problems.droppedRow();
        }
        if ((columns & VALUE_UNUSABLE) != 0) {
            return false;
        }
        if (prep.featureMean() != null) {
            double[] mean = prep.featureMean();
            double[] scale = prep.featureScale();
            for (int i = 0; i < inputWidth; i++) {
                x[xOff + i] = (x[xOff + i] - mean[i]) * scale[i];
            }
        }
        if (float32) {
            for (int i = 0; i < inputWidth; i++) {
                if (Float.isInfinite((float) x[xOff + i])) {
                    if (problems != null) {
                        problems.add(Role.FEATURE, columnOfInput(i), Kind.FLOAT32_RANGE, x[xOff + i], null);
                    }
                    return false;
                }
            }
        }
        return true;
    }

    /** {@link #columnValues}: a value was neither usable nor filled, so the row is not usable. */
    private static final int VALUE_UNUSABLE = 1;
    /** {@link #columnValues}: a value was missing or not finite, and not filled. */
    private static final int VALUE_ABSENT = 2;

    /**
     * Writes the row's unstandardised inputs at {@code x[xOff]}: {@link #VALUE_UNUSABLE} and
     * {@link #VALUE_ABSENT} flags. A method of its own because the JIT compiles this loop on the stack
     * while it reads the first row, before the code after it has run: in one method with that
     * code, the compiled loop was thrown away as soon as the first row ended (an "unstable if"),
     * and the encoding pass went back to the interpreter for a while.
     */
    private int columnValues(Row row, double[] x, int xOff, DataProblems problems) {
        boolean usable = true;
        // A value that was missing or not finite, and not filled: with data.missing = "drop" the row is left out
        boolean absent = false;
        int at = xOff;
        List<FeatureColumn> columns = prep.features();
        // A cached table's row holds doubles, read without boxing each one (Row.get would)
        boolean doubles = row instanceof NumericTable.ChunkRow;
        for (int c = 0; c < columns.size(); c++) {
            FeatureColumn column = columns.get(c);
            boolean ok = true;
            if (column.categorical()) {
                Object value = row.get(c);
                for (int i = 0; i < column.width(); i++) {
                    x[at + i] = 0;
                }
                Integer index = categoryIndex.get(c).get(value == null ? FeatureColumn.MISSING_CATEGORY : key(value));
                if (value == null && missing != MissingValues.IMPUTE) {
                    ok = false;
                    absent = true;
                    record(problems, column, Kind.MISSING, null);
                } else if (index != null) {
                    x[at + index] = 1;
                }
            } else if (column.isVector()) {
                Object value = row.get(c);
                if (value == null) {
                    ok = fill(at, column.width(), x, xOff, problems, column, Kind.MISSING, null);
                    absent |= !ok;
                } else if (!(value instanceof Vector v) || v.size() != column.vectorSize()) {
                    ok = false;
                    if (problems != null) {
                        problems.add(Role.FEATURE, column.name(), Kind.VECTOR_SIZE, value,
                                Integer.toString(column.vectorSize()));
                    }
                } else {
                    for (int i = 0; i < v.size() && ok; i++) {
                        double d = v.apply(i);
                        x[at + i] = d;
                        if (!Double.isFinite(d)) {
                            ok = fill(at + i, 1, x, xOff, problems, column, Kind.NON_FINITE, d);
                            absent |= !ok;
                        }
                    }
                }
            } else if (row.isNullAt(c)) {
                ok = fill(at, 1, x, xOff, problems, column, Kind.MISSING, null);
                absent |= !ok;
            } else {
                double d = doubles ? row.getDouble(c) : ((Number) row.get(c)).doubleValue();
                x[at] = d;
                if (!Double.isFinite(d)) {
                    ok = fill(at, 1, x, xOff, problems, column, Kind.NON_FINITE, d);
                    absent |= !ok;
                }
            }
            usable &= ok;
            at += column.width();
        }
        return (usable ? 0 : VALUE_UNUSABLE) | (absent ? VALUE_ABSENT : 0);
    }

    /**
     * A missing or non-finite feature value at inputs {@code [at, at + n)}: filled with the
     * training means when imputing (true), else recorded as data.missing says (false).
     */
    private boolean fill(int at, int n, double[] x, int xOff, DataProblems problems, FeatureColumn column, Kind kind,
                         Object example) {
        if (missing == MissingValues.IMPUTE) {
            System.arraycopy(prep.featureFill(), at - xOff, x, at, n);
            return true;
        }
        record(problems, column, kind, example);
        return false;
    }

    private void record(DataProblems problems, FeatureColumn column, Kind kind, Object example) {
        if (problems == null) {
            return;
        }
        if (missing == MissingValues.DROP && !predicting) {
            problems.drop(column.name());
        } else {
            problems.add(Role.FEATURE, column.name(), kind, example, null);
        }
    }

    /**
     * Writes the row's targets at {@code y[yOff]}; returns the class index, -1 for regression, or
     * {@link #UNUSABLE} when the label cannot be used, with the reason in {@code problems} (not
     * null: labels are read in training and evaluation only).
     */
    int targets(Row row, double[] y, int yOff, DataProblems problems) {
        List<String> labels = prep.labels();
        if (classIndex != null) {
            Object value = row.get(labelAt());
            if (value == null) {
                problems.add(Role.LABEL, labels.get(0), Kind.MISSING, null, null);
                return UNUSABLE;
            }
            if (isNonFinite(value)) {
                problems.add(Role.LABEL, labels.get(0), Kind.NON_FINITE, value, null);
                return UNUSABLE;
            }
            Integer index = classIndex.get(key(value));
            if (index == null) {
                problems.add(Role.LABEL, labels.get(0), Kind.UNKNOWN_CLASS, key(value),
                        Prose.abbreviated(prep.classes(), "classes"));
                return UNUSABLE;
            }
            if (oneHotClass) {
                for (int i = 0; i < outputWidth; i++) {
                    y[yOff + i] = 0;
                }
                y[yOff + index] = 1;
            } else {
                y[yOff] = index;
            }
            return index;
        }
        Object first = row.get(labelAt());
        if (labels.size() == 1 && first instanceof Vector v) {
            if (v.size() != outputWidth) {
                problems.add(Role.LABEL, labels.get(0), Kind.VECTOR_SIZE, v, Integer.toString(outputWidth));
                return UNUSABLE;
            }
            for (int i = 0; i < outputWidth; i++) {
                y[yOff + i] = v.apply(i);
                if (!Double.isFinite(y[yOff + i])) {
                    problems.add(Role.LABEL, labels.get(0), Kind.NON_FINITE, y[yOff + i], null);
                    return UNUSABLE;
                }
            }
        } else {
            boolean usable = true;
            for (int i = 0; i < outputWidth; i++) {
                Object value = row.get(labelAt() + i);
                if (value == null) {
                    problems.add(Role.LABEL, labels.get(i), Kind.MISSING, null, null);
                    usable = false;
                } else {
                    y[yOff + i] = ((Number) value).doubleValue();
                    if (!Double.isFinite(y[yOff + i])) {
                        problems.add(Role.LABEL, labels.get(i), Kind.NON_FINITE, y[yOff + i], null);
                        usable = false;
                    }
                }
            }
            if (!usable) {
                return UNUSABLE;
            }
        }
        if (prep.targetMean() != null) {
            for (int i = 0; i < outputWidth; i++) {
                y[yOff + i] = (y[yOff + i] - prep.targetMean()[i]) * prep.targetScale()[i];
            }
        }
        if (float32) {
            for (int i = 0; i < outputWidth; i++) {
                if (Float.isInfinite((float) y[yOff + i])) {
                    problems.add(Role.LABEL, labels.get(labels.size() == outputWidth ? i : 0), Kind.FLOAT32_RANGE,
                            y[yOff + i], null);
                    return UNUSABLE;
                }
            }
        }
        return -1;
    }

    /**
     * The row's weight: the weight column's, the class weight, or 1; NaN when the weight column's
     * value cannot be used, with the reason in {@code problems}.
     */
    double weight(Row row, int classIndex, DataProblems problems) {
        if (prep.weight() != null) {
            Object value = row.get(labelAt() + prep.labels().size());
            if (value == null) {
                problems.add(Role.WEIGHT, prep.weight(), Kind.MISSING, null, null);
                return Double.NaN;
            }
            double w = ((Number) value).doubleValue();
            if (!Double.isFinite(w)) {
                problems.add(Role.WEIGHT, prep.weight(), Kind.NON_FINITE, w, null);
                return Double.NaN;
            }
            if (w < 0) {
                problems.add(Role.WEIGHT, prep.weight(), Kind.NEGATIVE, w, null);
                return Double.NaN;
            }
            return w;
        }
        return classWeights != null && classIndex >= 0 ? classWeights[classIndex] : 1;
    }

    /**
     * Encodes the row's inputs and weight at row {@code r} of a block's arrays and its targets at
     * {@code y[yOff]}; returns its class index (-1 for regression), or {@link #UNUSABLE} when any
     * of them cannot be used (every problem of the row is recorded) or the row is a malformed line.
     */
    int encode(Row row, double[] x, double[] y, int yOff, double[] w, int r, DataProblems problems) {
        // A malformed line's fields are shifted or missing: what they hold says nothing
        if (malformed(row, problems)) {
            return UNUSABLE;
        }
        boolean inputs = inputs(row, x, r * inputWidth, problems);
        int classIndex = targets(row, y, yOff, problems);
        w[r] = weight(row, classIndex, problems);
        return inputs && classIndex != UNUSABLE && !Double.isNaN(w[r]) ? classIndex : UNUSABLE;
    }

    /** The name of the column that network input {@code i} comes from. */
    private String columnOfInput(int i) {
        int at = 0;
        for (FeatureColumn column : prep.features()) {
            if (i < at + column.width()) {
                return column.name();
            }
            at += column.width();
        }
        throw new IllegalArgumentException("no input " + i);
    }

    /** Whether a label value is a float or double NaN or infinity: no class, though it has a key. */
    static boolean isNonFinite(Object value) {
        return (value instanceof Double || value instanceof Float) && !Double.isFinite(((Number) value).doubleValue());
    }

    /**
     * The vocabulary key of a label or category value: integral numbers without a fraction
     * (3.0 and 3 are both "3"), other values as their string.
     */
    static String key(Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return Double.toString(d);
        }
        return value.toString();
    }
}
