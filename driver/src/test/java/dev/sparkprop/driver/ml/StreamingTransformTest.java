package dev.sparkprop.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.job.TrainJob;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's transform on a Structured Streaming DataFrame: lazy, as on a batch one, and the
 * same predictions, bit for bit, as the batch transform gives the same rows (the same code
 * path on the same partitions of the same files).
 */
class StreamingTransformTest {

    @TempDir
    Path dir;

    private static SparkSession spark() {
        return SparkTestSession.spark();
    }

    /** Iris as read from CSV, with an id per row to match the streamed rows to the batch ones. */
    private static Dataset<Row> irisWithIds() {
        return spark().read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset("iris.csv")).withColumn("id", functions.monotonically_increasing_id());
    }

    /** Iris as Spark ML wants it, with ids, written as two Parquet files. */
    private String irisFeaturesParquet() {
        Dataset<Row> raw = irisWithIds();
        String path = dir.resolve("iris-features.parquet").toString();
        new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"}).setOutputCol("features")
                .transform(raw).select(functions.col("id"), functions.col("features"),
                        functions.col("label").cast("double")).repartition(2).write().parquet(path);
        return path;
    }

    /**
     * {@code model}'s transform of the rows in {@code path} ({@code format}, with {@code schema}),
     * read as a stream: the streaming query collects each micro-batch, then stops. (foreachBatch,
     * not the memory sink, whose commit message the test session's Kryo does not register.)
     */
    private List<Row> transformedStream(Transformer model, String format, StructType schema, String path)
            throws TimeoutException {
        Dataset<Row> stream = spark().readStream().schema(schema).format(format).option("header", "true").load(path);
        assertTrue(stream.isStreaming());
        Dataset<Row> transformed = model.transform(stream);
        assertEquals(model.transform(spark().read().schema(schema).format(format).option("header", "true")
                .load(path)).schema(), transformed.schema(), "the batch transform's columns, types and ml attributes");
        List<Row> rows = new CopyOnWriteArrayList<>();
        StreamingQuery query = transformed.writeStream()
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> rows.addAll(batch.collectAsList()))
                .option("checkpointLocation", dir.resolve("checkpoint").toString()).start();
        try {
            query.processAllAvailable();
        } finally {
            query.stop();
        }
        return rows;
    }

    /** Fails unless both have the same rows by {@code id}, every double and vector entry bit for bit. */
    private static void assertSameBits(List<Row> expected, List<Row> actual, List<String> columns) {
        assertEquals(expected.size(), actual.size());
        Map<Long, Row> byId = new HashMap<>();
        actual.forEach(r -> byId.put(r.getAs("id"), r));
        long nonNull = 0;
        for (Row e : expected) {
            Row a = byId.get((Long) e.getAs("id"));
            for (String column : columns) {
                Object x = e.getAs(column);
                Object y = a.getAs(column);
                double[] xs = values(x);
                double[] ys = values(y);
                assertEquals(xs.length, ys.length, column + " of row " + e.getAs("id"));
                for (int i = 0; i < xs.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(xs[i]), Double.doubleToRawLongBits(ys[i]),
                            column + " of row " + e.getAs("id") + ": " + xs[i] + " in batch, " + ys[i] + " streamed");
                }
                nonNull += x == null ? 0 : 1;
            }
        }
        assertTrue(nonNull > 0, "some predictions to compare");
    }

    /** A vector's or a double's values; none for null. */
    private static double[] values(Object value) {
        return value instanceof Vector v ? v.toArray() : value == null ? new double[0] : new double[] {(Double) value};
    }

    @Test
    void aClassifierScoresAParquetStreamBitForBitAsTheBatchTransformDoes() throws TimeoutException {
        String path = irisFeaturesParquet();
        Dataset<Row> batch = spark().read().parquet(path);
        // Blocks of 16 rows: each partition ends in a partial block
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers("4,6:tanh,3:softmax")
                .setLearningRate(0.05).setEpochs(3).setBlockRows(16).setSeed(5).fit(batch);
        List<String> outputs = List.of("rawPrediction", "probability", "prediction");
        List<Row> streamed = transformedStream(model, "parquet", batch.schema(), path);
        assertSameBits(model.transform(batch).collectAsList(), streamed, outputs);
        assertEquals(model.transformSchema(batch.schema()), model.transform(batch).schema(),
                "the columns transformSchema gives, with the ml attributes");
    }

    @Test
    void aRegressorScoresAParquetStreamBitForBitAsTheBatchTransformDoes() throws TimeoutException {
        String path = irisFeaturesParquet();
        Dataset<Row> batch = spark().read().parquet(path);
        SparkpropRegressionModel model = new SparkpropRegressor().setLayers("4,6:tanh,1:identity")
                .setLearningRate(0.05).setEpochs(3).setBlockRows(16).setPrecision("float64").setSeed(5).fit(batch);
        List<Row> streamed = transformedStream(model, "parquet", batch.schema(), path);
        assertSameBits(model.transform(batch).collectAsList(), streamed, List.of("prediction"));
    }

    @Test
    void aPipelineModelScoresACsvStreamBitForBitAsTheBatchTransformDoes() throws TimeoutException {
        Dataset<Row> raw = irisWithIds();
        String path = dir.resolve("iris-csv").toString();
        raw.repartition(2).write().option("header", "true").csv(path);
        Dataset<Row> batch = spark().read().schema(raw.schema()).option("header", "true").csv(path)
                .withColumn("label", functions.col("label").cast("double"));
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
                new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"}).setOutputCol("features"),
                new SparkpropClassifier().setLayers("4,6:tanh,3:softmax").setLearningRate(0.05).setEpochs(3)
                        .setBlockRows(16).setSeed(5)}).fit(batch);
        List<Row> streamed = transformedStream(model, "csv", raw.schema(), path);
        assertSameBits(model.transform(spark().read().schema(raw.schema()).option("header", "true").csv(path))
                .collectAsList(), streamed, List.of("rawPrediction", "probability", "prediction"));
    }

    @Test
    void aModelTheCliTrainedScoresItsNamedColumnsInAStreamAndRefusesTextWithoutReadingIt() throws Exception {
        Dataset<Row> raw = irisWithIds();
        String csv = dir.resolve("iris-csv").toString();
        raw.repartition(2).write().option("header", "true").csv(csv);
        String cliModel = dir.resolve("cli").toString();
        new TrainJob(JobConfigLoader.load(null, List.of("data.path=" + csv, "data.id_columns=[id]",
                "network.layers=4,6:tanh,3:softmax", "network.loss=cross_entropy", "optimizer.learning_rate=0.05",
                "training.epochs=3", "training.block_rows=16",
                "output.model_path=" + cliModel)), spark(), new PrintStream(new ByteArrayOutputStream())).run();
        SparkpropClassificationModel model = SparkpropClassificationModel.load(cliModel);
        List<Row> streamed = transformedStream(model, "csv", raw.schema(), csv);
        assertSameBits(model.transform(spark().read().schema(raw.schema()).option("header", "true").csv(csv))
                .collectAsList(), streamed, List.of("rawPrediction", "probability", "prediction"));

        // A feature column of text in a stream: refused at transform by its type (reading its
        // values to name one, as for a batch, would be an action, which a stream refuses)
        StructType textX1 = new StructType(Arrays.stream(raw.schema().fields())
                .map(f -> f.name().equals("x1") ? DataTypes.createStructField("x1", DataTypes.StringType, true) : f)
                .toArray(StructField[]::new));
        Dataset<Row> stream = spark().readStream().schema(textX1).option("header", "true").csv(csv);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.transform(stream));
        assertEquals("feature column 'x1' has type string but the model reads numbers", e.getMessage());
    }
}
