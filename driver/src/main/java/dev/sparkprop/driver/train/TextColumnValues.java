package dev.sparkprop.driver.train;

import dev.sparkprop.driver.spark.Columns;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A text column's values as Spark's CSV reader would read them in a double column
 * ({@link CsvNumbers#value}): how many are numbers, how many are not, and the first that is not.
 * One typo in a CSV column of numbers (or numpy's {@code inf}) makes Spark infer it as text;
 * these counts tell such a column from one of categories, so the message can name the values.
 */
final class TextColumnValues implements Serializable {

    private static final long serialVersionUID = 1L;

    private long numbers;
    private long texts;
    /** The first value that is not a number, in partition order; null when there is none. */
    private String example;
    /** The first value that is a number, likewise. */
    private String numberExample;

    /** Counts the non-empty values of {@code df}'s string column {@code column}, in one pass. */
    static TextColumnValues of(Dataset<Row> df, String column) {
        return df.select(Columns.col(column)).where(Columns.col(column).isNotNull()).javaRDD()
                .mapPartitions(it -> {
                    TextColumnValues values = new TextColumnValues();
                    while (it.hasNext()) {
                        values.add(it.next().getString(0));
                    }
                    return List.of(values).iterator();
                }).collect().stream().reduce(TextColumnValues::merge).orElseGet(TextColumnValues::new);
    }

    private void add(String value) {
        try {
            CsvNumbers.value(value);
            if (numbers++ == 0) {
                numberExample = value;
            }
        } catch (NumberFormatException e) {
            if (texts++ == 0) {
                example = value;
            }
        }
    }

    /** Adds the next partition's counts; the example stays the earlier one. */
    private TextColumnValues merge(TextColumnValues later) {
        numbers += later.numbers;
        if (numberExample == null) {
            numberExample = later.numberExample;
        }
        if (example == null) {
            example = later.example;
        }
        texts += later.texts;
        return this;
    }

    /**
     * Whether most values are numbers: a column of numbers with text in some rows rather than
     * one of categories. The message for either names both fixes, so the line between them
     * only decides which comes first.
     */
    boolean mostlyNumbers() {
        return numbers > texts;
    }

    long texts() {
        return texts;
    }

    String example() {
        return example;
    }

    long numbers() {
        return numbers;
    }

    String numberExample() {
        return numberExample;
    }
}
