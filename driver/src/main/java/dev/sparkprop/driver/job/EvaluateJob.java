package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.DataSection;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.driver.train.TrainingRows;
import java.io.PrintStream;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Metrics of a saved model on labelled data, prepared exactly as in training (with its
 * data.missing: rows with a missing feature are an error, left out or filled). The data is read
 * in the training job's format unless another is given; its weight column is used when present.
 */
public final class EvaluateJob {

    private EvaluateJob() {
    }

    /**
     * @param format    csv, parquet, json or libsvm; null for the training job's
     * @param delimiter the CSV field delimiter; null for the training job's
     */
    public static Evaluation run(SparkSession spark, String modelPath, String dataPath, String format,
                                 String delimiter, PrintStream out) {
        LoadedModel loaded = LoadedModel.read(modelPath, spark.sparkContext().hadoopConfiguration());
        DataSection trainedOn = loaded.config().data();
        Preprocessing prep = loaded.model().metadata().preprocessing();
        // A CSV of numbers parsed once, as training reads it: no type-inference pass
        DataSource.Rows rows = DataSource.readForModelToPass(spark, "--data", dataPath, format, delimiter, trainedOn,
                prep);
        try {
            Dataset<Row> df = rows.rows();
            if (prep.weight() != null && !Arrays.asList(df.columns()).contains(prep.weight())) {
                prep = prep.withoutWeight();
            }
            LoadedModel.requireColumns(df, prep.columns());
            return evaluate(spark, loaded, prep, rows.passes(), dataPath, out);
        } finally {
            rows.release();
        }
    }

    private static Evaluation evaluate(SparkSession spark, LoadedModel loaded, Preprocessing prep, TrainingRows rows,
                                       String dataPath, PrintStream out) {
        int blockRows = loaded.config().training().blockRows();
        try (TrainingData data = TrainingData.fromRows(rows, "'" + dataPath + "'", prep, loaded.spec(), blockRows,
                null, loaded.config().training().precision())) {
            Evaluation evaluation = Evaluation.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), data,
                    loaded.spec(), loaded.model().params(), blockRows);
            String dropped = data.droppedSummary("rows");
            if (dropped != null) {
                out.println(dropped);
            }
            out.printf("evaluated %s on %d rows of %s%n", loaded.spec(), data.rows(), dataPath);
            out.print(evaluation.perClassTable());
            out.println("metrics " + evaluation.format(""));
            return evaluation;
        }
    }
}
