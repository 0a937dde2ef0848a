package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.ModelMetadata;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.report.TrainingReport;
import dev.sparkprop.driver.train.DataColumns;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.driver.train.PreprocessingFitter;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.driver.train.TrainingSettings;
import dev.sparkprop.nn.NetworkSpec;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A whole training job from its config: read and split the data, learn the preprocessing,
 * train with per-epoch metrics (and early stopping), write the model directory and the report.
 * Outputs are checked before any work and written only when complete.
 */
public final class TrainJob {

    private final JobConfig config;
    private final SparkSession spark;
    private final PrintStream out;

    public TrainJob(JobConfig config, SparkSession spark, PrintStream out) {
        this.config = config;
        this.spark = spark;
        this.out = out;
    }

    public SavedModel run() {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        if (config.modelPath().isEmpty()) {
            throw new IllegalArgumentException("output.model_path is not set; name the directory to write the model to");
        }
        OutputPaths.checkWritable(config.modelPath(), config.overwrite(), "output.model_path", hadoop);
        OutputPaths.checkWritable(config.reportPath(), config.overwrite(), "output.report_path", hadoop);
        TrainingSettings settings = settings(config);
        NetworkSpec spec = settings.network();
        out.println("effective config:");
        out.println(config.render());

        Dataset<Row> all = read(config.dataPath());
        Dataset<Row> trainRows = all;
        Dataset<Row> validationRows = null;
        if (!config.validationPath().isEmpty()) {
            validationRows = read(config.validationPath());
        } else if (config.validationFraction() > 0) {
            Dataset<Row>[] split = all.randomSplit(
                    new double[] {1 - config.validationFraction(), config.validationFraction()}, config.seed());
            trainRows = split[0];
            validationRows = split[1];
        }
        DataColumns columns = columns(all);
        PreprocessingFitter.Fitted fitted = PreprocessingFitter.fit(trainRows, columns, spec, config.standardize());
        Preprocessing prep = fitted.preprocessing();
        double[] classWeights = classWeights(prep, fitted.classCounts());
        if (config.partitions() > 0) {
            trainRows = trainRows.repartition(config.partitions());
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        try (TrainingData train = TrainingData.fromDataFrame(trainRows, prep, spec, settings.blockRows(), classWeights,
                settings.numberType());
             TrainingData validation = validationRows == null ? null
                     // Class weights shape the training objective only; validation metrics stay unweighted,
                     // as evaluate computes them.
                     : TrainingData.fromDataFrame(validationRows, prep, spec, settings.blockRows(), null,
                     settings.numberType())) {
            out.printf("training %s on %d rows in %d partitions%s%n", spec, train.rows(), train.partitions(),
                    validation == null ? "" : ", validating on " + validation.rows());
            List<EpochRecord> history = new ArrayList<>();
            EarlyStopping stopping = new EarlyStopping(config.earlyStoppingMetric(), config.earlyStoppingPatience());
            long started = System.nanoTime();
            DistributedTrainer.Result result = new DistributedTrainer(sc, settings).fit(train,
                    settings.initialParameters(), (epoch, params, trainLoss, trainAccuracy) -> {
                        Map<String, Double> metrics = new LinkedHashMap<>();
                        metrics.put("train_loss", trainLoss);
                        if (!Double.isNaN(trainAccuracy)) {
                            metrics.put("train_accuracy", trainAccuracy);
                        }
                        if (validation != null) {
                            Evaluation.of(sc, validation, spec, params, settings.blockRows()).metrics()
                                    .forEach((name, value) -> metrics.put("validation_" + name, value));
                        }
                        history.add(new EpochRecord(epoch + 1, metrics));
                        out.printf("epoch %d/%d %s%n", epoch + 1, settings.epochs(), format(metrics));
                        return stopping.update(epoch + 1, metrics, params);
                    });
            double seconds = (System.nanoTime() - started) / 1e9;
            double[] params = stopping.patience() > 0 ? stopping.bestParams() : result.params();
            if (stopping.patience() > 0) {
                out.printf("early stopping: keeping epoch %d, best %s=%.6g%n", stopping.bestEpoch(),
                        stopping.metric(), stopping.bestValue());
            }
            SavedModel model = new SavedModel(new ModelMetadata(ModelMetadata.FORMAT_VERSION, spec.layersSpec(),
                    spec.loss().name(), params.length, prep, config.effective(), history, version(),
                    Instant.now().toString()), params);
            Evaluation trainMetrics = Evaluation.of(sc, train, spec, params, settings.blockRows());
            String validationMetrics = "";
            if (validation != null) {
                Evaluation v = Evaluation.of(sc, validation, spec, params, settings.blockRows());
                validationMetrics = " " + v.format("validation_");
                out.print(v.perClassTable());
            }
            ModelDirectory.write(model, config.modelPath(), config.overwrite(), hadoop);
            TrainingReport.write(history, "sparkprop: " + spec, config.reportPath(), hadoop);
            out.printf("model written to %s, report to %s%n", config.modelPath(), config.reportPath());
            out.printf("final %s%s epochs=%d iterations=%d seconds=%.2f%n", trainMetrics.format("train_"),
                    validationMetrics, history.size(), result.history().size(), seconds);
            return model;
        }
    }

    private Dataset<Row> read(String path) {
        return DataSource.read(spark, path, config.format(), config.csvHeader(), config.csvDelimiter());
    }

    /** The config's columns; data.features = [] means every column not used otherwise. */
    private DataColumns columns(Dataset<Row> df) {
        List<String> features = config.features();
        if (features.isEmpty()) {
            features = new ArrayList<>(Arrays.asList(df.columns()));
            features.removeAll(config.labels());
            features.removeAll(config.idColumns());
            features.removeAll(config.excludedColumns());
            features.remove(config.weightColumn());
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("no feature columns are left in the data after taking out the label,"
                    + " weight, id and excluded columns");
        }
        return new DataColumns(features, config.labels(), config.weightColumn().isEmpty() ? null : config.weightColumn(),
                config.categoricalColumns());
    }

    /** training.class_weights as one weight per class index, or null. */
    private double[] classWeights(Preprocessing prep, long[] counts) {
        String spec = config.classWeights();
        if (spec.isEmpty()) {
            return null;
        }
        if (prep.classes() == null) {
            throw new IllegalArgumentException("training.class_weights applies to classification; network.loss "
                    + config.loss() + " with these labels has no classes");
        }
        int k = prep.classes().size();
        double[] weights = new double[k];
        if (spec.equals(JobConfig.BALANCED)) {
            long total = Arrays.stream(counts).sum();
            for (int c = 0; c < k; c++) {
                weights[c] = (double) total / (k * counts[c]);
            }
            return weights;
        }
        List<Double> given = config.classWeightValues();
        if (given.size() != k) {
            throw new IllegalArgumentException("training.class_weights lists " + given.size() + " weights but the data"
                    + " has " + k + " classes " + prep.classes() + "; give one per class, in that order");
        }
        for (int c = 0; c < k; c++) {
            weights[c] = given.get(c);
        }
        return weights;
    }

    /** The training settings a job config describes. */
    public static TrainingSettings settings(JobConfig config) {
        return TrainingSettings.builder(config.layers(), config.loss()).initializer(config.initializer())
                .optimizer(config.optimizer()).learningRate(config.learningRate()).schedule(config.schedule())
                .l2(config.l2()).clipNorm(config.clipNorm()).epochs(config.epochs()).batchRows(config.batchRows())
                .iterationsPerEpoch(config.iterationsPerEpoch()).blockRows(config.blockRows())
                .precision(config.precision()).seed(config.seed())
                .aggregationDepth(config.aggregationDepth()).build();
    }

    static String format(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((name, value) -> sb.append(sb.length() == 0 ? "" : " ").append(name).append('=')
                .append(String.format(name.endsWith("loss") ? "%.12g" : "%.4f", value)));
        return sb.toString();
    }

    static String version() {
        String v = TrainJob.class.getPackage().getImplementationVersion();
        return "sparkprop " + (v == null ? "development build" : v);
    }

    /** Tracks the best epoch of a metric and says when patience has run out. */
    private static final class EarlyStopping {
        private final String metric;
        private final int patience;
        private double bestValue = Double.NaN;
        private int bestEpoch;
        private double[] bestParams;

        EarlyStopping(String metric, int patience) {
            this.metric = metric;
            this.patience = patience;
        }

        /** Records an epoch; false once {@code patience} epochs have passed without improvement. */
        boolean update(int epoch, Map<String, Double> metrics, double[] params) {
            if (patience == 0) {
                return true;
            }
            Double value = metrics.get(metric);
            if (value == null) {
                throw new IllegalArgumentException("training.early_stopping.metric " + metric + " is not measured;"
                        + " measured are " + metrics.keySet());
            }
            boolean better = Double.isNaN(bestValue)
                    || (JobConfig.higherIsBetter(metric) ? value > bestValue : value < bestValue);
            if (better) {
                bestValue = value;
                bestEpoch = epoch;
                bestParams = params.clone();
            }
            return epoch - bestEpoch < patience;
        }

        int patience() {
            return patience;
        }

        String metric() {
            return metric;
        }

        double bestValue() {
            return bestValue;
        }

        int bestEpoch() {
            return bestEpoch;
        }

        double[] bestParams() {
            return bestParams;
        }
    }
}
