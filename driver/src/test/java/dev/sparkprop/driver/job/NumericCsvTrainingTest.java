package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.SparkTestSession;
import java.nio.file.Path;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSV (or Parquet file) of numbers trains through its {@code NumericTable} to the model, bit for
 * bit, that the same file read by Spark's reader trains to: the same validation rows, statistics,
 * classes, row ids and partitions.
 */
class NumericCsvTrainingTest {

    private final SparkSession spark = SparkTestSession.spark();

    @TempDir
    Path dir;

    private double[] train(JobConfig config, boolean table) {
        String path = config.data().path();
        String format = config.data().format();
        DataSource.Rows rows = table ? DataSource.readToTrain(spark, "data.path", path, format, true, ",")
                : new DataSource.Rows(DataSource.read(spark, "data.path", path, format, true, ","), null);
        if (table) {
            assertNotNull(rows.numbers(), path + " is read into a table");
        } else {
            assertNull(rows.numbers());
        }
        Training.Prepared prepared = Training.prepare(config, rows, null, TrainJob.columns(config.data(), rows.rows()),
                null).releasing(List.of(rows));
        ProgressLine quiet = ProgressLine.console(new PrintStream(new ByteArrayOutputStream()), null);
        return Training.run(spark, prepared, null, List.of(), quiet).model().params();
    }

    private static JobConfig job(String... more) {
        List<String> keys = new java.util.ArrayList<>(List.of("data.path=" + SparkTestSession.dataset("wine.csv"),
                "network.layers=auto,8:tanh,3:softmax", "network.loss=cross_entropy", "optimizer.kind=adam",
                "optimizer.learning_rate=0.01", "training.epochs=3", "training.batch_rows=16",
                "data.validation_fraction=0.25", "training.seed=5", "output.model_path=unused"));
        keys.addAll(List.of(more));
        return JobConfigLoader.load(null, keys);
    }

    @Test
    void spreadOverMorePartitionsThanTheFileHasTrainsTheModelOfSparksReader() {
        JobConfig config = job("spark.partitions=3");
        assertArrayEquals(train(config, false), train(config, true));
    }

    @Test
    void parquetOfNumbersTrainsThroughItsTableToTheModelOfSparksReader() {
        String parquet = dir.resolve("wine.parquet").toString();
        // Two files: the rows land in two partitions, spread over three to train
        DataSource.read(spark, "data.path", SparkTestSession.dataset("wine.csv"), "csv", true, ",")
                .drop(Columns.MALFORMED).repartition(2).write().parquet(parquet);
        JobConfig config = job("spark.partitions=3", "data.path=" + parquet, "data.format=parquet");
        assertArrayEquals(train(config, false), train(config, true));
    }

    @Test
    void evaluateReadsACsvOfNumbersThroughItsTableToTheMetricsOfSparksReader() {
        String model = dir.resolve("model").toString();
        new TrainJob(job("output.model_path=" + model), spark, new PrintStream(new ByteArrayOutputStream())).run();
        String csv = SparkTestSession.dataset("wine.csv");
        LoadedModel loaded = LoadedModel.read(model, spark.sparkContext().hadoopConfiguration());
        DataSource.Rows rows = DataSource.readForModelToPass(spark, "--data", csv, null, null, loaded.config().data(),
                loaded.model().metadata().preprocessing());
        assertNotNull(rows.numbers(), "no type-inference pass: the CSV is parsed into a table");
        rows.release();
        // The same rows as Parquet, which Spark's reader reads
        String parquet = dir.resolve("wine.parquet").toString();
        DataSource.read(spark, "data.path", csv, "csv", true, ",").drop(Columns.MALFORMED).write().parquet(parquet);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        assertEquals(EvaluateJob.run(spark, model, parquet, "parquet", null, quiet).format(""),
                EvaluateJob.run(spark, model, csv, null, null, quiet).format(""));
    }

    @Test
    void onTheFilesOwnPartitionsWithoutValidationTrainsTheModelOfSparksReader() {
        JobConfig config = job("spark.partitions=1", "data.validation_fraction=0", "training.class_weights=balanced");
        assertArrayEquals(train(config, false), train(config, true));
    }
}
