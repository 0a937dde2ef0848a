package dev.sparkprop.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkpropClassifierTest {

    static Dataset<Row> iris() {
        // String classes, so the pipeline's StringIndexer has work to do
        return SparkTestSession.spark().read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset("iris.csv"))
                .withColumn("species", functions.concat(functions.lit("species-"), functions.col("label")))
                .drop("label");
    }

    static Pipeline pipeline(SparkpropClassifier classifier) {
        return new Pipeline().setStages(new PipelineStage[] {
                new StringIndexer().setInputCol("species").setOutputCol("label"),
                new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"}).setOutputCol("raw"),
                new StandardScaler().setInputCol("raw").setOutputCol("features"),
                classifier});
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
        double accuracy = model.transform(data).where("prediction = label").count() / (double) data.count();
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }
}
