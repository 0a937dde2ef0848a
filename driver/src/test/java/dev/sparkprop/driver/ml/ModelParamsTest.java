package dev.sparkprop.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.job.TrainJob;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** A model holds the params its estimator was fitted with, as Spark's models do. */
class ModelParamsTest {

    private static List<String> names(Params stage) {
        return Arrays.stream(stage.params()).map(Param::name).toList();
    }

    /** A param map by param name (a model's params belong to its own uid, which is its estimator's). */
    private static Map<String, Object> byName(ParamMap map) {
        Map<String, Object> values = new TreeMap<>();
        for (ParamPair<?> pair : CollectionConverters.asJava(map.toSeq())) {
            values.put(pair.param().name(), pair.value());
        }
        return values;
    }

    private static Map<String, Boolean> whichAreSet(Params stage) {
        Map<String, Boolean> set = new TreeMap<>();
        for (Param<?> param : stage.params()) {
            set.put(param.name(), stage.isSet(param));
        }
        return set;
    }

    private static SparkpropClassifier classifier() {
        return new SparkpropClassifier().setLayers("4,8:tanh,3:softmax").setLearningRate(0.05).setEpochs(3)
                .setSeed(7).setClassWeights("balanced");
    }

    @Test
    void aFittedModelHoldsTheValuesItsEstimatorWasFittedWith() {
        SparkpropClassifier classifier = classifier();
        SparkpropClassificationModel model = classifier.fit(SparkpropClassifierTest.irisFeatures());
        assertSame(classifier, model.parent());
        assertEquals(names(classifier), names(model), "the model has its estimator's params");
        assertEquals("4,8:tanh,3:softmax", model.getLayers());
        assertEquals(0.05, model.getLearningRate());
        assertEquals(3, model.getEpochs());
        assertEquals(7L, model.getSeed());
        assertEquals("balanced", model.getClassWeights());
        assertTrue(model.isSet(model.learningRate()));
        assertFalse(model.isSet(model.optimizer()), "a default stays a default, as Spark's copyValues keeps it");
        assertEquals(classifier.getOptimizer(), model.getOptimizer());
        assertEquals(byName(classifier.extractParamMap()), byName(model.extractParamMap()));
        assertEquals(whichAreSet(classifier), whichAreSet(model));
        assertEquals(classifier.explainParam(classifier.learningRate()), model.explainParam(model.learningRate()));
        assertTrue(model.explainParams().contains("optimizer.learning_rate: The base learning rate."));
    }

    @Test
    void theFittedWithValuesAndWhichWereSetSurviveSaveAndLoad(@TempDir Path dir) throws Exception {
        SparkpropClassificationModel model = classifier().fit(SparkpropClassifierTest.irisFeatures());
        String path = dir.resolve("model").toString();
        model.write().save(path);
        SparkpropClassificationModel loaded = SparkpropClassificationModel.load(path);
        assertEquals(byName(model.extractParamMap()), byName(loaded.extractParamMap()));
        assertEquals(whichAreSet(model), whichAreSet(loaded));
        assertEquals(0.05, loaded.getLearningRate());
        assertEquals("balanced", loaded.getClassWeights());
        assertEquals(byName(loaded.extractParamMap()), byName(loaded.copy(ParamMap.empty()).extractParamMap()));
    }

    @Test
    void aRegressionModelHoldsItsEstimatorsValuesThroughSaveAndLoad(@TempDir Path dir) throws Exception {
        Dataset<Row> data = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"})
                .setOutputCol("features").transform(SparkpropClassifierTest.iris());
        SparkpropRegressor regressor = new SparkpropRegressor().setLabelCol("x1").setLayers("4,6:tanh,1:identity")
                .setLoss("huber").setEpochs(2).setWeightCol("x2");
        SparkpropRegressionModel model = regressor.fit(data);
        assertEquals(names(regressor), names(model));
        assertEquals(byName(regressor.extractParamMap()), byName(model.extractParamMap()));
        String path = dir.resolve("model").toString();
        model.write().save(path);
        SparkpropRegressionModel loaded = SparkpropRegressionModel.load(path);
        assertEquals(byName(regressor.extractParamMap()), byName(loaded.extractParamMap()));
        assertEquals(whichAreSet(regressor), whichAreSet(loaded));
        assertEquals("huber", loaded.getLoss());
        assertEquals("x2", loaded.getWeightCol());
        assertEquals("x1", loaded.getLabelCol());
    }

    @Test
    void aModelTheCliTrainedShowsTheSettingsItWasTrainedWithAsDefaults(@TempDir Path dir) {
        String cliModel = dir.resolve("cli").toString();
        new TrainJob(JobConfigLoader.load(null, List.of("data.path=" + SparkTestSession.dataset("iris.csv"),
                "network.layers=4,8:tanh,3:softmax", "network.loss=cross_entropy", "optimizer.kind=momentum",
                "optimizer.learning_rate=0.05", "training.epochs=2", "output.model_path=" + cliModel)),
                SparkTestSession.spark(), new PrintStream(new ByteArrayOutputStream())).run();
        SparkpropClassificationModel model = SparkpropClassificationModel.load(cliModel);
        assertEquals("4,8:tanh,3:softmax", model.getLayers());
        assertEquals("momentum", model.getOptimizer());
        assertEquals(0.05, model.getLearningRate());
        assertEquals(2, model.getEpochs());
        assertFalse(model.isSet(model.learningRate()), "no estimator set it");
        assertFalse(model.isDefined(model.weightCol()), "a data key, not a param: no estimator's column param");
        for (Param<?> param : model.params()) {
            if (model.trainingConfig().containsKey(param.name())) {
                Object trained = model.trainingSetting(param.name());
                Object shown = model.getOrDefault(param);
                assertEquals(trained instanceof Number n ? n.doubleValue() : trained,
                        shown instanceof Number n ? n.doubleValue() : shown, param.name());
            }
        }
    }

    @Test
    void trainingParamsSetOnAModelLeaveItsPredictionsAsTheSavedModelMakesThem() {
        SparkpropClassificationModel model = classifier().fit(SparkpropClassifierTest.irisFeatures());
        Dataset<Row> data = SparkpropClassifierTest.irisFeatures();
        List<Row> before = model.transform(data).collectAsList();
        model.set(model.layers(), "4,3:softmax");
        model.set(model.precision(), model.getPrecision().equals("float32") ? "float64" : "float32");
        model.set(model.blockRows(), 1);
        model.set(model.standardize(), !model.getStandardize());
        model.set(model.missing(), "impute");
        assertEquals(before, model.transform(data).collectAsList(), "bitwise: the same rows, computed the same way");
        assertEquals(before, model.copy(ParamMap.empty()).transform(data).collectAsList());
    }
}
