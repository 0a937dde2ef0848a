package dev.sparkprop.driver.train;

import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.nn.Losses;
import dev.sparkprop.nn.NetworkSpec;
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
 * <p>Strict encoders (training, evaluation) reject a missing or non-finite value with a message
 * naming the column; lenient ones (prediction) report the row as unusable instead. A category
 * not seen in training encodes as all zeros either way.
 */
final class RowEncoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Preprocessing prep;
    private final int inputWidth;
    private final int outputWidth;
    private final boolean oneHotClass;
    private final boolean strict;
    private final double[] classWeights;
    private final List<Map<String, Integer>> categoryIndex;
    private final Map<String, Integer> classIndex;

    /**
     * @param classWeights weight per class index instead of a weight column, or null
     * @param strict       true to fail on missing values, false to report them ({@link #features})
     */
    RowEncoder(Preprocessing prep, NetworkSpec spec, double[] classWeights, boolean strict) {
        this.prep = prep;
        this.inputWidth = spec.inputWidth();
        this.outputWidth = spec.outputWidth();
        this.oneHotClass = spec.loss() instanceof Losses.CrossEntropy;
        this.strict = strict;
        this.classWeights = classWeights;
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
     * Writes the row's standardised inputs at {@code x[xOff]}; returns false (lenient encoders
     * only) when a value is missing or not finite.
     */
    boolean features(Row row, double[] x, int xOff) {
        int at = xOff;
        List<FeatureColumn> columns = prep.features();
        for (int c = 0; c < columns.size(); c++) {
            FeatureColumn column = columns.get(c);
            Object value = row.get(c);
            if (value == null) {
                if (strict) {
                    throw new InvalidDataException("feature column '" + column.name() + "' has a missing value; drop"
                            + " or fill such rows before training or evaluating");
                }
                return false;
            }
            if (column.categorical()) {
                for (int i = 0; i < column.width(); i++) {
                    x[at + i] = 0;
                }
                Integer index = categoryIndex.get(c).get(key(value));
                if (index != null) {
                    x[at + index] = 1;
                }
            } else if (column.isVector()) {
                if (!(value instanceof Vector v) || v.size() != column.vectorSize()) {
                    throw new InvalidDataException("feature column '" + column.name() + "' must hold vectors of "
                            + column.vectorSize() + " values, got " + describe(value));
                }
                for (int i = 0; i < v.size(); i++) {
                    x[at + i] = v.apply(i);
                }
            } else {
                x[at] = number(value, column.name(), "feature");
            }
            at += column.width();
        }
        for (int i = xOff; i < xOff + inputWidth; i++) {
            if (!Double.isFinite(x[i])) {
                if (strict) {
                    throw new InvalidDataException("a feature has the value " + x[i] + " (column "
                            + columnOfInput(i - xOff) + "); NaN and infinite values cannot be used, drop or fill"
                            + " those rows");
                }
                return false;
            }
        }
        if (prep.featureMean() != null) {
            double[] mean = prep.featureMean();
            double[] scale = prep.featureScale();
            for (int i = 0; i < inputWidth; i++) {
                x[xOff + i] = (x[xOff + i] - mean[i]) * scale[i];
            }
        }
        return true;
    }

    /** Writes the row's targets at {@code y[yOff]}; returns the class index, or -1 for regression. */
    int targets(Row row, double[] y, int yOff) {
        List<String> labels = prep.labels();
        if (classIndex != null) {
            Object value = row.get(labelAt());
            if (value == null) {
                throw new InvalidDataException("label column '" + labels.get(0) + "' has a missing value; drop such"
                        + " rows");
            }
            Integer index = classIndex.get(key(value));
            if (index == null) {
                throw new InvalidDataException("label column '" + labels.get(0) + "' has the class '" + key(value)
                        + "', which the model does not know; its classes are " + prep.classes());
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
                throw new InvalidDataException("label vector column '" + labels.get(0) + "' has " + v.size()
                        + " values but the network has " + outputWidth + " outputs");
            }
            for (int i = 0; i < outputWidth; i++) {
                y[yOff + i] = finite(v.apply(i), labels.get(0));
            }
        } else {
            for (int i = 0; i < outputWidth; i++) {
                Object value = row.get(labelAt() + i);
                if (value == null) {
                    throw new InvalidDataException("label column '" + labels.get(i) + "' has a missing value; drop"
                            + " such rows");
                }
                y[yOff + i] = finite(number(value, labels.get(i), "label"), labels.get(i));
            }
        }
        if (prep.targetMean() != null) {
            for (int i = 0; i < outputWidth; i++) {
                y[yOff + i] = (y[yOff + i] - prep.targetMean()[i]) * prep.targetScale()[i];
            }
        }
        return -1;
    }

    /** The row's weight: the weight column's, the class weight, or 1. */
    double weight(Row row, int classIndex) {
        if (prep.weight() != null) {
            Object value = row.get(labelAt() + prep.labels().size());
            if (value == null) {
                throw new InvalidDataException("weight column '" + prep.weight() + "' has a missing value");
            }
            double w = finite(number(value, prep.weight(), "weight"), prep.weight());
            if (w < 0) {
                throw new InvalidDataException("weight column '" + prep.weight() + "' has negative weight " + w
                        + "; row weights must be 0 or more");
            }
            return w;
        }
        return classWeights != null && classIndex >= 0 ? classWeights[classIndex] : 1;
    }

    /** The name of the column that network input {@code i} comes from. */
    private String columnOfInput(int i) {
        int at = 0;
        for (FeatureColumn column : prep.features()) {
            if (i < at + column.width()) {
                return "'" + column.name() + "'";
            }
            at += column.width();
        }
        return "?";
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

    private static double number(Object value, String column, String role) {
        if (!(value instanceof Number n)) {
            throw new InvalidDataException(role + " column '" + column + "' holds " + describe(value)
                    + ", not numbers; " + (role.equals("feature") ? "list it in data.categorical to one-hot encode it,"
                    + " or exclude it" : "give a numeric column"));
        }
        return n.doubleValue();
    }

    private static String describe(Object value) {
        return value.getClass().getSimpleName() + " values such as '" + value + "'";
    }

    private static double finite(double v, String column) {
        if (!Double.isFinite(v)) {
            throw new InvalidDataException("column '" + column + "' has the value " + v
                    + "; NaN and infinite values cannot be used, drop or fill those rows");
        }
        return v;
    }
}
