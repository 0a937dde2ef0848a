package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.DataSection;
import dev.sparkprop.driver.model.AtomicDirectory;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.model.ShutdownCleanup;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.BatchPredictor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Writes a saved model's predictions for a table, as Parquet or CSV (with a header), to a
 * temporary directory first and renamed into place only when complete.
 */
public final class PredictJob {

    private PredictJob() {
    }

    /**
     * @param format       input format, or null for the training job's
     * @param delimiter    the CSV field delimiter, or null for the training job's
     * @param keep         input columns to copy beside the predictions, or null for the training
     *                     job's data.id_columns
     * @param outputFormat parquet or csv
     * @return the number of rows written
     */
    public static long run(SparkSession spark, String modelPath, String dataPath, String format, String delimiter,
                           List<String> keep, String outputPath, String outputFormat, boolean overwrite,
                           PrintStream out) {
        checkOutputFormat(outputFormat);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        OutputPaths.checkApart(outputPath, "--output", modelPath, "--model", hadoop);
        OutputPaths.checkApart(outputPath, "--output", dataPath, "--data", hadoop);
        // What --overwrite cannot mend first, so that its hint is never followed by another refusal
        OutputPaths.checkCanBeDirectory(outputPath, "--output", hadoop);
        AtomicDirectory.checkHoldsOnly(outputPath, "--output", PredictJob::isSparkOutput, "predictions", hadoop);
        OutputPaths.checkWritable(outputPath, overwrite, "--output", "add --overwrite", hadoop);
        LoadedModel loaded = LoadedModel.read(modelPath, hadoop);
        CollectionAccumulator<BatchPredictor.PartitionProblems> wrongSizes = spark.sparkContext()
                .collectionAccumulator("sparkprop predict: feature vectors of another size");
        DataSection trainedOn = loaded.config().data();
        Preprocessing prep = loaded.model().metadata().preprocessing();
        Dataset<Row> df = DataSource.readForModel(spark, "--data", dataPath, format, delimiter, trainedOn, prep);
        List<String> kept = keep == null ? trainedOn.idColumns() : keep;
        String keptRole = keep == null ? "id" : "--keep";
        List<Columns.Wanted> wanted = new ArrayList<>(Columns.Wanted.all("feature",
                prep.featureNames()));
        wanted.addAll(Columns.Wanted.all(keptRole, kept));
        LoadedModel.requireColumns(df, wanted);
        Dataset<Row> predictions = BatchPredictor.predict(spark, df, prep, loaded.spec(), loaded.model().params(),
                kept, keptRole, loaded.config().training().blockRows(),
                loaded.config().training().precision(), wrongSizes);
        if (outputFormat.equals("csv")) {
            // Spark's CSV writer fails a task (and logs its stack trace) on a column it cannot write
            for (StructField field : predictions.schema().fields()) {
                if (!(field.dataType() instanceof AtomicType)) {
                    throw new IllegalArgumentException("column " + Columns.named(field.name()) + " holds "
                            + field.dataType().simpleString() + ", which CSV cannot hold; write Parquet"
                            + " (--output-format parquet) or keep other columns");
                }
            }
        }
        String temporary = outputPath + "._tmp-" + UUID.randomUUID();
        try (ShutdownCleanup interrupted = ShutdownCleanup.deleting(new Path(temporary), hadoop)) {
            predictions.write().format(outputFormat).option("header", true).save(temporary);
            // Rows the schema did not show to be unusable: refused whole rather than written as nulls
            BatchPredictor.vectorSizeProblems(wrongSizes, "--data '" + dataPath + "'");
            interrupted.publish(() -> OutputPaths.replace(temporary, outputPath, hadoop));
        } catch (IOException e) {
            // only publish's: the JVM is shutting down and has deleted the unpublished output
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            OutputPaths.deleteQuietly(temporary, hadoop);
            throw e;
        }
        // A row without a prediction has none in its first output column
        String first = Arrays.stream(predictions.columns()).filter(c -> !kept.contains(c)).findFirst().orElseThrow();
        Row counts = spark.read().format(outputFormat).option("header", true).load(outputPath)
                .agg(functions.count(functions.lit(1)), functions.count(functions.col(first))).first();
        long rows = counts.getLong(0);
        long unpredicted = rows - counts.getLong(1);
        out.printf("wrote %d predictions of %s to %s (%s)%s%n", rows, loaded.spec(), outputPath, outputFormat,
                unpredicted == 0 ? "" : "; " + unpredicted + (unpredicted == 1 ? " row has" : " rows have")
                        + " null predictions: a feature is missing or not finite, or a CSV line has another number"
                        + " of fields");
        return rows;
    }

    /** Spark's output markers besides its part files: names, or prefixes ending in '_'. */
    private static final List<String> SPARK_MARKERS = List.of("_SUCCESS", "_temporary", "_metadata",
            "_common_metadata", "_committed_", "_started_");

    /**
     * What Spark writes into an output directory: part files, its markers, and the local file
     * system's checksums of both (.part-*.crc, ._SUCCESS.crc).
     */
    private static boolean isSparkOutput(String name) {
        String file = name.startsWith(".") && name.endsWith(".crc") ? name.substring(1, name.length() - 4) : name;
        return file.startsWith("part-") || SPARK_MARKERS.stream().anyMatch(m -> m.endsWith("_")
                ? file.startsWith(m) : file.equals(m));
    }

    /** Fails unless {@code outputFormat} is one predict writes; checked before Spark starts too. */
    public static void checkOutputFormat(String outputFormat) {
        if (!outputFormat.equals("parquet") && !outputFormat.equals("csv")) {
            throw new IllegalArgumentException("output format must be parquet or csv, got '" + outputFormat + "'");
        }
    }
}
