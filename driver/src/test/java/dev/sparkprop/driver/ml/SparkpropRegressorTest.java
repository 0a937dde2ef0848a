package dev.sparkprop.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.SparkTestSession;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkpropRegressorTest {

    private static Dataset<Row> diabetes() {
        return SparkTestSession.spark().read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset("diabetes.csv"));
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
        assertEquals(List.of("features", "label", "prediction"), Arrays.asList(new SparkpropRegressor()
                .setLayers("2,1:identity").setEpochs(1).fit(data.select("features", "label")).transform(data
                        .select("features", "label")).columns()));
    }
}
