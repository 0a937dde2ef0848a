package dev.sparkprop.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.config.Setting;
import dev.sparkprop.driver.train.SparkTestSession;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkpropParamsTest {

    /** The job keys that are not training settings: where the data and outputs are, and how columns are named. */
    private static final Set<String> NOT_PARAMS = Set.of("data.path", "data.format", "data.csv.header",
            "data.csv.delimiter", "data.label", "data.features", "data.exclude", "data.categorical", "data.weight",
            "data.id_columns", "data.validation_path", "output.model_path", "output.report_path", "output.overwrite");

    private static Set<String> paramNames(org.apache.spark.ml.param.Params p) {
        return Arrays.stream(p.params()).map(Param::name).collect(Collectors.toSet());
    }

    @Test
    void everyTrainingKeyIsAParamOfTheSameNameWithTheReferenceDefaultAndDoc() {
        SparkpropClassifier classifier = new SparkpropClassifier();
        Set<String> names = paramNames(classifier);
        Set<String> keys = JobConfigLoader.load(null, List.of("data.path=x", "network.layers=1,2:softmax",
                "network.loss=cross_entropy", "output.model_path=y")).effective().keySet();
        assertTrue(keys.containsAll(NOT_PARAMS));
        List<String> trainingKeys = keys.stream().filter(k -> !NOT_PARAMS.contains(k)).toList();
        for (Setting<?> setting : JobConfig.SETTINGS) {
            assertEquals(trainingKeys.contains(setting.key()), setting.isParamOf(true), setting.key()
                    + ": a param exactly when it is not a data or output key");
        }
        for (String key : trainingKeys) {
            assertTrue(names.contains(key), key + " is not a param of SparkpropClassifier; Spark finds params by their"
                    + " accessors: give it one in SparkpropParams");
            Param<?> param = classifier.getParam(key);
            assertEquals(JobConfigLoader.documentation(key), param.doc());
            if (!key.equals("network.layers") && !key.equals("network.loss")) {
                Object expected = JobConfigLoader.defaultValue(key);
                Object actual = classifier.getOrDefault(param);
                if (expected instanceof Number n) {
                    assertEquals(n.doubleValue(), ((Number) actual).doubleValue(), key);
                } else {
                    assertEquals(expected, actual, key);
                }
            }
        }
        assertTrue(classifier.explainParams().contains("optimizer.learning_rate: The base learning rate."));
        assertFalse(paramNames(new SparkpropRegressor()).contains("training.class_weights"),
                "class weights are for classification only");
    }

    @Test
    void settersSetTheKeysAndEstimatorDefaultsFitTheirTask() {
        SparkpropClassifier c = new SparkpropClassifier().setLearningRate(0.02).setEpochs(3).setSeed(9L)
                .setOptimizer("momentum(momentum=0.8)").setStandardize(false);
        assertEquals(0.02, (double) c.getOrDefault(c.getParam("optimizer.learning_rate")));
        assertEquals(3, c.getEpochs());
        assertEquals(9L, c.getSeed());
        assertEquals("momentum(momentum=0.8)", c.getOptimizer());
        assertFalse(c.getStandardize());
        assertEquals("cross_entropy", c.getLoss());
        assertEquals("mse", new SparkpropRegressor().getLoss());
        assertFalse(c.isDefined(c.layers()), "network.layers is required, so it has no default");
    }

    @Test
    void aBadValueIsRefusedWhenSetWithTheConfigsMessage() {
        SparkpropClassifier c = new SparkpropClassifier();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.setLearningRate(-1));
        assertEquals("optimizer.learning_rate: must be > 0, got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.setOptimizer("adamm"));
        assertTrue(e.getMessage().startsWith("optimizer.kind: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.setPrecision("float16"));
        assertTrue(e.getMessage().contains("float32, float64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.setLayers("4,8:tanhh,3:softmax"));
        assertTrue(e.getMessage().startsWith("network.layers: "), e.getMessage());
        // A grid's ParamMap (ParamGridBuilder) checks its values the same way
        e = assertThrows(IllegalArgumentException.class, () -> ParamMap.empty().put(c.epochs(), 0));
        assertEquals("training.epochs: must be ≥ 1, got 0", e.getMessage());
    }

    @Test
    void fitReportsMissingAndContradictingSettingsTogetherBeforeReadingData() {
        SparkpropClassifier c = new SparkpropClassifier().setBatchRows(16).setIterationsPerEpoch(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.fit(SparkpropClassifierTest.irisFeatures()));
        // Named as the user set them: by the params' accessors, not the job keys that are their names
        assertTrue(e.getMessage().contains("layers: is required"), e.getMessage());
        assertTrue(e.getMessage().contains("iterationsPerEpoch: must be 0 when batchRows is set"), e.getMessage());
    }

    @Test
    void paramsBelongToTheUidGivenAndSurviveCopyAndSave(@TempDir Path dir) throws Exception {
        SparkpropClassifier c = new SparkpropClassifier("sparkprop_given").setLayers("4,8:relu,3:softmax")
                .setClipNorm(5).setWeightCol("w");
        assertEquals("sparkprop_given", c.uid());
        assertEquals("sparkprop_given", c.learningRate().parent());
        assertEquals("sparkprop_given", c.featuresCol().parent());
        SparkpropClassifier copy = c.copy(ParamMap.empty().put(c.epochs(), 4));
        assertEquals(4, copy.getEpochs());
        assertEquals(10, c.getEpochs());
        assertEquals("4,8:relu,3:softmax", copy.getLayers());
        SparkTestSession.spark();
        String path = dir.resolve("estimator").toString();
        c.write().save(path);
        SparkpropClassifier loaded = SparkpropClassifier.load(path);
        assertEquals(c.uid(), loaded.uid());
        assertEquals("4,8:relu,3:softmax", loaded.getLayers());
        assertEquals(5.0, loaded.getClipNorm());
        assertEquals("w", loaded.getWeightCol());
    }
}
