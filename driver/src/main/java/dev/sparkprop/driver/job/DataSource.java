package dev.sparkprop.driver.job;

import java.util.Locale;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads a table the way a job's data.* keys describe, with one clear error when it cannot. */
public final class DataSource {

    private DataSource() {
    }

    /**
     * @param format    csv, parquet, json or libsvm
     * @param header    csv only: the first line names the columns
     * @param delimiter csv only: the one-character field separator
     * @throws IllegalArgumentException naming the path and what to check
     */
    public static Dataset<Row> read(SparkSession spark, String path, String format, boolean header, String delimiter) {
        DataFrameReader reader = spark.read();
        try {
            Dataset<Row> df;
            switch (format.toLowerCase(Locale.ROOT)) {
                case "csv":
                    df = reader.option("header", header).option("sep", delimiter).option("inferSchema", true)
                            .option("mode", "FAILFAST").csv(path);
                    break;
                case "parquet":
                    df = reader.parquet(path);
                    break;
                case "json":
                    df = reader.option("mode", "FAILFAST").json(path);
                    break;
                case "libsvm":
                    df = reader.format("libsvm").load(path);
                    break;
                default:
                    throw new IllegalArgumentException("data format '" + format + "' is not one of csv, parquet, json,"
                            + " libsvm");
            }
            if (df.columns().length == 0) {
                throw new IllegalArgumentException("'" + path + "' holds no columns as " + format
                        + "; is it empty, or in another format?");
            }
            return df;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            // Spark's AnalysisException and SparkException carry the cause in their message.
            String reason = firstLine(e.getMessage());
            if (reason.contains("PATH_NOT_FOUND") || reason.contains("does not exist")) {
                throw new IllegalArgumentException("data path '" + path + "' does not exist; check the path", e);
            }
            throw new IllegalArgumentException("cannot read '" + path + "' as " + format + " (" + reason
                    + "); check the path and the data format", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
