package dev.sparkprop.driver.train;

import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Losses;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Turns one selected Row (features..., label, [weight]) into the numbers a block holds:
 * n_0 feature values, n_L target values (one-hot for a cross-entropy class index) and a weight.
 * Every bad value fails with a message naming the column and the fix.
 */
final class RowEncoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final DataColumns columns;
    private final boolean vectorFeatures;
    private final boolean vectorLabel;
    private final int inputWidth;
    private final int outputWidth;
    private final boolean classIndex;
    private final boolean classes;

    RowEncoder(DataColumns columns, boolean vectorFeatures, boolean vectorLabel, NetworkSpec spec) {
        this.columns = columns;
        this.vectorFeatures = vectorFeatures;
        this.vectorLabel = vectorLabel;
        this.inputWidth = spec.inputWidth();
        this.outputWidth = spec.outputWidth();
        this.classIndex = spec.loss() instanceof Losses.CrossEntropy;
        this.classes = classIndex || spec.loss() instanceof Losses.BinaryCrossEntropy;
        if (!vectorFeatures && columns.features().size() != inputWidth) {
            throw new InvalidDataException(columns.features().size() + " feature columns but the network's input"
                    + " width is " + inputWidth + "; make the first number of the layers " + columns.features().size());
        }
        int labels = columns.labels().size();
        if (classIndex && labels != 1) {
            throw new InvalidDataException("cross_entropy takes one label column of class indices, got " + labels
                    + " columns " + columns.labels());
        }
        if (!classIndex && !vectorLabel && labels != outputWidth) {
            throw new InvalidDataException(labels + " label columns " + columns.labels() + " but the network has "
                    + outputWidth + " outputs; give one label column per output unit");
        }
    }

    /** True when targets are classes (cross-entropy or binary cross-entropy), not values. */
    boolean classification() {
        return classes;
    }

    int inputWidth() {
        return inputWidth;
    }

    int outputWidth() {
        return outputWidth;
    }

    /** Writes the row's features at {@code x[xOff]}. */
    void features(Row row, double[] x, int xOff) {
        if (vectorFeatures) {
            Object value = row.get(0);
            if (value == null) {
                throw new InvalidDataException("feature column '" + columns.features().get(0)
                        + "' has a missing (null) vector; drop or fill such rows");
            }
            Vector v = (Vector) value;
            if (v.size() != inputWidth) {
                throw new InvalidDataException("feature vector column '" + columns.features().get(0) + "' has "
                        + v.size() + " values in a row but the network's input width is " + inputWidth);
            }
            for (int i = 0; i < inputWidth; i++) {
                x[xOff + i] = finite(v.apply(i), columns.features().get(0));
            }
        } else {
            for (int i = 0; i < inputWidth; i++) {
                x[xOff + i] = number(row, i, columns.features().get(i), "feature");
            }
        }
    }

    /** Writes the row's targets at {@code y[yOff]}. */
    void targets(Row row, double[] y, int yOff) {
        int at = vectorFeatures ? 1 : inputWidth;
        List<String> labels = columns.labels();
        String name = labels.get(0);
        if (classIndex) {
            double label = number(row, at, name, "label");
            if (label != Math.rint(label) || label < 0 || label >= outputWidth) {
                throw new InvalidDataException("label column '" + name + "' has value " + label + ", but the "
                        + outputWidth + "-unit softmax output needs class indices 0.." + (outputWidth - 1)
                        + "; index string labels first or change the output width");
            }
            for (int i = 0; i < outputWidth; i++) {
                y[yOff + i] = 0;
            }
            y[yOff + (int) label] = 1;
        } else if (vectorLabel) {
            Vector v = (Vector) row.get(at);
            if (v == null) {
                throw new InvalidDataException("label column '" + name + "' has a missing (null) vector; drop or"
                        + " fill such rows");
            }
            if (v.size() != outputWidth) {
                throw new InvalidDataException("label vector column '" + name + "' has " + v.size()
                        + " values but the network has " + outputWidth + " outputs");
            }
            for (int i = 0; i < outputWidth; i++) {
                y[yOff + i] = finite(v.apply(i), name);
            }
        } else {
            for (int i = 0; i < outputWidth; i++) {
                y[yOff + i] = number(row, at + i, labels.get(i), "label");
            }
        }
    }

    /** The row's weight, 1 without a weight column. */
    double weight(Row row) {
        if (columns.weight() == null) {
            return 1;
        }
        double w = number(row, (vectorFeatures ? 1 : inputWidth) + columns.labels().size(), columns.weight(), "weight");
        if (w < 0) {
            throw new InvalidDataException("weight column '" + columns.weight() + "' has negative weight " + w
                    + "; row weights must be 0 or more");
        }
        return w;
    }

    private static double number(Row row, int i, String column, String role) {
        Object value = row.get(i);
        if (value == null) {
            throw new InvalidDataException(role + " column '" + column + "' has a missing value; drop or fill"
                    + " such rows before training");
        }
        if (!(value instanceof Number n)) {
            throw new InvalidDataException(role + " column '" + column + "' holds " + value.getClass().getSimpleName()
                    + " values such as '" + value + "', not numbers");
        }
        return finite(n.doubleValue(), column);
    }

    private static double finite(double v, String column) {
        if (!Double.isFinite(v)) {
            throw new InvalidDataException("column '" + column + "' has the value " + v
                    + "; NaN and infinite values cannot be trained on, drop or fill those rows");
        }
        return v;
    }
}
