package dev.sparkprop.driver.job;

import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.nn.Precision;
import java.io.PrintStream;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Metrics of a saved model on labelled data, prepared exactly as in training. The data is read
 * in the training job's format unless another is given; its weight column is used when present.
 */
public final class EvaluateJob {

    private EvaluateJob() {
    }

    /** @param format csv, parquet, json or libsvm; null for the training job's */
    public static Evaluation run(SparkSession spark, String modelPath, String dataPath, String format, PrintStream out) {
        LoadedModel loaded = LoadedModel.read(modelPath, spark.sparkContext().hadoopConfiguration());
        Dataset<Row> df = DataSource.read(spark, dataPath, format == null ? loaded.config().format() : format,
                loaded.config().csvHeader(), loaded.config().csvDelimiter());
        Preprocessing prep = loaded.model().metadata().preprocessing();
        if (prep.weight() != null && !Arrays.asList(df.columns()).contains(prep.weight())) {
            prep = new Preprocessing(prep.features(), prep.featureMean(), prep.featureScale(), prep.labels(),
                    prep.classes(), prep.targetMean(), prep.targetScale(), null);
        }
        int blockRows = loaded.config().blockRows();
        try (TrainingData data = TrainingData.fromDataFrame(df, prep, loaded.spec(), blockRows, null,
                Precision.parse(loaded.config().precision()))) {
            Evaluation evaluation = Evaluation.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), data,
                    loaded.spec(), loaded.model().params(), blockRows);
            out.printf("evaluated %s on %d rows of %s%n", loaded.spec(), data.rows(), dataPath);
            out.print(evaluation.perClassTable());
            out.println("metrics " + evaluation.format(""));
            return evaluation;
        }
    }
}
