package dev.sparkprop.bench;

import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.train.DataColumns;
import dev.sparkprop.driver.train.PreprocessingFitter;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A directory's train.csv and test.csv (numeric columns with a header, one of them "label", the
 * others the pixels) as both contestants see them: standardised by the training rows' mean and
 * std, exactly as {@code bin/sparkprop train} does, cached as sparkprop blocks, and MLlib's
 * (features, label) frames made from those very blocks on first use, so MLlib gets the same
 * values (float32-rounded too when sparkprop trains in float32). Optionally also a validation
 * split of the training rows, for choosing settings without looking at the test rows: the
 * other training rows ({@link #fit}) standardised by their own statistics, and the held-out
 * ones ({@link #validation}) by the same.
 */
final class AccuracyData implements AutoCloseable {

    static final String LABEL = "label";
    static final String FEATURES = "features";

    final TrainingData train;
    final TrainingData test;
    /** The training rows less the validation split, and that split; both null without one. */
    final TrainingData fit;
    final TrainingData validation;
    /** Seconds sparkprop took to spread the parsed, cached training rows over the partitions as cached blocks. */
    final double blockSeconds;
    private final SparkSession spark;
    private Dataset<Row> mllibTrain;
    private Dataset<Row> mllibTest;

    private AccuracyData(SparkSession spark, TrainingData train, TrainingData test, TrainingData fit,
                         TrainingData validation, double blockSeconds) {
        this.spark = spark;
        this.train = train;
        this.test = test;
        this.fit = fit;
        this.validation = validation;
        this.blockSeconds = blockSeconds;
    }

    /** MLlib's training frame, made (and cached) on first use. */
    Dataset<Row> mllibTrain() {
        if (mllibTrain == null) {
            mllibTrain = CompareWithMllib.mllibFrame(spark, train.blocks());
        }
        return mllibTrain;
    }

    Dataset<Row> mllibTest() {
        if (mllibTest == null) {
            mllibTest = CompareWithMllib.mllibFrame(spark, test.blocks());
        }
        return mllibTest;
    }

    /**
     * @param fraction           of the training rows to keep (sampled with {@code seed}); the test rows are all kept
     * @param validationFraction of the kept training rows to hold out as {@link #validation} (split with
     *                           {@code seed}); 0 for none
     * @throws IllegalArgumentException when a file is missing, naming {@code installHint}
     */
    static AccuracyData load(SparkSession spark, Path dir, String installHint, double fraction, long seed,
                             int partitions, NetworkSpec spec, int blockRows, Precision precision,
                             double validationFraction) {
        requireFiles(dir, installHint);
        Path trainCsv = dir.resolve("train.csv");
        Path testCsv = dir.resolve("test.csv");
        List<String> columns = header(trainCsv);
        if (!columns.contains(LABEL) || !columns.equals(header(testCsv))) {
            throw new IllegalArgumentException(trainCsv + " and " + testCsv + " need the same header, with a '"
                    + LABEL + "' column");
        }
        Dataset<Row> trainRows = read(spark, trainCsv, columns, partitions);
        if (fraction < 1) {
            trainRows = trainRows.sample(false, fraction, seed);
        }
        // Parsed once and cached: neither the CSV parse nor the statistics are part of a contestant's time.
        trainRows = trainRows.persist(StorageLevel.MEMORY_AND_DISK());
        trainRows.count();
        Preprocessing prep = standardisation(trainRows, spec);
        long t0 = System.nanoTime();
        // Spread over the partitions as bin/sparkprop train does: every row's partition, place and
        // id the same on local[n] and on a cluster (a round-robin repartition orders each partition
        // by when the shuffle blocks arrive, local ones first).
        TrainingData train = TrainingData.forTraining(trainRows, partitions, "the training data", prep, spec,
                blockRows, null, precision);
        double blockSeconds = (System.nanoTime() - t0) / 1e9;
        TrainingData fit = null;
        TrainingData validation = null;
        if (validationFraction > 0) {
            // randomSplit of the cached rows: the same split on every run with the same seed
            Dataset<Row>[] split = trainRows.randomSplit(new double[] {1 - validationFraction, validationFraction},
                    seed);
            Preprocessing fitPrep = standardisation(split[0], spec);
            fit = TrainingData.forTraining(split[0], partitions, "the training rows less the validation split",
                    fitPrep, spec, blockRows, null, precision);
            validation = TrainingData.fromDataFrame(split[1], "the validation split", fitPrep, spec, blockRows,
                    null, precision);
        }
        trainRows.unpersist(false);
        TrainingData test = TrainingData.fromDataFrame(read(spark, testCsv, columns, partitions)
                .repartition(partitions), "the test data", prep, spec, blockRows, null, precision);
        return new AccuracyData(spark, train, test, fit, validation, blockSeconds);
    }

    private static Preprocessing standardisation(Dataset<Row> rows, NetworkSpec spec) {
        return PreprocessingFitter.fit(rows, DataColumns.of(List.of(FEATURES), LABEL), spec, true).preprocessing();
    }

    /** @throws IllegalArgumentException when train.csv or test.csv is missing, naming {@code installHint} */
    static void requireFiles(Path dir, String installHint) {
        for (String name : List.of("train.csv", "test.csv")) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new IllegalArgumentException(dir.resolve(name) + " does not exist; " + installHint);
            }
        }
    }

    private static List<String> header(Path csv) {
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            if (line == null) {
                throw new IllegalArgumentException(csv + " is empty");
            }
            return Arrays.asList(line.trim().split(","));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * (features: the pixels as one ml Vector, label), parsed from the text: Spark's CSV reader
     * would make 784 columns, which Spark SQL takes many seconds to plan, generate code for and
     * cache, whatever the row count. In file order, in Hadoop's splits for at least
     * {@code partitions}: they depend on the file alone, where Spark SQL's depend on the
     * application's cores, so a sample keeps the same rows on local[n] and on a cluster.
     */
    private static Dataset<Row> read(SparkSession spark, Path csv, List<String> columns, int partitions) {
        String header = String.join(",", columns);
        int label = columns.indexOf(LABEL);
        String file = csv.toString();
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .textFile(csv.toAbsolutePath().toString(), partitions)
                .filter(line -> !line.trim().equals(header))
                .map(line -> {
                    String[] values = line.trim().split(",");
                    if (values.length != columns.size()) {
                        throw new IllegalArgumentException(file + " has a line of " + values.length + " values, not "
                                + columns.size() + ": " + line);
                    }
                    double[] pixels = new double[values.length - 1];
                    for (int i = 0, j = 0; i < values.length; i++) {
                        if (i != label) {
                            pixels[j++] = Double.parseDouble(values[i]);
                        }
                    }
                    return RowFactory.create(Vectors.dense(pixels), Integer.parseInt(values[label]));
                });
        StructType schema = new StructType()
                .add(FEATURES, SQLDataTypes.VectorType(), false)
                .add(LABEL, DataTypes.IntegerType, false);
        return spark.createDataFrame(rows, schema);
    }

    @Override
    public void close() {
        for (Dataset<Row> frame : Arrays.asList(mllibTrain, mllibTest)) {
            if (frame != null) {
                frame.unpersist(false);
            }
        }
        for (TrainingData data : Arrays.asList(train, test, fit, validation)) {
            if (data != null) {
                data.close();
            }
        }
    }
}
