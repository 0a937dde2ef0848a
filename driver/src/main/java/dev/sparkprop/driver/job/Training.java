package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.CheckpointSection;
import dev.sparkprop.driver.config.ClassWeights;
import dev.sparkprop.driver.config.EarlyStoppingSection;
import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.ModelMetadata;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.spark.BlasThreads;
import dev.sparkprop.driver.train.DataColumns;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.driver.train.PreprocessingFitter;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.driver.train.TrainerState;
import dev.sparkprop.driver.train.TrainingDivergedException;
import dev.sparkprop.driver.train.TrainingSettings;
import dev.sparkprop.nn.NetworkSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one training loop, shared by {@code sparkprop train} and the Spark ML estimators: split off
 * the validation rows, learn the preprocessing, train with per-epoch metrics and early stopping,
 * and measure the kept model. It reads and writes no files; its callers do.
 */
public final class Training {

    /**
     * A trained model with its final metrics.
     *
     * @param validation metrics on the validation rows, or null without validation
     * @param iterations optimizer steps taken
     * @param seconds    wall time of the optimisation (without the final evaluation)
     * @param steps      every optimizer step of the run, the first first (after a resume, the
     *                   checkpoint's record of the steps before it, where it has one)
     * @param kept       which epoch the model is, and why
     */
    public record Result(SavedModel model, Evaluation train, Evaluation validation, long iterations, double seconds,
                         List<DistributedTrainer.Iteration> steps, KeptEpoch kept) {
    }

    /** The epoch (from 1) whose weights the model holds, and why that one, in words. */
    public record KeptEpoch(int epoch, String why) {
    }

    private Training() {
    }

    /**
     * A job's data made ready to train: the validation rows split off, the preprocessing learned
     * from the training rows, and the config with an {@code auto} input width resolved to the
     * encoded data's (the config to print and to save with the model).
     *
     * @param validationRows null without validation data
     */
    public record Prepared(JobConfig config, TrainingSettings settings, Dataset<Row> trainRows,
                           Dataset<Row> validationRows, PreprocessingFitter.Fitted fitted) {
    }

    /**
     * @param rows           the training rows; with {@code data.validation_fraction} also the source of
     *                       the validation rows
     * @param validationRows separate validation rows, or null
     * @param classes        the class names in index order when the caller fixes them (Spark ML's
     *                       label indices 0..k-1), or null to take the classes found in the rows
     */
    public static Prepared prepare(JobConfig config, Dataset<Row> rows, Dataset<Row> validationRows,
                                   DataColumns columns, List<String> classes) {
        Dataset<Row> trainRows = rows;
        double fraction = config.data().validationFraction();
        if (validationRows == null && fraction > 0) {
            Dataset<Row>[] split = rows.randomSplit(new double[] {1 - fraction, fraction}, config.training().seed());
            trainRows = split[0];
            validationRows = split[1];
        }
        List<FeatureColumn> features = PreprocessingFitter.features(trainRows, columns, config.data().missing());
        JobConfig resolved = config.withInputWidth(PreprocessingFitter.width(features));
        TrainingSettings settings = TrainingSettings.of(resolved);
        PreprocessingFitter.Fitted fitted = PreprocessingFitter.fit(trainRows, columns, features, settings.network(),
                resolved.data().standardize(), resolved.data().missing(), classes);
        return new Prepared(resolved, settings, trainRows, validationRows, fitted);
    }

    /**
     * {@link #prepare}, then {@link #run(SparkSession, Prepared, Checkpoints.Checkpoint, ProgressLine)}.
     *
     * @param progress is fed every step, and shows one line per epoch and a few more
     */
    public static Result run(SparkSession spark, JobConfig config, Dataset<Row> rows, Dataset<Row> validationRows,
                             DataColumns columns, List<String> classes, Checkpoints.Checkpoint resume,
                             ProgressLine progress) {
        return run(spark, prepare(config, rows, validationRows, columns, classes), resume, progress);
    }

    /**
     * Trains on prepared data, continuing from {@code resume} (null to start afresh): with the
     * same data, a resumed run ends in the model the uninterrupted run would have, to the last bit.
     *
     * @param progress is fed every step, and shows one line per epoch and a few more
     */
    public static Result run(SparkSession spark, Prepared prepared, Checkpoints.Checkpoint resume,
                             ProgressLine progress) {
        BlasThreads.warnOnce(spark.sparkContext());
        JobConfig config = prepared.config();
        TrainingSettings settings = prepared.settings();
        NetworkSpec spec = settings.network();
        Dataset<Row> trainRows = prepared.trainRows();
        Dataset<Row> validationRows = prepared.validationRows();
        PreprocessingFitter.Fitted fitted = prepared.fitted();
        Preprocessing prep = fitted.preprocessing();
        if (resume != null && !prep.sameAs(resume.model().metadata().preprocessing())) {
            throw new IllegalArgumentException("the data is not what the checkpoint was trained on: its"
                    + " preprocessing (statistics, categories or classes) differs; resume on the same data");
        }
        double[] classWeights = classWeights(config, prep, fitted.classCounts());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        try (TrainingData train = TrainingData.forTraining(trainRows, config.spark().partitions(),
                "the training data", prep, spec, settings.blockRows(), classWeights, settings.numberType());
             TrainingData validation = validationRows == null ? null
                     // Class weights shape the training objective only; validation metrics stay unweighted,
                     // as evaluate computes them.
                     : TrainingData.fromDataFrame(validationRows, "the validation data", prep, spec,
                     settings.blockRows(), null, settings.numberType())) {
            for (String dropped : new String[] {train.droppedSummary("training rows"),
                    validation == null ? null : validation.droppedSummary("validation rows")}) {
                if (dropped != null) {
                    progress.line(dropped);
                }
            }
            progress.line(String.format("training %s on %d rows in %d partitions%s", spec, train.rows(),
                    train.partitions(), validation == null ? "" : ", validating on " + validation.rows()));
            List<EpochRecord> history = new ArrayList<>();
            List<DistributedTrainer.Iteration> steps = new ArrayList<>();
            EarlyStopping stopping = new EarlyStopping(config.training().earlyStopping());
            TrainerState start = TrainerState.start(settings.initialParameters(), settings.updater().newState());
            if (resume != null) {
                history.addAll(resume.model().metadata().history());
                steps.addAll(resume.steps());
                stopping.restore(resume.bestEpoch(), resume.bestValue(), resume.bestParams());
                start = resume.state();
                progress.line("resuming at " + Checkpoints.describe(resume) + (resume.steps().isEmpty()
                        && start.iteration() > 0 ? "; the checkpoint has no record of the steps before it, so the"
                        + " report's steps.csv starts after them" : ""));
            }
            String[] newestCheckpoint = {null};
            CheckpointSection checkpoint = config.training().checkpoint();
            DistributedTrainer.StepListener checkpoints = checkpoint.path().isEmpty() ? (state, end) -> { }
                    : (state, epochEnded) -> {
                        if (checkpoint.due(state.iteration(), epochEnded)) {
                            SavedModel soFar = model(config, spec, prep, state.params(), history,
                                    train.droppedByColumn());
                            String dir = Checkpoints.write(checkpoint.path().get(), checkpoint.keep(),
                                    new Checkpoints.Checkpoint(soFar, state, stopping.bestEpoch(),
                                            stopping.bestValue(), stopping.bestParams(), List.copyOf(steps)),
                                    spark.sparkContext().hadoopConfiguration());
                            newestCheckpoint[0] = dir;
                            progress.line("checkpoint " + dir);
                        }
                    };
            long started = System.nanoTime();
            DistributedTrainer.Result result;
            try {
                result = new DistributedTrainer(sc, settings).fit(train, start,
                        (step, stepsPerEpoch) -> {
                            steps.add(step);
                            progress.step(step, stepsPerEpoch, settings.epochs());
                        },
                        (epoch, params, trainLoss, trainAccuracy) -> {
                            long validationStart = System.nanoTime();
                            Map<String, Double> metrics = new LinkedHashMap<>();
                            metrics.put("train_loss", trainLoss);
                            if (!Double.isNaN(trainAccuracy)) {
                                metrics.put("train_accuracy", trainAccuracy);
                            }
                            if (validation != null) {
                                Evaluation.of(sc, validation, spec, params, settings.blockRows()).metrics()
                                        .forEach((name, value) -> metrics.put("validation_" + name, value));
                            }
                            EpochRecord record = epochRecord(epoch, metrics, steps,
                                    (System.nanoTime() - validationStart) / 1e9);
                            history.add(record);
                            progress.line(String.format(Locale.ROOT, "epoch %d/%d %s seconds=%.2f rows_per_second=%.0f",
                                    epoch + 1, settings.epochs(), format(metrics), record.seconds(),
                                    record.trainRowsPerSecond()));
                            return stopping.update(epoch + 1, metrics, params);
                        }, checkpoints);
            } catch (TrainingDivergedException e) {
                if (newestCheckpoint[0] == null) {
                    throw e;
                }
                throw new TrainingDivergedException(e.iteration(), e.getMessage() + ". The newest checkpoint, "
                        + newestCheckpoint[0] + ", is from before it: sparkprop train --resume " + newestCheckpoint[0]
                        + " --set optimizer.learning_rate=<lower> continues from there");
            } finally {
                progress.finish();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (result.skipped() > 0) {
                progress.line("skipped " + result.skipped() + " of " + result.history().size() + " steps whose loss"
                        + " or gradient was not finite (training.on_non_finite = \"skip\")");
            }
            double[] params = stopping.on() ? stopping.bestParams() : result.params();
            KeptEpoch kept = stopping.kept(history, settings.epochs());
            if (stopping.on()) {
                progress.line(String.format("early stopping: keeping epoch %d, best %s=%.6g", stopping.bestEpoch(),
                        stopping.metric(), stopping.bestValue()));
            }
            SavedModel model = model(config, spec, prep, params, history, train.droppedByColumn());
            Evaluation trainMetrics = Evaluation.of(sc, train, spec, params, settings.blockRows());
            Evaluation validationMetrics = validation == null ? null
                    : Evaluation.of(sc, validation, spec, params, settings.blockRows());
            return new Result(model, trainMetrics, validationMetrics, result.iterations(), seconds, List.copyOf(steps),
                    kept);
        }
    }

    /**
     * An epoch's metrics with its time: its steps (whichever run took them) and its validation
     * pass; its rows/s over its steps' time.
     */
    private static EpochRecord epochRecord(int epoch, Map<String, Double> metrics,
                                           List<DistributedTrainer.Iteration> steps, double validationSeconds) {
        int first = steps.size();
        while (first > 0 && steps.get(first - 1).epoch() == epoch) {
            first--;
        }
        double stepSeconds = 0;
        long rows = 0;
        for (DistributedTrainer.Iteration step : steps.subList(first, steps.size())) {
            stepSeconds += step.seconds();
            rows += step.rows();
        }
        return new EpochRecord(epoch + 1, metrics, stepSeconds + validationSeconds, rows / stepSeconds);
    }

    private static SavedModel model(JobConfig config, NetworkSpec spec, Preprocessing prep, double[] params,
                                    List<EpochRecord> history, Map<String, Long> droppedRows) {
        return new SavedModel(new ModelMetadata(ModelMetadata.FORMAT_VERSION, spec.layersSpec(), spec.loss().name(),
                params.length, prep, config.effective(), history, droppedRows, version(), Instant.now().toString()),
                params.clone());
    }

    /** training.class_weights as one weight per class index, or null. */
    private static double[] classWeights(JobConfig config, Preprocessing prep, long[] counts) {
        ClassWeights spec = config.training().classWeights();
        if (spec.none()) {
            return null;
        }
        if (prep.classes() == null) {
            throw new IllegalArgumentException("training.class_weights applies to classification; network.loss "
                    + config.network().loss().name() + " with these labels has no classes");
        }
        int k = prep.classes().size();
        double[] weights = new double[k];
        if (spec.balanced()) {
            long total = Arrays.stream(counts).sum();
            for (int c = 0; c < k; c++) {
                // A class with no training rows weighs nothing in the objective whatever its weight
                weights[c] = counts[c] == 0 ? 1 : (double) total / (k * counts[c]);
            }
            return weights;
        }
        List<Double> given = spec.given();
        if (given.size() != k) {
            throw new IllegalArgumentException("training.class_weights lists " + given.size() + " weights but the data"
                    + " has " + k + " classes " + prep.classes() + "; give one per class, in that order");
        }
        for (int c = 0; c < k; c++) {
            weights[c] = given.get(c);
        }
        return weights;
    }

    static String format(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((name, value) -> sb.append(sb.length() == 0 ? "" : " ").append(name).append('=')
                .append(String.format(name.endsWith("loss") ? "%.12g" : "%.4f", value)));
        return sb.toString();
    }

    static String version() {
        String v = Training.class.getPackage().getImplementationVersion();
        return "sparkprop " + (v == null ? "development build" : v);
    }

    /** Tracks the best epoch of a metric and says when patience has run out. */
    private static final class EarlyStopping {
        private final EarlyStoppingSection settings;
        private double bestValue = Double.NaN;
        private int bestEpoch;
        private double[] bestParams;

        EarlyStopping(EarlyStoppingSection settings) {
            this.settings = settings;
        }

        /** Records an epoch; false once {@code patience} epochs have passed without improvement. */
        boolean update(int epoch, Map<String, Double> metrics, double[] params) {
            if (!settings.on()) {
                return true;
            }
            String metric = settings.metric();
            Double value = metrics.get(metric);
            if (value == null) {
                throw new IllegalArgumentException("training.early_stopping.metric " + metric + " is not measured;"
                        + " measured are " + metrics.keySet());
            }
            boolean better = Double.isNaN(bestValue)
                    || (EarlyStoppingSection.higherIsBetter(metric) ? value > bestValue : value < bestValue);
            if (better) {
                bestValue = value;
                bestEpoch = epoch;
                bestParams = params.clone();
            }
            return epoch - bestEpoch < settings.patience();
        }

        /** Takes up a checkpoint's best epoch (0 for none yet), value and weights. */
        void restore(int epoch, double value, double[] params) {
            bestEpoch = epoch;
            bestValue = value;
            bestParams = params;
        }

        boolean on() {
            return settings.on();
        }

        String metric() {
            return settings.metric();
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

        /** Which epoch of {@code history} (of a run of {@code epochs} at most) the model keeps, and why. */
        KeptEpoch kept(List<EpochRecord> history, int epochs) {
            int last = history.get(history.size() - 1).epoch();
            if (!settings.on()) {
                return new KeptEpoch(last, "the last epoch (no early stopping)");
            }
            String why = String.format(Locale.ROOT, "early stopping (patience %d) keeps the epoch with the best %s,"
                    + " %.6g", settings.patience(), settings.metric(), bestValue);
            return new KeptEpoch(bestEpoch, why + (last < epochs ? "; training stopped after epoch " + last + ", "
                    + (last - bestEpoch) + " epochs without improvement" : ", of all " + epochs + " epochs"));
        }
    }
}
