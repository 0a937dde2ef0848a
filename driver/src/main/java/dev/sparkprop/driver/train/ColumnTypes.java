package dev.sparkprop.driver.train;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.nn.Task;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/** The column types a {@link Preprocessing} reads, checked against a DataFrame's schema before any row is. */
public final class ColumnTypes {

    private ColumnTypes() {
    }

    /**
     * Fails unless {@code schema}'s columns {@code names} (the feature columns, in the
     * preprocessing's order) have the types the features read: numbers for a numeric column, ml
     * Vectors for a vector column; a categorical column takes any type. Checked once on the
     * driver, so no row can hold text where a number belongs (the row encoder relies on it). A
     * vector column whose schema metadata gives its size (VectorAssembler's ml attributes, which
     * Parquet keeps) must give the model's: otherwise every row would be refused.
     */
    public static void checkFeatures(StructType schema, List<String> names, Preprocessing prep) {
        for (int i = 0; i < names.size(); i++) {
            FeatureColumn column = prep.features().get(i);
            DataType type = schema.apply(names.get(i)).dataType();
            boolean ok = column.categorical() || (column.isVector() ? type instanceof VectorUDT
                    : type instanceof NumericType);
            if (!ok) {
                throw new IllegalArgumentException("feature column '" + names.get(i) + "' has type "
                        + type.simpleString() + " but the model reads " + (column.isVector() ? "ml Vectors of "
                        + column.vectorSize() + " values (assemble them with VectorAssembler)" : "numbers"));
            }
            int size = column.isVector() ? AttributeGroup.fromStructField(schema.apply(names.get(i))).size() : -1;
            if (size >= 0 && size != column.vectorSize()) {
                throw new IllegalArgumentException("feature column '" + names.get(i) + "' must hold vectors of "
                        + column.vectorSize() + " values, but its schema metadata says its vectors hold " + size
                        + "; assemble the features the model was trained on");
            }
        }
    }

    /**
     * {@link #checkFeatures} on {@code df}'s schema, after naming the text in a column of numbers:
     * one value that is not a number makes Spark's CSV reader infer a column as text, and the
     * value, not the column's type, is what the user must correct. Costs a pass over that
     * column, only when the check is about to fail.
     */
    public static void checkFeatures(Dataset<Row> df, List<String> names, Preprocessing prep) {
        // An action on a streaming DataFrame fails: there the schema's check alone fails, naming the type
        if (!df.isStreaming()) {
            checkNumbersAsText(df, names, prep);
        }
        checkFeatures(df.schema(), names, prep);
    }

    /** Fails, naming a value, when a string column where the model reads numbers holds text. */
    private static void checkNumbersAsText(Dataset<Row> df, List<String> names, Preprocessing prep) {
        for (int i = 0; i < names.size(); i++) {
            FeatureColumn column = prep.features().get(i);
            if (!column.categorical() && !column.isVector()) {
                checkNumbersAsText(df, "feature column", names.get(i), "the model reads numbers");
            }
        }
    }

    /**
     * Fails, naming a value, when {@code name}, a column of numbers, is a string column that holds
     * text ({@code what}: "feature column", "label column", ...; {@code where}: why numbers belong).
     */
    private static void checkNumbersAsText(Dataset<Row> df, String what, String name, String where) {
        if (!(df.schema().apply(name).dataType() instanceof StringType)) {
            return;
        }
        TextColumnValues values = TextColumnValues.of(df, name);
        if (values.texts() > 0) {
            throw new InvalidDataException(what + " '" + name + "' has text where " + where + ", in " + values.texts()
                    + (values.texts() == 1 ? " row" : " rows") + " (e.g. '" + DataProblems.abbreviate(values.example())
                    + "'); correct such values " + DataProblems.NUMBER_SPELLINGS);
        }
    }

    /**
     * {@link #checkTargets(StructType, Preprocessing)} on {@code df}'s schema, after naming the
     * text in a regression label or weight column of numbers, as {@link #checkFeatures} does.
     */
    public static void checkTargets(Dataset<Row> df, Preprocessing prep) {
        if (!df.isStreaming()) {
            if (prep.classes() == null) {
                for (String label : prep.labels()) {
                    checkNumbersAsText(df, "label column", label, "regression targets are numbers");
                }
            }
            if (prep.weight() != null) {
                checkNumbersAsText(df, "weight column", prep.weight(), "row weights are numbers");
            }
        }
        checkTargets(df.schema(), prep);
    }

    /**
     * Fails unless a network without classes has one output per label column (or one ml Vector
     * label column, whose size each row's check compares): else the extra outputs would train on
     * whatever column follows the labels in a row, the weight or the row's key.
     */
    public static void checkTargetWidth(StructType schema, List<String> labels, Task task, int outputs) {
        Task.Kind kind = task.kind();
        if (kind != Task.Kind.REGRESSION && kind != Task.Kind.MULTI_LABEL) {
            return;
        }
        if (labels.size() == 1 && schema.getFieldIndex(labels.get(0)).isDefined()
                && schema.apply(labels.get(0)).dataType() instanceof VectorUDT) {
            return;
        }
        if (labels.size() != outputs) {
            String unit = kind == Task.Kind.REGRESSION ? "identity" : "sigmoid";
            throw new IllegalArgumentException("data.label names " + Prose.count(labels.size(), "column") + " "
                    + Columns.printable(labels) + " but network.layers ends in " + Prose.count(outputs, "output")
                    + ", one per label column; end it with " + labels.size() + ":" + unit + ", or name "
                    + Prose.count(outputs, "label column"));
        }
    }

    /** As {@link #checkFeatures}, for the regression targets (numbers, or one Vector column) and the weight. */
    public static void checkTargets(StructType schema, Preprocessing prep) {
        if (prep.classes() == null) {
            for (String label : prep.labels()) {
                DataType type = schema.apply(label).dataType();
                if (!(type instanceof NumericType || type instanceof VectorUDT && prep.labels().size() == 1)) {
                    throw new IllegalArgumentException("label column '" + label + "' has type " + type.simpleString()
                            + "; regression targets are numbers (or one ml Vector column)");
                }
            }
        }
        if (prep.weight() != null && !(schema.apply(prep.weight()).dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("weight column '" + prep.weight() + "' has type "
                    + schema.apply(prep.weight()).dataType().simpleString() + "; row weights are numbers");
        }
    }
}
