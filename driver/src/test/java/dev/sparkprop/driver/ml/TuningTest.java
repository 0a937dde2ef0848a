package dev.sparkprop.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.SparkTestSession;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark's tuning picks among sparkprop settings, and saves what it picked. */
class TuningTest {

    @Test
    void crossValidatorSelectsAmongSparkpropSettingsFittingInParallelAndItsModelSavesAndLoads(@TempDir Path dir) throws Exception {
        SparkpropClassifier classifier = new SparkpropClassifier().setLayers("4,8:tanh,3:softmax").setEpochs(12)
                .setSeed(5);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {classifier});
        // A learning rate that cannot move the weights in 12 steps, and one that can
        ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.learningRate(), new double[] {1e-6, 0.1})
                .addGrid(classifier.optimizer(), scala.jdk.javaapi.CollectionConverters.asScala(
                        java.util.List.of("adam")).toSeq()).build();
        CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setNumFolds(3)
                .setSeed(11).setParallelism(2);
        Dataset<Row> data = SparkpropClassifierTest.irisFeatures();
        CrossValidatorModel model = cv.fit(data);
        double[] metrics = model.avgMetrics();
        assertEquals(2, metrics.length);
        assertTrue(metrics[1] > metrics[0] + 0.2, Arrays.toString(metrics));
        SparkpropClassificationModel best = (SparkpropClassificationModel) ((PipelineModel) model.bestModel())
                .stages()[0];
        assertEquals(0.1, best.trainingSetting("optimizer.learning_rate"));
        assertEquals("adam", best.trainingSetting("optimizer.kind"));

        String path = dir.resolve("cv").toString();
        model.write().save(path);
        CrossValidatorModel loaded = CrossValidatorModel.load(path);
        assertEquals(model.transform(data).select("probability").collectAsList(),
                loaded.transform(data).select("probability").collectAsList());
        assertEquals(0.1, (double) loaded.getEstimatorParamMaps()[1].apply(
                ((Pipeline) loaded.getEstimator()).getStages()[0].getParam("optimizer.learning_rate")));
    }

    @Test
    void trainValidationSplitTunesTheRegressorsNetwork() {
        Dataset<Row> data = SparkTestSession.featureVectors("diabetes.csv", "target");
        SparkpropRegressor regressor = new SparkpropRegressor().setEpochs(40).setLearningRate(0.05);
        ParamMap[] grid = new ParamGridBuilder().addGrid(regressor.layers(), scala.jdk.javaapi.CollectionConverters
                .asScala(java.util.List.of("10,1:identity", "10,16:relu,1:identity")).toSeq()).build();
        TrainValidationSplit split = new TrainValidationSplit().setEstimator(regressor).setEstimatorParamMaps(grid)
                .setEvaluator(new RegressionEvaluator().setMetricName("rmse")).setTrainRatio(0.75).setSeed(2);
        TrainValidationSplitModel model = split.fit(data);
        assertEquals(2, model.validationMetrics().length);
        double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(model.transform(data));
        // The targets' std is about 77; a fitted model does much better than predicting the mean
        assertTrue(rmse < 65, "rmse " + rmse);
    }
}
