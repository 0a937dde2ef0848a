package dev.sparkprop.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.job.TrainJob;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkpropClassifierTest {

    /** Iris with string classes ("species-0", ...), so a StringIndexer has work to do. */
    static Dataset<Row> iris() {
        return SparkTestSession.spark().read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset("iris.csv"))
                .withColumn("species", functions.concat(functions.lit("species-"), functions.col("label")))
                .drop("label");
    }

    /** Iris as Spark ML wants it: a "features" vector and a double "label" 0..2. */
    static Dataset<Row> irisFeatures() {
        return SparkTestSession.featureVectors("iris.csv", "label");
    }

    static Pipeline pipeline(SparkpropClassifier classifier) {
        return new Pipeline().setStages(new PipelineStage[] {
                new StringIndexer().setInputCol("species").setOutputCol("label"),
                new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"}).setOutputCol("raw"),
                new StandardScaler().setInputCol("raw").setOutputCol("features"),
                classifier});
    }

    private static double accuracy(Dataset<Row> predictions) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
    }

    @Test
    void pipelineFitTransformSaveLoadGivesIdenticalPredictions(@TempDir Path dir) throws Exception {
        SparkpropClassifier classifier = new SparkpropClassifier().setLayers("4,8:tanh,3:softmax")
                .setLearningRate(0.05).setEpochs(30).setBatchRows(32).setSeed(7);
        Dataset<Row> data = iris();
        PipelineModel model = pipeline(classifier).fit(data);
        List<Row> before = model.transform(data).select("rawPrediction", "probability", "prediction")
                .collectAsList();
        String path = dir.resolve("pipeline").toString();
        model.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        List<Row> after = loaded.transform(data).select("rawPrediction", "probability", "prediction").collectAsList();
        assertEquals(before, after);
        assertTrue(accuracy(model.transform(data)) > 0.9, "accuracy " + accuracy(model.transform(data)));
        SparkpropClassificationModel stage = (SparkpropClassificationModel) loaded.stages()[3];
        assertEquals(30, stage.summary().totalEpochs());
        assertEquals(((SparkpropClassificationModel) model.stages()[3]).uid(), stage.uid());
    }

    @Test
    void classesIndexedByStringIndexerKeepTheirNamesThroughSaveLoadAndIndexToString(@TempDir Path dir)
            throws Exception {
        Dataset<Row> data = iris();
        PipelineModel model = pipeline(new SparkpropClassifier().setLayers("4,8:tanh,3:softmax").setLearningRate(0.05)
                .setEpochs(10).setSeed(7)).fit(data);
        List<String> indexed = Arrays.asList(((StringIndexerModel) model.stages()[0]).labelsArray()[0]);
        SparkpropClassificationModel fitted = (SparkpropClassificationModel) model.stages()[3];
        assertEquals(indexed, fitted.classes());
        String path = dir.resolve("model").toString();
        fitted.write().save(path);
        SparkpropClassificationModel loaded = SparkpropClassificationModel.load(path);
        assertEquals(indexed, loaded.classes());
        assertEquals(indexed, loaded.copy(org.apache.spark.ml.param.ParamMap.empty()).classes());
        // The model directory keeps the class indices the labels were, which sparkprop evaluate reads
        assertTrue(Files.readString(Path.of(path, "metadata.json")).replaceAll("\\s", "")
                .contains("\"classes\":[\"0\",\"1\",\"2\"]"));
        Dataset<Row> named = new IndexToString().setInputCol("prediction").setOutputCol("name")
                .transform(loaded.transform(model.transform(data).drop("rawPrediction", "probability", "prediction")));
        assertEquals(data.count(), named.where(functions.col("name").equalTo(functions.col("species"))
                .or(functions.col("name").startsWith("species-"))).count());
        assertTrue(named.where(functions.col("name").equalTo(functions.col("species"))).count() > 100);
    }

    @Test
    void transformMatchesSingleRowPredictionsAndSparksOwnColumnSemantics() {
        Dataset<Row> data = irisFeatures();
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("4,6:relu,3:softmax")
                .setLearningRate(0.05).setEpochs(20).setPrecision("float64").fit(data);
        List<Row> rows = model.transform(data).select("features", "rawPrediction", "probability", "prediction")
                .collectAsList();
        for (Row r : rows) {
            Vector features = r.getAs(0);
            Vector raw = r.getAs(1);
            Vector probability = r.getAs(2);
            // float64: one row (dgemv) and a block (dgemm) may round differently, by ulps of
            // logits of order 10, i.e. ~1e-15; 1e-12 leaves a thousandfold margin.
            assertArrayEquals(model.predictRaw(features).toArray(), raw.toArray(), 1e-12);
            assertArrayEquals(model.raw2probability(raw).toArray(), probability.toArray(), 1e-12);
            assertEquals(model.predict(features), r.getDouble(3));
            assertEquals(probability.argmax(), (int) r.getDouble(3));
            assertEquals(1.0, Arrays.stream(probability.toArray()).sum(), 1e-12);
        }
        // The prediction column carries the classes, as Spark's classifiers do, for IndexToString
        Attribute attribute = Attribute.fromStructField(model.transform(data).schema().apply("prediction"));
        assertEquals(3, ((NominalAttribute) attribute).getNumValues().get());
        Dataset<Row> named = new IndexToString().setInputCol("prediction").setOutputCol("name")
                .transform(model.transform(data));
        assertTrue(named.where("name = '2'").count() > 0);
        // An empty column name leaves the column out; thresholds steer predictions as in Spark
        Dataset<Row> onlyPrediction = model.copy(org.apache.spark.ml.param.ParamMap.empty())
                .setRawPredictionCol("").setProbabilityCol("").transform(data);
        assertEquals(List.of("features", "label", "prediction"), Arrays.asList(onlyPrediction.columns()));
        Dataset<Row> biased = model.copy(org.apache.spark.ml.param.ParamMap.empty())
                .setThresholds(new double[] {1e-9, 1, 1}).transform(data);
        assertEquals(data.count(), biased.where("prediction = 0").count());
    }

    @Test
    void aSingleRowWithANonFiniteFeatureIsPredictedAsNaNAsTransformGivesNull() {
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("4,6:relu,3:softmax").setEpochs(1)
                .fit(irisFeatures());
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            Vector features = Vectors.dense(5.1, bad, 1.4, 0.2);
            assertTrue(Double.isNaN(model.predict(features)), "predict of " + features);
            assertTrue(Arrays.stream(model.predictProbability(features).toArray()).allMatch(Double::isNaN));
            assertTrue(Arrays.stream(model.predictRaw(features).toArray()).allMatch(Double::isNaN));
        }
        assertEquals(model.predict(Vectors.dense(5.1, 3.5, 1.4, 0.2)),
                model.transform(irisFeatures().limit(1)).first().getAs("prediction"), "a finite row as before");
        // Thresholds of another length than the classes (the estimator's setter cannot check them):
        // transform's message, not an index out of bounds
        SparkpropClassificationModel thresholded = new SparkpropClassifier().setLayers("4,6:relu,3:softmax")
                .setEpochs(1).setThresholds(new double[] {0.5}).fit(irisFeatures());
        assertEquals("thresholds has 1 values but the model has 3 classes; give one per class",
                assertThrows(IllegalArgumentException.class,
                        () -> thresholded.predict(Vectors.dense(5.1, 3.5, 1.4, 0.2))).getMessage());
    }

    @Test
    void twoSoftmaxClassesRankRowsInRawPredictionAsInProbabilityForBinaryEvaluation() {
        // BinaryClassificationEvaluator scores a row by rawPrediction[1]: as log p_1 it ranks rows as p_1 does
        // (z_1 alone would not: p_1 depends on z_1 - z_0)
        Dataset<Row> data = SparkTestSession.featureVectors("breast_cancer.csv", "label");
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("30,2:softmax").setEpochs(2)
                .setBatchRows(64).setSeed(3).fit(data);
        Dataset<Row> predicted = model.transform(data).cache();
        double byRaw = new BinaryClassificationEvaluator().evaluate(predicted);
        double byProbability = new BinaryClassificationEvaluator().setRawPredictionCol("probability")
                .evaluate(predicted);
        // Equal but for ties: p_1 is float32, rawPrediction double from z_L
        assertEquals(byProbability, byRaw, 1e-3, "area under ROC by rawPrediction and by probability");
        for (Row r : predicted.select("rawPrediction", "probability").limit(5).collectAsList()) {
            double[] logP = ((Vector) r.get(0)).toArray();
            double[] p = ((Vector) r.get(1)).toArray();
            for (int c = 0; c < 2; c++) {
                // float32 probabilities: a relative 1e-6
                assertEquals(p[c], Math.exp(logP[c]), 1e-6 * Math.max(p[c], 1e-30) + 1e-12, "exp(rawPrediction)");
            }
        }
        predicted.unpersist();
    }

    @Test
    void labelsMustBeClassIndicesAndTheOutputLayerMustFitThem() {
        Dataset<Row> data = irisFeatures();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier()
                .setLayers("4,6:relu,4:softmax").fit(data));
        assertTrue(e.getMessage().contains("3 classes") && e.getMessage().contains("give it 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier().setLayers("4,6:relu,3:softmax")
                .fit(data.withColumn("label", functions.col("label").plus(0.5))));
        assertTrue(e.getMessage().contains("class indices 0, 1, ..., k-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier().setLayers("4,6:relu,3:identity")
                .setLoss("mse").fit(data));
        assertTrue(e.getMessage().contains("use SparkpropRegressor"), e.getMessage());
        // A huge index is refused before a class per index is made (it once ran the driver out of memory)
        e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier().setLayers("auto,3:softmax")
                .fit(data.withColumn("label", functions.when(functions.col("label").equalTo(2), 1e9)
                        .otherwise(functions.col("label")))));
        assertTrue(e.getMessage().startsWith("label column 'label' holds 1000000000, which would make 1000000001"
                + " classes"), e.getMessage());
        // Up to the limit the classes are the indices, not values found in the rows: no talk of 51 numbers
        e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier().setLayers("auto,3:softmax")
                .fit(data.withColumn("label", functions.when(functions.col("label").equalTo(2), 50)
                        .otherwise(functions.col("label")))));
        assertTrue(e.getMessage().contains("has 51 classes") && e.getMessage().contains("give it 51")
                && !e.getMessage().contains("numbers"), e.getMessage());
        // A label past the output layer among labels that fit it is named, as the CLI names it
        assertTrue(e.getMessage().endsWith("give it 51; or, if the labels are class indices 0 to 2, correct the label"
                + " 50, which is out of range"), e.getMessage());
        // Many whole numbers in the rows read as a quantity: the regressor is suggested, as the CLI suggests a regression
        e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier().setLayers("auto,3:softmax")
                .fit(data.withColumn("label", functions.monotonically_increasing_id().mod(40).cast("double"))));
        assertTrue(e.getMessage().contains("has 40 classes") && e.getMessage().contains("its values are numbers, 40 of"
                + " them: if it is a quantity to predict, train a regression with SparkpropRegressor; if it holds"
                + " classes, give it 40"), e.getMessage());
    }

    @Test
    void aMissingLabelFeaturesOrWeightColumnGetsTheClisMessageNamingTheParam() {
        Dataset<Row> data = irisFeatures();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier()
                .setLayers("4,3:softmax").setLabelCol("species").fit(data));
        assertEquals("label column 'species' is not in the data; its columns are ['features', 'label']; set labelCol to"
                + " the column of labels", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier()
                .setLayers("4,3:softmax").setFeaturesCol("x").fit(data));
        assertEquals("features column 'x' is not in the data; its columns are ['features', 'label']; set featuresCol to"
                + " the column of feature vectors", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier()
                .setLayers("4,3:softmax").setWeightCol("w").fit(data));
        assertEquals("weight column 'w' is not in the data; its columns are ['features', 'label']; set weightCol to"
                + " the column of non-negative row weights", e.getMessage());
    }

    @Test
    void aModelOfNamedColumnsNamesEveryOneTheDataLacksInOneMessage(@TempDir Path dir) {
        String cliModel = dir.resolve("cli").toString();
        String iris = SparkTestSession.dataset("iris.csv");
        new TrainJob(JobConfigLoader.load(null, List.of("data.path=" + iris, "network.layers=4,3:softmax",
                "network.loss=cross_entropy", "training.epochs=1", "output.model_path=" + cliModel)),
                SparkTestSession.spark(), new PrintStream(new ByteArrayOutputStream())).run();
        SparkpropClassificationModel model = SparkpropClassificationModel.load(cliModel);
        Dataset<Row> data = SparkTestSession.spark().read().option("header", true).option("inferSchema", true)
                .csv(iris).drop("x2", "x4");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.transform(data));
        assertEquals("feature columns 'x2', 'x4' are not in the data; its columns are ['x1', 'x3', 'label']",
                e.getMessage());
    }

    @Test
    void labelAndFeaturesColumnsOfTheWrongTypeSayWhatTheColumnsMustHoldRatherThanSpark() {
        Dataset<Row> data = irisFeatures();
        SparkpropClassifier classifier = new SparkpropClassifier().setLayers("4,3:softmax");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier.fit(
                data.withColumn("label", functions.concat(functions.lit("w"), functions.col("label")))));
        assertEquals("label column 'label' holds strings; SparkpropClassifier takes class indices 0, 1, ..., k-1"
                + " (index string labels with StringIndexer)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> classifier.fit(
                data.withColumn("label", functions.col("label").equalTo(1))));
        assertTrue(e.getMessage().startsWith("label column 'label' holds booleans; "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> classifier.fit(data.withColumn("features",
                functions.lit(1.0))));
        assertEquals("features column 'features' holds double, not vectors; assemble the feature columns with"
                + " VectorAssembler", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> classifier.fit(data.withColumn("features",
                functions.array(functions.lit(1.0), functions.lit(2.0)))));
        assertTrue(e.getMessage().startsWith("features column 'features' holds array<double>, not vectors"),
                e.getMessage());
    }

    @Test
    void anAutoInputWidthIsTheFeatureVectorsSize() {
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("auto,6:relu,3:softmax").setEpochs(2)
                .fit(irisFeatures());
        assertEquals("4,6:relu,3:softmax", model.trainingSetting("network.layers"));
        assertEquals(4, model.numFeatures());
    }

    @Test
    void aFoldWithoutSomeClassStillTrainsAllOutputs() {
        // Label metadata says 3 classes; the rows hold only 0 and 1 (a CrossValidator fold can look like this)
        Dataset<Row> data = irisFeatures();
        Dataset<Row> indexed = data.withColumn("label", functions.col("label").as("label",
                NominalAttribute.defaultAttr().withNumValues(3).toMetadata())).where("label < 2");
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("4,6:relu,3:softmax")
                .setClassWeights("balanced").setEpochs(5).fit(indexed);
        assertEquals(3, model.numClasses());
        assertEquals(List.of("0", "1", "2"), model.classes());
    }

    @Test
    void weightsValidationRowsAndSummaryComeThroughTheParams() {
        Dataset<Row> data = irisFeatures().withColumn("w", functions.lit(2.0))
                .withColumn("isVal", functions.rand(3).lt(0.3));
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("4,6:relu,3:softmax")
                .setWeightCol("w").setValidationIndicatorCol("isVal").setLearningRate(0.05).setEpochs(6)
                .setEarlyStoppingPatience(100).fit(data);
        TrainingSummary summary = model.summary();
        assertEquals(6, summary.totalEpochs());
        assertTrue(summary.metricNames().containsAll(List.of("train_loss", "validation_loss", "validation_accuracy")),
                summary.metricNames().toString());
        assertEquals(6, summary.toDataFrame(SparkTestSession.spark()).count());
        assertTrue(summary.objectiveHistory()[5] < summary.objectiveHistory()[0]);
        assertEquals("w", model.trainingSetting("data.weight"));
    }

    @Test
    void transformKeepsTwoColumnsOfOneNameAsAJoinLeavesThem() {
        Dataset<Row> iris = irisFeatures().withColumn("id", functions.monotonically_increasing_id());
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("4,3:softmax").setEpochs(1).fit(iris);
        // The other side's id differs from this one's by 1000, so each column can be told apart
        Dataset<Row> tags = iris.select(functions.col("id").as("key"), functions.col("id").plus(1000).as("id"));
        Dataset<Row> joined = iris.join(tags, iris.col("id").equalTo(tags.col("key"))).drop("key");
        Dataset<Row> predicted = model.transform(joined);
        List<String> columns = Arrays.asList(predicted.columns());
        assertEquals(List.of("features", "label", "id", "id", "rawPrediction", "probability", "prediction"), columns);
        List<Row> rows = predicted.collectAsList();
        assertEquals(150, rows.size());
        rows.forEach(r -> assertEquals(r.getLong(2) + 1000, r.getLong(3), "each id in its own column"));
        // Two feature columns: which one the model should read is ambiguous, and said so
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.transform(
                iris.join(iris.select("id", "features"), "id")));
        assertTrue(e.getMessage().startsWith("the data has 2 columns named 'features'"), e.getMessage());
    }

    @Test
    void aClassCountFromStringIndexersKeepSaysWhereTheExtraClassComesFrom() {
        Dataset<Row> named = irisFeatures().withColumn("species", functions.col("label").cast("string"));
        Dataset<Row> indexed = new org.apache.spark.ml.feature.StringIndexer().setInputCol("species").setOutputCol("idx")
                .setHandleInvalid("keep").fit(named).transform(named);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier()
                .setLayers("4,3:softmax").setEpochs(1).setLabelCol("idx").fit(indexed));
        assertTrue(e.getMessage().startsWith("label column 'idx' has 4 classes"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(the label column's metadata gives its 4 classes, ['0.0', '1.0', '2.0',"
                + " '__unknown']; StringIndexer's handleInvalid = \"keep\" adds '__unknown' as a class: index with"
                + " handleInvalid = \"error\" or \"skip\" for 3 classes)"), e.getMessage());
    }

    @Test
    void errorsNameTheParamsTheUserSetRatherThanTheJobKeys() {
        SparkpropClassifier classifier = new SparkpropClassifier().setLayers("4,3:softmax").setEpochs(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier.copy(
                org.apache.spark.ml.param.ParamMap.empty()).setEarlyStoppingPatience(2)
                .setEarlyStoppingMetric("validation_accuracy").fit(irisFeatures()));
        assertTrue(e.getMessage().contains("earlyStoppingMetric: validation_accuracy needs validation data; set"
                + " validationIndicatorCol or validationFraction, or watch train_loss"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> classifier.copy(org.apache.spark.ml.param.ParamMap
                .empty()).setClassWeights("balanced").setWeightCol("w").fit(irisFeatures().withColumn("w",
                functions.lit(1.0))));
        assertTrue(e.getMessage().contains("classWeights: cannot be combined with weightCol"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> classifier.copy(org.apache.spark.ml.param.ParamMap
                .empty()).setValidationFraction(0.999).fit(irisFeatures()));
        assertTrue(e.getMessage().startsWith("validationFraction = 0.999 "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" with validationIndicatorCol"), e.getMessage());
        // Quoted text is the user's (a column or path named like a key); a possessive is not a quote
        assertEquals("column 'data.weight' is weightCol; the checkpoint's learningRate, the 'x' of labelCol",
                EstimatorTraining.paramNames(classifier, "column 'data.weight' is data.weight; the checkpoint's"
                        + " optimizer.learning_rate, the 'x' of data.label"));
    }

    @Test
    void aValidationIndicatorTrueInEveryRowOrInNoneSaysSo() {
        SparkpropClassifier classifier = new SparkpropClassifier().setLayers("4,6:relu,3:softmax").setEpochs(1)
                .setValidationIndicatorCol("isVal");
        IllegalArgumentException all = assertThrows(IllegalArgumentException.class,
                () -> classifier.fit(irisFeatures().withColumn("isVal", functions.lit(true))));
        assertEquals("validationIndicatorCol 'isVal' is true in every row, which leaves none to train on; set it"
                + " true only in the rows to validate on", all.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> classifier.fit(irisFeatures().withColumn("isVal", functions.lit(false))));
        assertEquals("validationIndicatorCol 'isVal' is false in every row, so there is nothing to validate on; set"
                + " it true in the rows to validate on, or leave the param unset", none.getMessage());
        // Null where the label is not 0: neither side would have those rows
        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
                () -> classifier.fit(irisFeatures().withColumn("isVal",
                        functions.when(functions.col("label").equalTo(0), functions.lit(true)))));
        assertEquals("validationIndicatorCol 'isVal' is null in 100 of 150 rows; set it in every row: true to validate"
                + " on the row, false to train on it", unset.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> classifier.copy(
                org.apache.spark.ml.param.ParamMap.empty()).setValidationFraction(0.2).fit(irisFeatures()
                .withColumn("isVal", functions.rand(3).lt(0.3))));
        assertEquals("validationIndicatorCol and validationFraction (0.2) both choose the validation rows; set only one",
                both.getMessage());
    }

    @Test
    void dottedColumnsGivenInBackticksAsSparkMlWantsThemFitTransformAndSave(@TempDir Path dir) throws Exception {
        Dataset<Row> data = irisFeatures().withColumn("w.t", functions.lit(1.0))
                .withColumn("is.val", functions.rand(3).lt(0.2))
                .withColumnRenamed("features", "f.vec").withColumnRenamed("label", "y.class");
        SparkpropClassifier classifier = new SparkpropClassifier().setLayers("4,8:tanh,3:softmax")
                .setLearningRate(0.05).setEpochs(30).setBatchRows(32).setWeightCol("`w.t`")
                .setValidationIndicatorCol("`is.val`");
        // Spark ML reads input column params as attribute references (a dot selects a struct field),
        // output column params as names.
        classifier.setFeaturesCol("`f.vec`").setLabelCol("`y.class`").setPredictionCol("p.class")
                .setProbabilityCol("p.prob").setRawPredictionCol("p.raw");
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {classifier}).fit(data);
        SparkpropClassificationModel fitted = (SparkpropClassificationModel) model.stages()[0];
        assertTrue(fitted.summary().metricNames().contains("validation_accuracy"), "the dotted indicator split the rows");
        assertEquals("w.t", fitted.trainingSetting("data.weight"));
        Dataset<Row> out = model.transform(data);
        double accuracy = new MulticlassClassificationEvaluator().setLabelCol("`y.class`")
                .setPredictionCol("`p.class`").setMetricName("accuracy").evaluate(out);
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
        String path = dir.resolve("dotted").toString();
        model.write().save(path);
        List<Row> before = out.select(Columns.col("p.prob")).collectAsList();
        assertEquals(before, PipelineModel.load(path).transform(data).select(Columns.col("p.prob")).collectAsList());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> classifier.copy(org.apache.spark.ml.param.ParamMap.empty()).setWeightCol("w.t").fit(data));
        assertTrue(e.getMessage().contains("weightCol 'w.t' names field 't' of a struct column 'w'")
                && e.getMessage().contains("`w.t`"), e.getMessage());
    }

    @Test
    void lbfgsFitsThroughTheSameParamsAndRejectsMiniBatchesWithTheConfigsMessage() {
        // Multinomial logistic regression on iris, full batch, as MLlib's MLP would fit it: L-BFGS
        // converges well before the 200 epochs (one iteration each) it is allowed.
        SparkpropClassifier classifier = new SparkpropClassifier().setLayers("4,3:softmax")
                .setOptimizer("lbfgs(history=10,tolerance=1e-9)").setL2(0.001).setEpochs(200);
        SparkpropClassificationModel model = classifier.fit(irisFeatures());
        assertTrue(model.summary().totalEpochs() < 200, "converged after " + model.summary().totalEpochs());
        assertTrue(accuracy(model.transform(irisFeatures())) >= 0.95);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> classifier.copy(org.apache.spark.ml.param.ParamMap.empty()).setBatchRows(32).fit(irisFeatures()));
        assertTrue(e.getMessage().contains("batchRows: must be 0 with optimizer = lbfgs"),
                e.getMessage());
    }

    @Test
    void dropoutTrainsThroughTheLayersParamAndTheSavedModelPredictsWithoutIt(@TempDir Path dir) throws Exception {
        Dataset<Row> data = irisFeatures();
        String layers = "4,16:tanh(dropout=0.3),3:softmax";
        SparkpropClassifier classifier = new SparkpropClassifier().setLayers(layers).setLearningRate(0.05)
                .setEpochs(20).setBatchRows(32).setPrecision("float64").setStandardize(false).setSeed(3);
        SparkpropClassificationModel model = classifier.fit(data);
        assertArrayEquals(model.weights(), classifier.fit(data).weights(), "the same fit twice");
        assertTrue(!Arrays.equals(model.weights(), classifier.copy(org.apache.spark.ml.param.ParamMap.empty())
                .setLayers("4,16:tanh,3:softmax").fit(data).weights()), "dropout must change the training");
        String path = dir.resolve("model").toString();
        model.write().save(path);
        SparkpropClassificationModel loaded = SparkpropClassificationModel.load(path);
        assertEquals(layers, loaded.trainingSetting("network.layers"));
        assertEquals(model.transform(data).select("probability").collectAsList(),
                loaded.transform(data).select("probability").collectAsList());
        // Prediction keeps every unit: the probabilities of the same weights in the network without dropout.
        dev.sparkprop.nn.Backprop plain = new dev.sparkprop.nn.Backprop(
                dev.sparkprop.nn.NetworkSpec.parse("4,16:tanh,3:softmax", "cross_entropy"), 1);
        for (Row r : loaded.transform(data).select("features", "probability").collectAsList()) {
            double[] x = ((Vector) r.getAs(0)).toArray();
            double[] expected = plain.predict(loaded.weights(), new dev.sparkprop.nn.Block(4, 3, x, new double[3],
                    new double[] {1}, 1));
            // float64: one row (dgemv) against a block (dgemm) rounds by ulps, ~1e-16; 1e-12 leaves a wide margin.
            assertArrayEquals(Arrays.copyOf(expected, 3), ((Vector) r.getAs(1)).toArray(), 1e-12);
        }
        assertTrue(accuracy(loaded.transform(data)) > 0.9, "accuracy " + accuracy(loaded.transform(data)));
    }

    @Test
    void fitResumedFromACheckpointEndsInTheUninterruptedModel(@TempDir Path dir) throws Exception {
        Dataset<Row> data = irisFeatures();
        String checkpoints = dir.resolve("checkpoints").toString();
        SparkpropClassifier classifier = new SparkpropClassifier().setLayers("4,6:tanh,3:softmax").setEpochs(5)
                .setBatchRows(32).setLearningRate(0.05).setCheckpointPath(checkpoints).setCheckpointKeep(100)
                .setCheckpointEveryIterations(3);
        SparkpropClassificationModel full = classifier.fit(data);
        List<Path> all;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir.resolve("checkpoints"))) {
            all = s.sorted().toList();
        }
        assertTrue(all.size() > 5, all.toString());
        // Its checkpoints would interleave with those the first fit wrote past it: refused, up front
        SparkpropClassifier again = classifier.copy(org.apache.spark.ml.param.ParamMap.empty())
                .setResumeFrom(all.get(2).toString());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> again.fit(data));
        assertEquals("checkpointPath " + checkpoints + " holds " + (all.size() - 3) + " checkpoints past the one"
                + " resumed, at iteration " + all.get(2).getFileName().toString().replaceAll("checkpoint-0*", "")
                + " (the newest " + all.get(all.size() - 1).getFileName() + "); resume from the newest, give an empty"
                + " directory, or delete them (to tune, with CrossValidator or TrainValidationSplit, leave checkpointPath"
                + " unset: each fit would need its own)", mixed.getMessage());
        // Another activation, as many parameters: the checkpoint's weights are not its network's
        IllegalArgumentException relu = assertThrows(IllegalArgumentException.class, () -> again.copy(
                org.apache.spark.ml.param.ParamMap.empty()).setLayers("4,6:relu,3:softmax")
                .setCheckpointPath(dir.resolve("relu").toString()).fit(data));
        assertEquals("layers cannot change on resume; the checkpoint has 4,6:tanh,3:softmax", relu.getMessage());
        SparkpropClassificationModel resumed = again.setCheckpointPath(dir.resolve("resumed").toString()).fit(data);
        assertArrayEquals(full.weights(), resumed.weights());
        assertEquals(full.summary().epochs(), resumed.summary().epochs());
    }

    @Test
    void featureVectorsOfAnotherSizeAreRefusedByTransformWhenTheSchemaSaysTheirSize() {
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("4,3:softmax").setEpochs(1)
                .fit(irisFeatures());
        Dataset<Row> raw = SparkTestSession.spark().read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset("iris.csv"));
        Dataset<Row> three = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3"})
                .setOutputCol("features").transform(raw);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.transform(three));
        assertEquals("feature column 'features' must hold vectors of 4 values, but its schema metadata says its"
                + " vectors hold 3; assemble the features the model was trained on", e.getMessage());
    }

    @Test
    void fitCountsTheRowsWhoseFeatureVectorHasAnotherSizeWhenTheSchemaDoesNotSayIt() {
        Dataset<Row> raw = SparkTestSession.spark().read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset("iris.csv")).withColumn("label", functions.col("label").cast("double"));
        Dataset<Row> three = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3"})
                .setOutputCol("features").transform(raw).limit(1);
        Dataset<Row> mixed = irisFeatures().union(three.select("features", "label"))
                .select(functions.col("features").as("features", org.apache.spark.sql.types.Metadata.empty()),
                        functions.col("label"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier()
                .setLayers("4,3:softmax").setEpochs(1).fit(mixed));
        assertTrue(e.getMessage().contains("feature column 'features' must hold vectors of 4 values, but 1 row holds"
                + " other values (e.g. [5.1,3.5,1.4])"), e.getMessage());
    }
}
