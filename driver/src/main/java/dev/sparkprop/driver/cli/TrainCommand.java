package dev.sparkprop.driver.cli;

import dev.sparkprop.driver.spark.SparkSessions;
import dev.sparkprop.driver.train.DataColumns;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.PreprocessingFitter;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.driver.train.TrainingSettings;
import dev.sparkprop.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkprop train}: trains a network on a CSV, Parquet or JSON table and prints metrics per epoch. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a dense network on tabular data with Spark and prints the train (and validation)"
                + " metrics of every epoch; the last line, 'final ...', is for scripts."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "Training data: a CSV file with a header, or Parquet/JSON"
            + " (see --format).")
    String data;

    @Option(names = "--format", defaultValue = "csv", description = "csv, parquet or json (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--label", defaultValue = "label", split = ",", description = "Label column: class index for"
            + " cross_entropy; else the numeric target, or one column per output (a,b,...) (default ${DEFAULT-VALUE}).")
    List<String> labels;

    @Option(names = "--features", split = ",", description = "Feature columns (default: all but label and weight).")
    List<String> features;

    @Option(names = "--weight", description = "Optional column of row weights.")
    String weight;

    @Option(names = "--layers", required = true, description = "<in>,<units>:<activation>,... e.g. 4,16:relu,3:softmax")
    String layers;

    @Option(names = "--loss", required = true, description = "mse, huber(<delta>), cross_entropy or binary_cross_entropy.")
    String loss;

    @Option(names = "--initializer", defaultValue = "xavier_uniform", description = "Default ${DEFAULT-VALUE}.")
    String initializer;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, momentum, nesterov, adam, adamw, rmsprop,"
            + " adagrad, with (key=value,...) options (default ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Default ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant, step(...), exponential(...),"
            + " cosine(...), warmup(...) (default ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--l2", defaultValue = "0", description = "L2 penalty on weights (default ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--clip-norm", defaultValue = "0", description = "Clip gradients to this global norm; 0 = off.")
    double clipNorm;

    @Option(names = "--epochs", defaultValue = "10", description = "Default ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-rows", defaultValue = "0", description = "Rows per iteration; 0 = full batch (default).")
    int batchRows;

    @Option(names = "--iterations-per-epoch", defaultValue = "0", description = "Full-batch steps per epoch (default 1).")
    int iterationsPerEpoch;

    @Option(names = "--block-rows", defaultValue = "1024", description = "Rows per GEMM block (default ${DEFAULT-VALUE}).")
    int blockRows;

    @Option(names = "--seed", defaultValue = "1", description = "Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--aggregation-depth", defaultValue = "0", description = "treeAggregate depth; 0 = from the"
            + " partition count.")
    int aggregationDepth;

    @Option(names = "--partitions", defaultValue = "0", description = "Repartition the data into this many"
            + " partitions; 0 keeps the source's.")
    int partitions;

    @Option(names = "--standardize", defaultValue = "true", arity = "1", description = "Standardize features with the"
            + " training rows' mean and std (default ${DEFAULT-VALUE}).")
    boolean standardize;

    @Option(names = "--validation-fraction", defaultValue = "0", description = "Hold out this fraction of rows"
            + " (seeded) for validation metrics; 0 = none.")
    double validationFraction;

    @Override
    public Integer call() {
        TrainingSettings settings = TrainingSettings.builder(layers, loss).initializer(initializer)
                .optimizer(optimizer).learningRate(learningRate).schedule(schedule).l2(l2).clipNorm(clipNorm)
                .epochs(epochs).batchRows(batchRows).iterationsPerEpoch(iterationsPerEpoch).blockRows(blockRows)
                .seed(seed).aggregationDepth(aggregationDepth).build();
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("--validation-fraction must be in [0, 1), got " + validationFraction);
        }
        NetworkSpec spec = settings.network();
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.getOrCreate("sparkprop train");
        try {
            Dataset<Row> all = read(spark);
            DataColumns columns = new DataColumns(featureColumns(all), labels, weight, List.of());
            Dataset<Row> trainRows = all;
            Dataset<Row> validationRows = null;
            // Split before repartitioning: a shuffle's row order varies, the source's does not.
            if (validationFraction > 0) {
                Dataset<Row>[] split = all.randomSplit(new double[] {1 - validationFraction, validationFraction}, seed);
                trainRows = split[0];
                validationRows = split[1];
            }
            if (partitions > 0) {
                trainRows = trainRows.repartition(partitions);
            }
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Preprocessing prep = PreprocessingFitter.fit(trainRows, columns, spec, standardize).preprocessing();
            try (TrainingData train = TrainingData.fromDataFrame(trainRows, prep, spec, blockRows, null);
                 TrainingData validation = validationRows == null ? null
                         : TrainingData.fromDataFrame(validationRows, prep, spec, blockRows, null)) {
                System.out.printf("training %s on %d rows in %d partitions%s%n", spec, train.rows(), train.partitions(),
                        validation == null ? "" : ", validating on " + validation.rows());
                DistributedTrainer trainer = new DistributedTrainer(sc, settings);
                long started = System.nanoTime();
                DistributedTrainer.Result result = trainer.fit(train, settings.initialParameters(),
                        (epoch, params, trainLoss) -> System.out.printf("epoch %d/%d train_loss=%.12g%s%n", epoch + 1,
                                epochs, trainLoss, validation == null ? ""
                                        : " " + Evaluation.of(sc, validation, spec, params, blockRows).format("validation_")));
                double seconds = (System.nanoTime() - started) / 1e9;
                Evaluation trainMetrics = Evaluation.of(sc, train, spec, result.params(), blockRows);
                String validationMetrics = validation == null ? ""
                        : " " + Evaluation.of(sc, validation, spec, result.params(), blockRows).format("validation_");
                System.out.printf("final %s%s iterations=%d seconds=%.2f%n", trainMetrics.format("train_"),
                        validationMetrics, result.history().size(), seconds);
            }
        } finally {
            // A session that was already running (an embedding application's) stays up.
            if (ownSession) {
                spark.stop();
            }
        }
        return 0;
    }

    private Dataset<Row> read(SparkSession spark) {
        switch (format) {
            case "csv":
                return spark.read().option("header", "true").option("inferSchema", "true").csv(data);
            case "parquet":
                return spark.read().parquet(data);
            case "json":
                return spark.read().json(data);
            default:
                throw new IllegalArgumentException("--format must be csv, parquet or json, got '" + format + "'");
        }
    }

    private List<String> featureColumns(Dataset<Row> df) {
        if (features != null && !features.isEmpty()) {
            return features;
        }
        List<String> rest = new ArrayList<>(Arrays.asList(df.columns()));
        rest.removeAll(labels);
        rest.remove(weight);
        return rest;
    }
}
