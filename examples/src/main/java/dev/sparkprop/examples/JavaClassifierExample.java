package dev.sparkprop.examples;

import dev.sparkprop.driver.ml.SparkpropClassificationModel;
import dev.sparkprop.driver.ml.SparkpropClassifier;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * sparkprop from Java: a Pipeline (StringIndexer, VectorAssembler, StandardScaler,
 * SparkpropClassifier) tuned with CrossValidator over sparkprop's params, then saved, loaded
 * and checked to predict the same. {@code bin/run-example JavaClassifierExample [data.csv]
 * [output-dir]}; the data defaults to bin/install-data's iris.csv.
 */
public final class JavaClassifierExample {

    /** What the example found: held-out accuracy, the settings chosen, and whether the reload agreed. */
    public record Result(double accuracy, String chosenLayers, double chosenLearningRate, boolean reloadAgrees) {
    }

    private JavaClassifierExample() {
    }

    public static void main(String[] args) throws Exception {
        String data = args.length > 0 ? args[0] : "data/iris.csv";
        String output = args.length > 1 ? args[1] : "target/examples/java-classifier";
        SparkSession spark = SparkSession.builder().appName("sparkprop Java example")
                .master(System.getProperty("spark.master", "local[*]")).getOrCreate();
        try {
            Result result = run(spark, data, output);
            System.out.printf("accuracy=%.4f layers=%s learning_rate=%s reload_agrees=%s%n", result.accuracy(),
                    result.chosenLayers(), result.chosenLearningRate(), result.reloadAgrees());
        } finally {
            spark.stop();
        }
    }

    public static Result run(SparkSession spark, String dataPath, String outputDir) throws Exception {
        Dataset<Row> iris = spark.read().option("header", "true").option("inferSchema", "true").csv(dataPath);
        Dataset<Row>[] split = iris.randomSplit(new double[] {0.8, 0.2}, 42);
        Dataset<Row> train = split[0];
        Dataset<Row> test = split[1];

        StringIndexerModel labels = new StringIndexer().setInputCol("label").setOutputCol("labelIndex").fit(iris);
        SparkpropClassifier classifier = new SparkpropClassifier()
                .setLabelCol("labelIndex")
                .setFeaturesCol("features")
                .setLoss("cross_entropy")
                .setOptimizer("adam")
                .setEpochs(25)
                .setBatchRows(32)
                // A Spark job per epoch instead of per step: on a fold's 80-odd rows (3 batches of 32;
                // 4 for the final fit) Spark's per-job cost is nearly all of a step's time. Each task
                // takes the epoch's steps on its share of each batch and the driver averages them.
                .setLocalSteps(4)
                .setSeed(7);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                labels,
                new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"}).setOutputCol("raw"),
                new StandardScaler().setInputCol("raw").setOutputCol("features"),
                classifier,
                new IndexToString().setInputCol("prediction").setOutputCol("predictedLabel")
                        .setLabels(labels.labelsArray()[0])});

        // The grid names sparkprop's params, which are the job config's keys
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(classifier.layers(), scala.jdk.javaapi.CollectionConverters.asScala(
                        List.of("4,3:softmax", "4,16:relu,3:softmax")).toSeq())
                .addGrid(classifier.learningRate(), new double[] {0.003, 0.03})
                .build();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                .setLabelCol("labelIndex").setMetricName("accuracy");
        CrossValidatorModel tuned = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(accuracy).setNumFolds(3).setSeed(1).fit(train);

        PipelineModel best = (PipelineModel) tuned.bestModel();
        SparkpropClassificationModel network = (SparkpropClassificationModel) best.stages()[3];
        System.out.println("cross-validated accuracy per setting: " + Arrays.toString(tuned.avgMetrics()));
        System.out.println("chosen: " + network);
        System.out.println("its training, epoch by epoch: " + network.summary().epochs());

        Dataset<Row> predictions = best.transform(test);
        predictions.select("label", "predictedLabel", "probability").show(5, false);

        best.write().overwrite().save(outputDir);
        PipelineModel reloaded = PipelineModel.load(outputDir);
        boolean agrees = reloaded.transform(test).select("probability").collectAsList()
                .equals(predictions.select("probability").collectAsList());
        return new Result(accuracy.evaluate(predictions), (String) network.trainingSetting("network.layers"),
                ((Number) network.trainingSetting("optimizer.learning_rate")).doubleValue(), agrees);
    }
}
