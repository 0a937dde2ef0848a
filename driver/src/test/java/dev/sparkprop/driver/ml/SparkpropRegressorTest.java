package dev.sparkprop.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.SparkTestSession;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkpropRegressorTest {

    private static Dataset<Row> diabetes() {
        return SparkTestSession.spark().read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset("diabetes.csv"));
    }

    /** The messages of {@code e} and its causes, a task's failure wrapping the one its code threw. */
    private static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static Pipeline pipeline(SparkpropRegressor regressor) {
        String[] inputs = Arrays.stream(diabetes().columns()).filter(c -> !c.equals("target")).toArray(String[]::new);
        return new Pipeline().setStages(new PipelineStage[] {
                new VectorAssembler().setInputCols(inputs).setOutputCol("raw"),
                new StandardScaler().setInputCol("raw").setOutputCol("features"),
                regressor.setLabelCol("target")});
    }

    @Test
    void pipelineFitsTargetsInTheirUnitsAndSavesAndLoadsIdentically(@TempDir Path dir) throws Exception {
        Dataset<Row> data = diabetes();
        SparkpropRegressor regressor = new SparkpropRegressor().setLayers("10,16:tanh,1:identity").setEpochs(60)
                .setLearningRate(0.02).setValidationFraction(0.2);
        PipelineModel model = pipeline(regressor).fit(data);
        Dataset<Row> predicted = model.transform(data);
        double r2 = new RegressionEvaluator().setLabelCol("target").setMetricName("r2").evaluate(predicted);
        assertTrue(r2 > 0.4, "r2 " + r2);
        String path = dir.resolve("regression").toString();
        model.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertEquals(predicted.select("prediction").collectAsList(),
                loaded.transform(data).select("prediction").collectAsList());
        SparkpropRegressionModel stage = (SparkpropRegressionModel) loaded.stages()[2];
        assertTrue(stage.summary().metricNames().contains("validation_rmse"), stage.summary().metricNames().toString());
        // The model is float32. transform multiplies blocks of rows (sgemm) and predict one row,
        // which OpenBLAS may hand to another kernel (sgemv; FMA or not, by CPU) that rounds the
        // 10- and 16-term dot products differently: a few float32 ulps (eps 6e-8) per layer.
        // 1e-5 relative is ~170 eps; the differences seen here were 4e-8.
        for (Row r : predicted.select("features", "prediction").limit(20).collectAsList()) {
            assertEquals(r.getDouble(1), stage.predict((Vector) r.getAs(0)), 1e-5 * Math.abs(r.getDouble(1)));
        }
    }

    /**
     * The columns transform keeps come out as they went in, type and value: intervals of one unit
     * among them, which the row encoder under transform would widen (DAY to DAY TO SECOND).
     */
    @Test
    void transformKeepsEveryOtherColumnsTypeAndValue() {
        Dataset<Row> data = withGaps().na().drop();
        SparkpropRegressionModel model = new SparkpropRegressor().setLayers("3,4:tanh,1:identity").setEpochs(1)
                .setMissing("drop").fit(data).setHandleInvalid("keep");
        String[] kept = {"days", "years", "months", "dayToHour", "dayList", "day", "ntz", "price", "tags", "pair",
            "counts", "bytes", "letter"};
        Dataset<Row> extra = data.selectExpr("features", "label", "INTERVAL '3' DAY AS days",
                "INTERVAL '2' YEAR AS years", "INTERVAL '5' MONTH AS months", "INTERVAL '1 2' DAY TO HOUR AS dayToHour",
                "array(INTERVAL '4' DAY) AS dayList",
                "DATE'2024-01-02' AS day", "TIMESTAMP_NTZ'2024-01-02 03:04:05' AS ntz",
                "CAST(1.25 AS DECIMAL(10,2)) AS price", "array('a', 'b') AS tags", "named_struct('k', 1) AS pair",
                "map('a', 1) AS counts", "CAST('ab' AS BINARY) AS bytes", "CAST('x' AS CHAR(1)) AS letter");
        Dataset<Row> out = model.transform(extra);
        for (String c : kept) {
            assertEquals(extra.schema().apply(c), out.schema().apply(c), c);
        }
        assertEquals(extra.select(kept[0], Arrays.copyOfRange(kept, 1, kept.length)).collectAsList(),
                out.select(kept[0], Arrays.copyOfRange(kept, 1, kept.length)).collectAsList());
    }

    /** Diabetes' first three columns as a vector: every 10th row's first entry NaN, every 15th row no vector. */
    private static Dataset<Row> withGaps() {
        List<Row> rows = new java.util.ArrayList<>();
        List<Row> raw = diabetes().select("x1", "x2", "x3", "target").collectAsList();
        for (int i = 0; i < raw.size(); i++) {
            Row r = raw.get(i);
            double[] x = new double[3];
            for (int c = 0; c < 3; c++) {
                x[c] = ((Number) r.get(c)).doubleValue();
            }
            x[0] = i % 10 == 0 ? Double.NaN : x[0];
            rows.add(RowFactory.create(i % 15 == 0 ? null : Vectors.dense(x), ((Number) r.get(3)).doubleValue()));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
                .add("label", DataTypes.DoubleType);
        return SparkTestSession.spark().createDataFrame(rows, schema).repartition(2);
    }

    @Test
    void missingVectorEntriesFailImputeOrDropAsTheMissingParamSays(@TempDir Path dir) throws Exception {
        Dataset<Row> data = withGaps();
        long nulls = data.where("features is null").count();
        long nans = data.count() / 10 + 1 - (data.count() / 30 + 1);
        SparkpropRegressor regressor = new SparkpropRegressor().setLayers("3,8:tanh,1:identity").setEpochs(5)
                .setLearningRate(0.02);

        long failedBefore = SparkTestSession.failedTasks();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> regressor.fit(data));
        assertEquals("in the training data, feature column 'features' has missing values in " + nulls + " rows;"
                + " feature column 'features' has NaN or infinite values in " + nans + " rows (e.g. NaN). Drop or fill"
                + " such rows, or train with missing = \"drop\" or \"impute\".", e.getMessage());
        assertEquals(failedBefore, SparkTestSession.failedTasks(), "no Spark task failed");

        SparkpropRegressionModel dropping = regressor.copy(ParamMap.empty()).setMissing("drop").fit(data);
        assertEquals(Map.of("features", nulls + nans), dropping.network().saved().metadata().droppedRows());
        // Without fill values, rows with gaps cannot be scored: transform does as handleInvalid says
        Exception failed = assertThrows(Exception.class, () -> dropping.transform(data).count());
        String message = causes(failed);
        assertTrue(message.contains("in the data transform scores (the first block of ")
                && message.contains(" rows with such values), feature column 'features' has ")
                && message.contains(" values in ") && message.contains("Fit with missing = \"impute\" to fill such"
                + " values. Or set handleInvalid = \"skip\" to leave rows that cannot be scored out, or \"keep\" to"
                + " give them null outputs."), message);
        assertEquals(nulls + nans, dropping.copy(ParamMap.empty()).setHandleInvalid("keep").transform(data)
                .where("prediction is null").count(), "keep: null predictions");
        Dataset<Row> skipped = dropping.copy(ParamMap.empty()).setHandleInvalid("skip").transform(data);
        assertEquals(data.count() - nulls - nans, skipped.count(), "skip: the rows left out");
        assertTrue(new RegressionEvaluator().evaluate(skipped) > 0, "an evaluator reads what skip leaves");
        // Blocks of one row: a block that skip leaves empty does not end the partition's rows
        assertEquals(data.count() - nulls - nans, regressor.copy(ParamMap.empty()).setMissing("drop").setBlockRows(1)
                .setHandleInvalid("skip").fit(data).transform(data).count(), "skip with one-row blocks");
        assertEquals("skip", regressor.copy(ParamMap.empty()).setMissing("drop").setHandleInvalid("skip").fit(data)
                .getHandleInvalid(), "the estimator's handleInvalid is the model's");
        assertEquals("handleInvalid must be \"error\", \"skip\" or \"keep\", got 'drop'",
                assertThrows(IllegalArgumentException.class, () -> regressor.setHandleInvalid("drop")).getMessage());

        SparkpropRegressionModel imputing = regressor.copy(ParamMap.empty()).setMissing("impute").fit(data);
        double[] fill = imputing.network().preprocessing().featureFill();
        Dataset<Row> predicted = imputing.transform(data);
        assertEquals(0, predicted.where("prediction is null").count(), "every row is filled");
        assertEquals(imputing.predict(Vectors.dense(fill[0], 0.01, 0.02)),
                imputing.predict(Vectors.dense(Double.NaN, 0.01, 0.02)), "predict fills a NaN entry with its mean");
        String path = dir.resolve("imputing").toString();
        imputing.write().save(path);
        assertEquals(predicted.select("prediction").collectAsList(),
                SparkpropRegressionModel.load(path).transform(data).select("prediction").collectAsList());
    }

    @Test
    void theNetworkMustEndInOneOutputWithARegressionLoss() {
        Dataset<Row> data = new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("features")
                .transform(diabetes()).withColumnRenamed("target", "label");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SparkpropRegressor().setLayers("2,3:identity").fit(data));
        assertTrue(e.getMessage().contains("end it with 1:identity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SparkpropRegressor().setLayers("2,2:softmax").setLoss("cross_entropy").fit(data));
        assertTrue(e.getMessage().contains("use SparkpropClassifier"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SparkpropRegressor().setLayers("2,1:identity")
                .fit(data.withColumn("label", functions.col("label").cast("string"))));
        assertEquals("label column 'label' holds strings; regression targets are numbers", e.getMessage());
        assertEquals(List.of("features", "label", "prediction"), Arrays.asList(new SparkpropRegressor()
                .setLayers("2,1:identity").setEpochs(1).fit(data.select("features", "label")).transform(data
                        .select("features", "label")).columns()));
    }

    @Test
    void aDivergedFitNamesParamsAndResumesWithResumeFrom(@TempDir Path dir) {
        Dataset<Row> data = SparkTestSession.featureVectors("diabetes.csv", "target");
        String checkpoints = dir.resolve("checkpoints").toString();
        RuntimeException e = assertThrows(RuntimeException.class, () -> new SparkpropRegressor()
                .setLayers("10,8:relu,1:identity").setStandardize(false).setOptimizer("sgd").setLearningRate(5)
                .setEpochs(20).setCheckpointPath(checkpoints).fit(data));
        String message = e.getMessage();
        assertTrue(message.contains("(learningRate = 5.0)") && message.contains("(standardize)")
                && message.contains("set clipNorm") && message.contains("onNonFinite = \"skip\""), message);
        assertTrue(message.matches("(?s).*The newest checkpoint, " + java.util.regex.Pattern.quote(checkpoints)
                + "/\\S+, is from before it: set resumeFrom to it and a lower learningRate to continue from there"),
                message);
        assertTrue(!message.contains("optimizer.") && !message.contains("sparkprop train"), message);
    }

    @Test
    void loadingAModelAsTheOtherKindOrSavingOverAPathSaysWhatToDo(@TempDir Path dir) throws Exception {
        Dataset<Row> data = new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("features")
                .transform(diabetes()).withColumnRenamed("target", "label").select("features", "label");
        String regression = dir.resolve("regression").toString();
        new SparkpropRegressor().setLayers("2,1:identity").setEpochs(1).fit(data).write().save(regression);
        String classifier = dir.resolve("classifier").toString();
        new SparkpropClassifier().setLayers("4,3:softmax").setEpochs(1).fit(SparkpropClassifierTest.irisFeatures())
                .write().save(classifier);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkpropRegressionModel.load(classifier));
        assertEquals("this sparkprop model is a classifier (classes [0, 1, 2]); load it with"
                + " SparkpropClassificationModel.load", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkpropClassificationModel.load(regression));
        assertTrue(e.getMessage().startsWith("this sparkprop model is a regression model (network.loss mse")
                && e.getMessage().endsWith("; load it with SparkpropRegressionModel.load"), e.getMessage());

        SparkpropRegressionModel model = SparkpropRegressionModel.load(regression);
        e = assertThrows(IllegalArgumentException.class, () -> model.write().save(regression));
        assertEquals(regression + " already exists; to replace it, save with write().overwrite().save(path)",
                e.getMessage());
        model.write().overwrite().save(regression);
        String estimator = dir.resolve("estimator").toString();
        new SparkpropRegressor().write().save(estimator);
        e = assertThrows(IllegalArgumentException.class, () -> new SparkpropRegressor().write().save(estimator));
        assertEquals(estimator + " already exists; to replace it, save with write().overwrite().save(path)",
                e.getMessage());
        // An estimator's load of a model, or of the other estimator, names the class that loads it
        e = assertThrows(IllegalArgumentException.class, () -> SparkpropRegressor.load(regression));
        assertEquals(regression + " holds a saved SparkpropRegressionModel, not a SparkpropRegressor; load it with"
                + " SparkpropRegressionModel.load", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkpropClassifier.load(estimator));
        assertEquals(estimator + " holds a saved SparkpropRegressor, not a SparkpropClassifier; load it with"
                + " SparkpropRegressor.load", e.getMessage());
        assertTrue(SparkpropRegressor.load(estimator).getEpochs() > 0, "an estimator still loads");
        // And a model's load of an estimator
        e = assertThrows(IllegalArgumentException.class, () -> SparkpropRegressionModel.load(estimator));
        assertEquals(estimator + " holds a saved SparkpropRegressor, not a SparkpropRegressionModel; load it with"
                + " SparkpropRegressor.load", e.getMessage());
        // A missing path, a file and a model sparkprop train wrote (no Spark metadata): what each is
        String missing = dir.resolve("missing").toString();
        e = assertThrows(IllegalArgumentException.class, () -> SparkpropRegressor.load(missing));
        assertEquals(missing + " does not exist; give the directory a SparkpropRegressor's save wrote", e.getMessage());
        String file = java.nio.file.Files.writeString(dir.resolve("data.csv"), "x\n").toString();
        e = assertThrows(IllegalArgumentException.class, () -> SparkpropRegressor.load(file));
        assertEquals(file + " is a file, not a saved SparkpropRegressor", e.getMessage());
        java.nio.file.Files.walk(dir.resolve("regression").resolve("metadata")).sorted(java.util.Comparator.reverseOrder())
                .forEach(p -> p.toFile().delete());
        e = assertThrows(IllegalArgumentException.class, () -> SparkpropRegressor.load(regression));
        assertEquals(regression + " holds a sparkprop model, not a saved SparkpropRegressor; load it with"
                + " SparkpropClassificationModel.load or SparkpropRegressionModel.load", e.getMessage());
    }
}
