package dev.sparkprop.driver.job;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.config.DataSection;
import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.config.OutputSection;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.report.TrainingReport;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.DataColumns;
import dev.sparkprop.nn.NetworkSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A whole training job from its config: read the data, train it with {@link Training} (the loop
 * the Spark ML estimators share), write the model directory and the report. Outputs are checked
 * before any work and written only when complete.
 */
public final class TrainJob {

    private final JobConfig config;
    private final SparkSession spark;
    private final PrintStream out;
    private final Checkpoints.Checkpoint resume;
    /** Whether other checkpoints under training.checkpoint.path may be deleted (output.overwrite; on a resume, given now). */
    private final boolean replaceCheckpoints;

    public TrainJob(JobConfig config, SparkSession spark, PrintStream out) {
        this(config, spark, out, null, config.output().overwrite());
    }

    private TrainJob(JobConfig config, SparkSession spark, PrintStream out, Checkpoints.Checkpoint resume,
                     boolean replaceCheckpoints) {
        this.config = config;
        this.spark = spark;
        this.out = out;
        this.resume = resume;
        this.replaceCheckpoints = replaceCheckpoints;
    }

    /**
     * The job a checkpoint (or the newest under a training.checkpoint.path) belongs to, set to
     * continue from it with its own config, so the run ends as the uninterrupted one would;
     * {@code overrides} ({@code key=value}) change that config, e.g. a lower learning rate after
     * a step went NaN.
     */
    public static TrainJob resuming(String checkpoint, List<String> overrides, SparkSession spark, PrintStream out) {
        Checkpoints.Checkpoint c = Checkpoints.read(checkpoint, spark.sparkContext().hadoopConfiguration());
        JobConfig checkpointed = Resumption.checkpointed(c);
        List<String> settings = new ArrayList<>();
        if (checkpointed.output().reportBesideModel()) {
            // Saved resolved; as "" again, it follows an output.model_path given now (unless one is given too)
            settings.add(OutputSection.REPORT_PATH.key() + "=");
        }
        // Before the overrides, so that a --set of the same key wins
        settings.addAll(Resumption.kept(c, checkpointed));
        settings.addAll(overrides);
        JobConfig config = LoadedModel.config(c.model(), settings);
        Resumption.check(c, checkpointed, config);
        // The checkpointed job's output.overwrite is for its outputs; deleting checkpoints past the one resumed
        // must be asked for now
        boolean overwriteGiven = overrides.stream()
                .anyMatch(o -> JobConfigLoader.overrideKey(o).equals(OutputSection.OVERWRITE.key()));
        return new TrainJob(config, spark, out, c, overwriteGiven && config.output().overwrite());
    }

    public SavedModel run() {
        config.requireColumnsApart();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        OutputSection output = config.output();
        if (output.modelPath().isEmpty()) {
            throw new IllegalArgumentException("output.model_path is not set; name the directory to write the model to");
        }
        checkApart("output.model_path", output.modelPath(), hadoop);
        checkApart("output.report_path", output.reportPath(), hadoop);
        OutputPaths.checkReportApart(output.reportPath(), "output.report_path", output.modelPath(), "output.model_path",
                hadoop);
        // What overwrite cannot mend first, so that its hint is never followed by another refusal
        OutputPaths.checkCanBeDirectory(output.modelPath(), "output.model_path", hadoop);
        OutputPaths.checkCanBeDirectory(output.reportPath(), "output.report_path", hadoop);
        TrainingReport.checkReplaceable(output.reportPath(), "output.report_path", hadoop);
        // Its refusals alone (as with overwrite): the hint below names the command line's setting
        ModelDirectory.checkWritable(output.modelPath(), true, hadoop);
        String overwrite = "set output.overwrite = true (--set output.overwrite=true)";
        OutputPaths.checkWritable(output.modelPath(), output.overwrite(), "output.model_path", overwrite, hadoop);
        OutputPaths.checkWritable(output.reportPath(), output.overwrite(), "output.report_path", overwrite, hadoop);
        long resumedAt = resume == null ? -1 : resume.state().iteration();
        List<Path> replaced = config.training().checkpoint().path().map(c -> {
            DataSection data = config.data();
            OutputPaths.checkCheckpointsApart(c, "training.checkpoint.path", data.path(), "data.path", hadoop);
            data.validationPath().ifPresent(v -> OutputPaths.checkCheckpointsApart(c, "training.checkpoint.path", v,
                    "data.validation_path", hadoop));
            OutputPaths.checkCanBeDirectory(c, "training.checkpoint.path", hadoop);
            return Checkpoints.checkPath(c, resumedAt, replaceCheckpoints, Checkpoints.PathNames.cli(resume != null),
                    hadoop);
        }).orElse(List.of());
        ProgressLine progress = ProgressLine.console(out, System.getenv(ProgressLine.MODE_VARIABLE));
        try {
            return train(progress, hadoop, replaced);
        } catch (RuntimeException e) {
            // A failure while a phase is the live line: the error starts a line of its own
            progress.finish();
            throw e;
        }
    }

    private SavedModel train(ProgressLine progress, Configuration hadoop, List<Path> replaced) {
        OutputSection output = config.output();
        DataSection data = config.data();
        progress.phase("reading data.path '" + data.path() + "' (" + data.format() + ")");
        DataSource.Rows all = read("data.path", data.path());
        List<DataSource.Rows> read = new ArrayList<>(List.of(all));
        Training.Prepared prepared;
        try {
            DataSource.Rows validationRows = data.validationPath().map(path -> {
                progress.phase("reading data.validation_path '" + path + "'");
                return DataSource.readToValidate(spark, "data.validation_path", path, data.format(),
                        data.csvHeader(), data.csvDelimiter(), all);
            }).orElse(null);
            if (validationRows != null) {
                read.add(validationRows);
            }
            DataColumns columns = columns(data, all.rows());
            checkColumns(data, columns, all.rows(), validationRows == null ? null : validationRows.rows());
            progress.phase("preparing the rows: column types, classes, statistics");
            prepared = Training.prepare(config, all, validationRows, columns, null).releasing(read);
        } catch (RuntimeException e) {
            read.forEach(DataSource.Rows::release);
            throw e;
        }
        // Printed once the data has given an auto input width its number
        progress.line("effective config:");
        out.println(prepared.config().render());
        Training.Result result = Training.run(spark, prepared, resume, replaced, progress);
        SavedModel model = result.model();
        NetworkSpec spec = prepared.settings().network();
        String validationMetrics = "";
        boolean validated = result.validation() != null;
        if (validated) {
            validationMetrics = " " + result.validation().format("validation_");
        }
        // The same rows as the report's per-class table
        String perClass = (validated ? result.validation() : result.train()).perClassTable();
        if (!perClass.isEmpty()) {
            out.print((validated ? "on the validation rows:\n" : "on the training rows (no validation rows"
                    + (config.training().classWeights().none() ? "" : "; weighted by class, as the train_ metrics are")
                    + "):\n") + perClass);
        }
        ModelDirectory.write(model, output.modelPath(), output.overwrite(), hadoop);
        TrainingReport.write(new TrainingReport.Contents("sparkprop: " + spec, model.metadata().history(),
                result.kept().epoch(), result.kept().why(),
                (validated ? result.validation() : result.train()).perClass(),
                validated ? "validation rows" : "training rows (no validation rows)", model.metadata().config(),
                result.steps()), output.reportPath(), hadoop);
        out.printf("model written to %s, report to %s%n", output.modelPath(), output.reportPath());
        out.printf("final %s%s epochs=%d iterations=%d seconds=%.2f%n", result.train().format("train_"),
                validationMetrics, model.metadata().history().size(), result.iterations(), result.seconds());
        return model;
    }

    /** Fails when the output {@code key} would replace (or sit inside) the data or replace the checkpoints. */
    private void checkApart(String key, String path, Configuration hadoop) {
        DataSection data = config.data();
        OutputPaths.checkApart(path, key, data.path(), "data.path", hadoop);
        data.validationPath().ifPresent(v -> OutputPaths.checkApart(path, key, v, "data.validation_path", hadoop));
        config.training().checkpoint().path().ifPresent(
                c -> OutputPaths.checkNotOver(path, key, c, "training.checkpoint.path", hadoop));
    }

    /** @param key the job key that names {@code path} */
    private DataSource.Rows read(String key, String path) {
        DataSection data = config.data();
        return DataSource.readToTrain(spark, key, path, data.format(), data.csvHeader(), data.csvDelimiter());
    }

    /** The key that names a column of each role in the job file. */
    private static final Map<String, String> KEY_OF_ROLE = Map.of("feature", DataSection.FEATURES.key(),
            "label", DataSection.LABEL.key(), "weight", DataSection.WEIGHT.key(), "id", DataSection.ID_COLUMNS.key(),
            "excluded", DataSection.EXCLUDE.key());

    /**
     * Fails unless the training rows have every column the job names (the validation rows those
     * training reads), naming all that are absent at once and the keys to correct: before any
     * pass over the data.
     */
    private static void checkColumns(DataSection data, DataColumns columns, Dataset<Row> train,
                                     Dataset<Row> validation) {
        Function<List<Columns.Wanted>, String> fix = absent -> "correct " + Prose.list(
                absent.stream().map(w -> KEY_OF_ROLE.get(w.role())).distinct().toList())
                + (data.csvHeader() || !data.format().equalsIgnoreCase("csv") ? ""
                        : " (data.csv.header = false names the columns _c0, _c1, ...)");
        List<Columns.Wanted> wanted = new ArrayList<>(columns.wanted());
        wanted.addAll(Columns.Wanted.all("id", data.idColumns()));
        wanted.addAll(Columns.Wanted.all("excluded", data.exclude()));
        Columns.requireAll(Columns.names(train), wanted, "the data", fix);
        if (validation != null) {
            Columns.requireAll(Columns.names(validation), columns.wanted(), "data.validation_path's data",
                    absent -> "validation rows need the columns training reads from data.path's");
        }
    }

    /** The columns {@code data} names in {@code df}; data.features = [] means every column not used otherwise. */
    public static DataColumns columns(DataSection data, Dataset<Row> df) {
        List<String> features = data.features();
        if (features.isEmpty()) {
            features = new ArrayList<>(Columns.names(df));
            features.removeAll(data.labels());
            features.removeAll(data.idColumns());
            features.removeAll(data.exclude());
            data.weight().ifPresent(features::remove);
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("no feature columns are left in the data after taking out the label,"
                    + " weight, id and excluded columns");
        }
        return new DataColumns(features, data.labels(), data.weight().orElse(null), data.categorical());
    }
}
