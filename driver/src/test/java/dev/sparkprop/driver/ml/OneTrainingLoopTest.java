package dev.sparkprop.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.job.EvaluateJob;
import dev.sparkprop.driver.job.PredictJob;
import dev.sparkprop.driver.job.TrainJob;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The estimators and {@code sparkprop train} are one training loop, and read each other's models. */
class OneTrainingLoopTest {

    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private SavedModel trainWithCli(String... settings) {
        List<String> all = new ArrayList<>(List.of(settings));
        return new TrainJob(JobConfigLoader.load(null, all), SparkTestSession.spark(), QUIET).run();
    }

    @Test
    void theSameDataAndSettingsGiveTheSameModelFromTheCliAndFromTheEstimator() {
        SparkSession spark = SparkTestSession.spark();
        String parquet = dir.resolve("iris.parquet").toString();
        SparkpropClassifierTest.irisFeatures().write().parquet(parquet);
        SavedModel cli = trainWithCli("data.path=" + parquet, "data.format=parquet", "data.features=[features]",
                "network.layers=4,8:tanh,3:softmax", "network.loss=cross_entropy", "optimizer.kind=momentum",
                "optimizer.learning_rate=0.05", "training.epochs=6", "training.batch_rows=32", "training.seed=3",
                "data.validation_fraction=0.2", "output.model_path=" + dir.resolve("cli"));
        SparkpropClassificationModel fitted = new SparkpropClassifier().setLayers("4,8:tanh,3:softmax")
                .setOptimizer("momentum").setLearningRate(0.05).setEpochs(6).setBatchRows(32).setSeed(3)
                .setValidationFraction(0.2).fit(spark.read().parquet(parquet));
        assertArrayEquals(cli.params(), fitted.weights(), "the same weights, to the last bit");
        assertEquals(cli.metadata().history().stream().map(e -> e.metrics()).toList(), fitted.summary().epochs());
        Map<String, String> config = fitted.trainingConfig();
        cli.metadata().config().forEach((key, value) -> {
            if (!key.equals("data.path") && !key.startsWith("output.") && !key.equals("data.format")) {
                assertEquals(value, config.get(key), key);
            }
        });
    }

    @Test
    void aModelSavedFromCodeIsEvaluatedByTheCliWithTheSameMetrics() throws Exception {
        SparkSession spark = SparkTestSession.spark();
        String parquet = dir.resolve("iris.parquet").toString();
        SparkpropClassifierTest.irisFeatures().write().parquet(parquet);
        Dataset<Row> data = spark.read().parquet(parquet);
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("4,8:tanh,3:softmax")
                .setLearningRate(0.05).setEpochs(10).fit(data);
        String saved = dir.resolve("from-code").toString();
        model.write().save(saved);
        Evaluation cli = EvaluateJob.run(spark, saved, parquet, "parquet", null, QUIET);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(model.transform(data));
        assertEquals(accuracy, cli.accuracy(), 1e-12);
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);
        // Without --format the model's data.format (csv for a model fitted from code) cannot hold its vectors
        String csv = Files.writeString(dir.resolve("iris.csv"), "features,label\n").toString();
        for (String format : Arrays.asList(null, "csv", "json")) {
            assertEquals("the model reads feature column 'features' of ml Vectors (4 values), which "
                    + (format == null ? "csv" : format) + " data cannot hold; give Parquet data with that column and"
                    + " --format parquet, or predict in Spark with the model's transform",
                    assertThrows(IllegalArgumentException.class,
                            () -> EvaluateJob.run(spark, saved, csv, format, null, QUIET)).getMessage());
        }
    }

    @Test
    void aModelTrainedByTheCliOnOneVectorColumnReadsThatColumnWhenLoaded() {
        SparkSession spark = SparkTestSession.spark();
        String parquet = dir.resolve("iris.parquet").toString();
        // A dotted name, which featuresCol (an attribute reference) must quote
        SparkpropClassifierTest.irisFeatures().withColumnRenamed("features", "iris.cm").write().parquet(parquet);
        String cliModel = dir.resolve("cli").toString();
        trainWithCli("data.path=" + parquet, "data.format=parquet", "data.features=[\"iris.cm\"]",
                "network.layers=4,8:tanh,3:softmax", "network.loss=cross_entropy", "optimizer.learning_rate=0.05",
                "training.epochs=2", "output.model_path=" + cliModel);
        SparkpropClassificationModel model = SparkpropClassificationModel.load(cliModel);
        assertEquals("`iris.cm`", model.getFeaturesCol());
        assertEquals(150, model.transform(spark.read().parquet(parquet)).select("prediction").count());
    }

    @Test
    void aModelTrainedByTheCliOnNamedColumnsPredictsTheSameFromCode() throws Exception {
        SparkSession spark = SparkTestSession.spark();
        Dataset<Row> iris = spark.read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset("iris.csv")).withColumn("id", functions.monotonically_increasing_id());
        String csv = dir.resolve("iris-id.csv").toString();
        iris.coalesce(1).write().option("header", "true").csv(csv);
        String cliModel = dir.resolve("cli").toString();
        trainWithCli("data.path=" + csv, "data.id_columns=[id]", "network.layers=4,8:tanh,3:softmax",
                "network.loss=cross_entropy", "optimizer.learning_rate=0.05", "training.epochs=10",
                "output.model_path=" + cliModel);
        String out = dir.resolve("predictions").toString();
        PredictJob.run(spark, cliModel, csv, null, null, null, out, "parquet", false, QUIET);
        Map<Long, Row> byId = new java.util.HashMap<>();
        spark.read().parquet(out).collectAsList().forEach(r -> byId.put(((Number) r.get(0)).longValue(), r));

        SparkpropClassificationModel model = SparkpropClassificationModel.load(cliModel);
        Dataset<Row> rows = spark.read().option("header", "true").option("inferSchema", "true").csv(csv);
        List<Row> predicted = model.transform(rows).select("id", "probability", "prediction").collectAsList();
        assertEquals(150, predicted.size());
        for (Row r : predicted) {
            Row expected = byId.get(((Number) r.get(0)).longValue());
            Vector probability = r.getAs(1);
            for (int c = 0; c < 3; c++) {
                assertEquals(expected.getDouble(2 + c), probability.apply(c), 0.0);
            }
            assertEquals(expected.getString(1), model.classes().get((int) r.getDouble(2)));
        }
    }
}
