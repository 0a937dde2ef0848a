package dev.sparkprop.driver.job;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.spark.BlasThreads;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.spark.SparkSessions;
import dev.sparkprop.driver.train.ColumnTypes;
import dev.sparkprop.driver.train.DataColumns;
import dev.sparkprop.driver.train.DataFrameRows;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.driver.train.NumericTable;
import dev.sparkprop.driver.train.PreprocessingFitter;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.driver.train.TrainingRows;
import dev.sparkprop.driver.train.TrainerState;
import dev.sparkprop.driver.train.TrainingDivergedException;
import dev.sparkprop.driver.train.TrainingSettings;
import dev.sparkprop.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

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
     * @param releases       unpersist what was cached for the passes of the preparation and of
     *                       {@link #cache}, which runs them once the blocks hold the rows
     */
    public record Prepared(JobConfig config, TrainingSettings settings, TrainingRows trainRows,
                           TrainingRows validationRows, PreprocessingFitter.Fitted fitted, List<Runnable> releases) {

        /**
         * These, with {@code rows} too, unpersisted once the blocks hold them: for a caller whose
         * rows are its own, read cached for these passes ({@link DataSource#readToTrain}).
         */
        public Prepared releasing(List<DataSource.Rows> rows) {
            List<Runnable> all = new ArrayList<>(releases);
            rows.forEach(r -> all.add(r::release));
            return new Prepared(config, settings, trainRows, validationRows, fitted, List.copyOf(all));
        }

        /** Runs the {@link #releases}. */
        void release() {
            releases.forEach(Runnable::run);
        }
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
        return prepare(config, new DataSource.Rows(rows, null),
                validationRows == null ? null : new DataSource.Rows(validationRows, null), columns, classes);
    }

    /**
     * {@code e}, the training rows' classes not matching the output layer, or when the split put
     * every row of a class into the validation rows (a rare class), that: fixing the layer would
     * only move the error to the validation rows.
     */
    private static IllegalArgumentException classesSplitOff(IllegalArgumentException e, TrainingRows train,
                                                            TrainingRows validation, DataColumns columns,
                                                            double fraction, long seed) {
        if (columns.labels().size() != 1) {
            return e;
        }
        List<String> only = PreprocessingFitter.classesOnlyIn(validation, train, columns.labels().get(0));
        if (only.isEmpty()) {
            return e;
        }
        return new IllegalArgumentException("data.validation_fraction = " + fraction + " (split by training.seed = "
                + seed + ") put every row of class" + (only.size() == 1 ? " '" + only.get(0) + "'"
                : "es " + Columns.printable(only)) + " into the validation rows, so the training rows lack "
                + (only.size() == 1 ? "it" : "them") + "; change training.seed, lower data.validation_fraction, or"
                + " give the validation rows apart with data.validation_path", e);
    }

    private static IllegalArgumentException noValidationRowsLeft(double fraction) {
        return new IllegalArgumentException("data.validation_fraction = " + fraction + " left no validation rows; raise"
                + " it, or set it to 0 to train without validation");
    }

    private static IllegalArgumentException noTrainingRowsLeft(double fraction) {
        return new IllegalArgumentException("data.validation_fraction = " + fraction + " left no training rows; lower"
                + " it, or give the validation rows apart with data.validation_path");
    }

    /**
     * As {@link #prepare(JobConfig, Dataset, Dataset, DataColumns, List)}, for rows that may come
     * parsed into a {@link NumericTable} too, whose passes read it instead of the DataFrame.
     */
    public static Prepared prepare(JobConfig config, DataSource.Rows rows, DataSource.Rows validationRows,
                                   DataColumns columns, List<String> classes) {
        double fraction = config.data().validationFraction();
        long seed = config.training().seed();
        // From the schema and the config alone: before any pass over the rows
        ColumnTypes.checkTargetWidth(rows.rows().schema(), columns.labels(), config.network().task(),
                config.network().outputWidth());
        List<Runnable> releases = new ArrayList<>();
        try {
            TrainingRows train;
            TrainingRows validation = validationRows == null ? null : validationRows.passes();
            // The rows whose schema gives the column types, and whose values give the categories
            Dataset<Row> typed = rows.rows();
            // A table reads numbers only: categories take the DataFrame's distinct values
            if (rows.numbers() != null && columns.categorical().isEmpty()) {
                train = rows.numbers();
                if (validation == null && fraction > 0) {
                    NumericTable[] split = rows.numbers().split(fraction, seed);
                    releases.add(split[0]::close);
                    train = split[0];
                    validation = split[1];
                    if (train.isEmpty() && !validation.isEmpty()) {
                        throw noTrainingRowsLeft(fraction);
                    }
                }
            } else {
                Dataset<Row> trainRows = rows.rows();
                Dataset<Row> source = trainRows;
                if (validation == null && fraction > 0) {
                    Dataset<Row>[] split = trainRows.randomSplit(new double[] {1 - fraction, fraction}, seed);
                    trainRows = split[0];
                    validation = new DataFrameRows(split[1]);
                }
                // The passes below and the one that builds the blocks all read the training rows: computed once
                // (for a split half, randomSplit sorts each partition by every column) and cached, unless they
                // already are.
                if (trainRows.storageLevel().equals(StorageLevel.NONE())) {
                    Dataset<Row> cached = trainRows.persist(StorageLevel.MEMORY_AND_DISK());
                    releases.add(() -> cached.unpersist(false));
                }
                // Fills the cache on every core at once; the first pass below would take a partition at a time.
                if (trainRows.count() == 0 && validationRows == null && validation != null && !validation.isEmpty()) {
                    throw noTrainingRowsLeft(fraction);
                }
                // Malformed lines count over the whole source: those split off may explain a class the rest lack
                train = new DataFrameRows(trainRows, source);
                typed = trainRows;
            }
            List<FeatureColumn> features = PreprocessingFitter.features(typed, train, columns, config.data().missing());
            JobConfig resolved = config.withInputWidth(PreprocessingFitter.width(features));
            TrainingSettings settings = TrainingSettings.of(resolved);
            PreprocessingFitter.Fitted fitted;
            try {
                fitted = PreprocessingFitter.fit(train, columns, features, settings.network(),
                        resolved.data().standardize(), resolved.data().missing(), classes);
            } catch (PreprocessingFitter.ClassCountMismatch e) {
                boolean split = validationRows == null && validation != null;
                throw split && classes == null ? classesSplitOff(e, train, validation, columns, fraction, seed) : e;
            }
            return new Prepared(resolved, settings, train, validation, fitted, List.copyOf(releases));
        } catch (RuntimeException e) {
            releases.forEach(Runnable::run);
            throw e;
        }
    }

    /**
     * {@link #prepare}, then {@link #run(SparkSession, Prepared, Checkpoints.Checkpoint, List, ProgressLine)},
     * replacing no checkpoints.
     *
     * @param progress is fed every step, and shows one line per epoch and a few more
     */
    public static Result run(SparkSession spark, JobConfig config, Dataset<Row> rows, Dataset<Row> validationRows,
                             DataColumns columns, List<String> classes, Checkpoints.Checkpoint resume,
                             ProgressLine progress) {
        return run(spark, prepare(config, rows, validationRows, columns, classes), resume, List.of(), progress);
    }

    /**
     * Trains on prepared data, continuing from {@code resume} (null to start afresh): with the
     * same data, a resumed run ends in the model the uninterrupted run would have, to the last bit.
     *
     * @param replaced other checkpoints under training.checkpoint.path, to delete once the run has written
     *                 its first ({@link Checkpoints#checkPath})
     * @param progress is fed every step, and shows one line per epoch and a few more
     */
    public static Result run(SparkSession spark, Prepared prepared, Checkpoints.Checkpoint resume,
                             List<Path> replaced, ProgressLine progress) {
        BlasThreads.warnOnce(spark.sparkContext());
        JobConfig config = prepared.config();
        TrainingSettings settings = prepared.settings();
        NetworkSpec spec = settings.network();
        Preprocessing prep = prepared.fitted().preprocessing();
        if (resume != null && !prep.sameAs(resume.model().metadata().preprocessing())) {
            prepared.release();
            throw new IllegalArgumentException("the data is not what the checkpoint was trained on: its"
                    + " preprocessing (statistics, categories or classes) differs; resume on the same data");
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        progress.phase("caching the rows as blocks of " + settings.blockRows() + " rows");
        try (Cached data = cache(prepared)) {
            TrainingData train = data.train();
            TrainingData validation = data.validation();
            announce(progress, settings, train, validation);
            if (data.classWeights() != null) {
                progress.line(classWeightsLine(prep.classes(), data.classWeights()));
            }
            ModelTemplate template = new ModelTemplate(config, spec, prep, train.droppedByColumn());
            EarlyStopping stopping = new EarlyStopping(config.training().earlyStopping());
            EpochMetrics epochs = new EpochMetrics(sc, validation, spec, settings.blockRows(), settings.epochs(),
                    progress, stopping);
            TrainerState start = TrainerState.start(settings.initialParameters(), settings.initialOptimizerState());
            if (resume != null) {
                epochs.restore(resume);
                stopping.restore(resume);
                start = resume.state();
                progress.line("resuming at " + Checkpoints.describe(resume, settings.epochs())
                        + (resume.steps().isEmpty() && start.iteration() > 0 ? "; the checkpoint has no record of the"
                        + " steps before it, so the report's steps.csv starts after them" : ""));
            }
            CheckpointPolicy checkpoints = new CheckpointPolicy(config.training().checkpoint(),
                    spark.sparkContext().hadoopConfiguration(), progress, state -> new Checkpoints.Checkpoint(
                    template.with(state.params(), epochs.history()), state, stopping.bestEpoch(),
                    stopping.bestValue(), stopping.bestParams(), epochs.steps(), train.partitions()), start.iteration(),
                    replaced);

            long started = System.nanoTime();
            DistributedTrainer.Result result;
            try {
                result = new DistributedTrainer(sc, settings).fit(train, start, epochs, epochs, checkpoints);
            } catch (TrainingDivergedException e) {
                throw checkpoints.withResumeAdvice(e);
            } finally {
                progress.finish();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (result.converged() != null) {
                progress.line(settings.optimizer().kind().name() + " converged after iteration " + result.iterations()
                        + ": " + result.converged());
            }
            if (result.skipped() > 0) {
                // At k > 1 history holds a record per job, and skipped counts the tasks' steps left out
                String of = settings.localSteps() == 1 ? " of " + result.history().size() : " local";
                progress.line("skipped " + result.skipped() + of + " steps whose loss"
                        + " or gradient was not finite (training.on_non_finite = \"skip\")");
            }

            double[] params = stopping.on() ? stopping.bestParams() : result.params();
            String converged = result.converged() == null ? null
                    : settings.optimizer().kind().name() + " converged";
            KeptEpoch kept = stopping.kept(epochs.history(), settings.epochs(), converged);
            if (stopping.on()) {
                int last = epochs.history().get(epochs.history().size() - 1).epoch();
                String ended = last < settings.epochs() ? EarlyStopping.ended(last, converged)
                        : settings.epochs() == 1 ? "did not stop: its one epoch ran"
                        : "did not stop: all " + settings.epochs() + " epochs ran";
                progress.line(String.format("early stopping: keeping epoch %d, best %s=%.6g (%s)", stopping.bestEpoch(),
                        stopping.metric(), stopping.bestValue(), ended));
            }
            Evaluation trainMetrics = Evaluation.of(sc, train, spec, params, settings.blockRows());
            Evaluation validationMetrics = validation == null ? null
                    : Evaluation.of(sc, validation, spec, params, settings.blockRows());
            return new Result(template.with(params, epochs.history()), trainMetrics, validationMetrics,
                    result.iterations(), seconds, epochs.steps(), kept);
        }
    }

    /**
     * The prepared rows encoded into cached blocks, ready for the first step.
     *
     * @param validation   null without validation rows
     * @param classWeights the training rows' weight per class index (training.class_weights), or null
     */
    public record Cached(TrainingData train, TrainingData validation, double[] classWeights) implements AutoCloseable {
        @Override
        public void close() {
            train.close();
            if (validation != null) {
                validation.close();
            }
        }
    }

    /**
     * Encodes and caches the prepared training (and validation) rows, then unpersists the
     * prepared {@link Prepared#caches}; closing the result uncaches the blocks.
     */
    public static Cached cache(Prepared prepared) {
        try {
            return encode(prepared);
        } finally {
            prepared.release();
        }
    }

    private static Cached encode(Prepared prepared) {
        TrainingSettings settings = prepared.settings();
        NetworkSpec spec = settings.network();
        Preprocessing prep = prepared.fitted().preprocessing();
        JobConfig config = prepared.config();
        double[] classWeights = ClassWeighting.perClass(config.training().classWeights(), spec.loss(), prep.classes(),
                prepared.fitted().classCounts());
        TrainingData train = TrainingData.forTraining(prepared.trainRows(), config.spark().partitions(),
                "the training data", prep, spec, settings.blockRows(), classWeights, settings.numberType());
        try {
            // Class weights shape the training objective only; validation metrics stay unweighted, as
            // evaluate computes them.
            TrainingData validation;
            try {
                validation = prepared.validationRows() == null ? null
                        : TrainingData.fromRows(prepared.validationRows(), "the validation data", prep, spec,
                        settings.blockRows(), null, settings.numberType());
            } catch (TrainingData.NoRows e) {
                // Found where the rows are encoded anyway: a check of the split's half up front would read it again
                double fraction = config.data().validationFraction();
                throw config.data().validationPath().isEmpty() && fraction > 0 ? noValidationRowsLeft(fraction) : e;
            }
            return new Cached(train, validation, classWeights);
        } catch (RuntimeException e) {
            train.close();
            throw e;
        }
    }

    /** The class weights in use, which train_ metrics include and validation_ metrics leave out. */
    static String classWeightsLine(List<String> classes, double[] weights) {
        StringBuilder line = new StringBuilder("class weights (training.class_weights)");
        for (int c = 0; c < weights.length; c++) {
            line.append(c == 0 ? " " : ", ").append(classes.get(c)).append('=')
                    .append(String.format(Locale.ROOT, "%.4g", weights[c]));
        }
        return line.append(": they weigh the loss and the train_ metrics; validation_ metrics are unweighted")
                .toString();
    }

    /** The rows dropped (data.missing = "drop"), and what is about to train on what. */
    private static void announce(ProgressLine progress, TrainingSettings settings, TrainingData train,
                                 TrainingData validation) {
        for (String dropped : new String[] {train.droppedSummary("training rows"),
                validation == null ? null : validation.droppedSummary("validation rows")}) {
            if (dropped != null) {
                progress.line(dropped);
            }
        }
        // Local steps change what a step is, so the line says when they ran; k = 1 is the plain line.
        int k = settings.localSteps();
        int steps = DistributedTrainer.stepsPerEpoch(train, settings);
        // A job never spans two epochs: a k above an epoch's steps runs as that many, which is said with the fix
        String fewer = k <= steps ? "" : String.format(" (%d here: an epoch has %d step%s; %s)", steps, steps,
                steps == 1 ? "" : "s", settings.batchRows() == 0
                        ? "set training.iterations_per_epoch to " + k + " or more"
                        : "fewer training.batch_rows make more");
        String mode = k == 1 ? "" : String.format(", %d local steps per job%s, outer %s", k, fewer,
                settings.outerOptimizer().name());
        progress.line(String.format("training %s on %s in %s%s%s", settings.network(), Prose.count(train.rows(), "row"),
                Prose.count(train.partitions(), "partition"), mode,
                validation == null ? "" : ", validating on " + validation.rows()));
        long onDisk = train.bytesOnDisk() + (validation == null ? 0 : validation.bytesOnDisk());
        if (onDisk > 0) {
            // Said once here: Spark's MemoryStore warns at every pass that reads them back
            long all = train.cachedBytes() + (validation == null ? 0 : validation.cachedBytes());
            progress.line(String.format(Locale.ROOT, "the cached blocks take %d MiB, of which %d MiB did not fit in"
                    + " Spark's storage memory and are read from disk at every pass, which is slower; %s", all >> 20,
                    onDisk >> 20, SparkSessions.MORE_MEMORY));
        }
    }

}
