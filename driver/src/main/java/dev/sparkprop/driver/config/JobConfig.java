package dev.sparkprop.driver.config;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.model.PredictionColumns;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Task;
import dev.sparkprop.nn.optim.Lbfgs;
import dev.sparkprop.nn.optim.LearningRateSchedules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A validated training job, in the sections of the reference config
 * ({@code dev/sparkprop/reference.conf}, which documents each key), holding parsed values:
 * {@link #data}, {@link #network}, {@link #optimizer}, {@link #training} (with early stopping and
 * checkpoints), {@link #spark} and {@link #output}. Built by {@link JobConfigLoader}. Immutable.
 * Each key is declared once, in its section ({@link Setting} says how to add one).
 */
public final class JobConfig {

    /** Every key, in the reference's order. */
    public static final List<Setting<?>> SETTINGS = Stream.of(DataSection.SETTINGS, NetworkSection.SETTINGS,
            OptimizerSection.SETTINGS, TrainingSection.SETTINGS, SparkSection.SETTINGS, OutputSection.SETTINGS)
            .flatMap(List::stream).toList();

    private final DataSection data;
    private final NetworkSection network;
    private final OptimizerSection optimizer;
    private final TrainingSection training;
    private final SparkSection spark;
    private final OutputSection output;
    private final Map<String, String> effective;

    /** Reads and checks each key on its own; problems go to {@code r}; see {@link #checkAcrossKeys}. */
    JobConfig(ConfigReader r) {
        data = DataSection.read(r);
        network = NetworkSection.read(r);
        optimizer = OptimizerSection.read(r);
        training = TrainingSection.read(r);
        spark = SparkSection.read(r);
        output = OutputSection.read(r);
        effective = Collections.unmodifiableMap(new TreeMap<>(r.effective()));
    }

    /** Reports keys whose values are fine on their own but contradict each other. */
    void checkAcrossKeys(ConfigReader r) {
        if (r.valid(DataSection.VALIDATION_PATH.key(), DataSection.VALIDATION_FRACTION.key())
                && data.validationPath().isPresent() && data.validationFraction() > 0) {
            r.problem(DataSection.VALIDATION_FRACTION.key(), "must be 0 when data.validation_path is set; validate on"
                    + " one or the other");
        }
        if (r.valid(TrainingSection.BATCH_ROWS.key(), TrainingSection.ITERATIONS_PER_EPOCH.key())
                && training.batchRows() > 0 && training.iterationsPerEpoch() > 0) {
            r.problem(TrainingSection.ITERATIONS_PER_EPOCH.key(), "must be 0 when training.batch_rows is set: in"
                    + " mini-batch mode one epoch is one pass over the data");
        }
        checkLbfgs(r);
        EarlyStoppingSection stopping = training.earlyStopping();
        if (r.valid(EarlyStoppingSection.PATIENCE.key(), EarlyStoppingSection.METRIC.key(),
                DataSection.VALIDATION_PATH.key(), DataSection.VALIDATION_FRACTION.key()) && stopping.on()
                && stopping.metric().startsWith("validation_") && !data.hasValidation()) {
            r.problem(EarlyStoppingSection.METRIC.key(), stopping.metric() + " needs validation data; set"
                    + " data.validation_path or data.validation_fraction, or watch train_loss");
        }
        if (r.valid(EarlyStoppingSection.PATIENCE.key(), EarlyStoppingSection.METRIC.key(), NetworkSection.LAYERS.key(),
                NetworkSection.LOSS.key()) && stopping.on()
                && !EarlyStoppingSection.measuredFor(stopping.metric(), network.task())) {
            Task task = network.task();
            r.problem(EarlyStoppingSection.METRIC.key(), stopping.metric() + " is not measured for a " + kindName(task)
                    + " (network.layers' last layer, network.loss); watch one of " + String.join(", ",
                    EarlyStoppingSection.METRICS.stream().filter(m -> EarlyStoppingSection.measuredFor(m, task)).toList()));
        }
        if (r.valid(TrainingSection.CLASS_WEIGHTS.key(), NetworkSection.LAYERS.key(), NetworkSection.LOSS.key())
                && !training.classWeights().none() && !network.task().hasClasses()) {
            // Said before any data is read (ClassWeighting checks the labels' classes once they are)
            r.problem(TrainingSection.CLASS_WEIGHTS.key(), "applies to classification, and a " + kindName(network.task())
                    + " (network.layers' last layer, network.loss) has no classes; remove training.class_weights");
        }
        if (r.valid(TrainingSection.CLASS_WEIGHTS.key(), DataSection.WEIGHT.key()) && !training.classWeights().none()
                && data.weight().isPresent()) {
            r.problem(TrainingSection.CLASS_WEIGHTS.key(), "cannot be combined with data.weight; weight rows by class"
                    + " or by column, not both");
        }
    }

    /**
     * Fails when a feature column is listed as the label, the weight or an id too: the model would
     * read what it predicts (and score 100% in validation), or a row's weight or id; or when an id
     * column has the name of a column predict writes, which predict would refuse. Checked when a
     * job is to train, not when a saved model's config is read: models trained so still load.
     */
    public void requireColumnsApart() {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> roles = new LinkedHashMap<>();
        roles.put(DataSection.LABEL.key(), data.labels());
        roles.put(DataSection.WEIGHT.key(), data.weight().map(List::of).orElse(List.of()));
        roles.put(DataSection.ID_COLUMNS.key(), data.idColumns());
        roles.forEach((key, columns) -> {
            List<String> both = data.features().stream().filter(columns::contains).distinct().toList();
            if (!both.isEmpty()) {
                problems.add(DataSection.FEATURES.key() + ": lists " + Prose.list(both.stream().map(c -> "'" + c + "'")
                        .toList()) + ", which " + key
                        + " names too; a column is a feature or the " + (key.equals(DataSection.ID_COLUMNS.key())
                        ? "row's id" : key.equals(DataSection.WEIGHT.key()) ? "row's weight" : "target")
                        + ", not both: remove it from one of them");
            }
        });
        // A classifier's class names come with the data, and predict checks its probability columns
        Task task = network.task();
        String clash = PredictionColumns.clash(data.idColumns(), "id", PredictionColumns.names(task,
                network.outputWidth(), data.labels(), task.hasClasses() ? List.of() : null));
        if (clash != null) {
            problems.add(DataSection.ID_COLUMNS.key() + ": " + clash);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** What a task is, as the messages about it name it. */
    private static String kindName(Task task) {
        return switch (task.kind()) {
            case MULTICLASS -> "softmax classifier of " + task.classes() + " classes";
            case BINARY -> "sigmoid classifier";
            case MULTI_LABEL -> "multi-label network";
            case REGRESSION -> "regression network";
        };
    }

    /**
     * L-BFGS takes full-batch steps whose length its line search chooses on the true objective:
     * mini-batches, a schedule, clipping and dropout would each change what it searches.
     */
    private void checkLbfgs(ConfigReader r) {
        if (!r.valid(OptimizerSection.KIND.key()) || !(optimizer.kind() instanceof Lbfgs)) {
            return;
        }
        String with = " with optimizer.kind = lbfgs, ";
        if (r.valid(TrainingSection.BATCH_ROWS.key()) && training.batchRows() > 0) {
            r.problem(TrainingSection.BATCH_ROWS.key(), "must be 0" + with + "which evaluates the objective on every"
                    + " row (each evaluation one pass over the data); set training.batch_rows = 0, or pick a"
                    + " first-order optimizer (e.g. adam) for mini-batches");
        }
        if (r.valid(OptimizerSection.CLIP_NORM.key()) && optimizer.clipNorm() > 0) {
            r.problem(OptimizerSection.CLIP_NORM.key(), "must be 0" + with + "whose line search needs the true"
                    + " gradient; set optimizer.clip_norm = 0 (the line search already keeps steps from overshooting)");
        }
        if (r.valid(OptimizerSection.LEARNING_RATE.key(), OptimizerSection.SCHEDULE.key())
                && !(optimizer.schedule() instanceof LearningRateSchedules.Constant)) {
            r.problem(OptimizerSection.SCHEDULE.key(), "must be constant" + with + "whose line search chooses each"
                    + " step's length; leave optimizer.schedule out (optimizer.learning_rate is unused too)");
        }
        if (r.valid(NetworkSection.LAYERS.key()) && network.layers().stream().anyMatch(l -> l.dropout() > 0)) {
            r.problem(NetworkSection.LAYERS.key(), "must give no dropout" + with + "whose line search needs one"
                    + " objective, and dropout draws new masks at every evaluation; remove dropout=... from the"
                    + " layers, or pick a first-order optimizer (e.g. adam) to train with dropout");
        }
        if (r.valid(TrainingSection.LOCAL_STEPS.key()) && training.localSteps() > 1) {
            r.problem(TrainingSection.LOCAL_STEPS.key(), "must be 1" + with + "whose every step is a line search"
                    + " over all the rows; set training.local_steps = 1, or pick a first-order optimizer (e.g. adam)"
                    + " for local steps");
        }
    }

    public DataSection data() {
        return data;
    }

    /** The network; with an {@code auto} input width until {@link #withInputWidth}. */
    public NetworkSection network() {
        return network;
    }

    public OptimizerSection optimizer() {
        return optimizer;
    }

    public TrainingSection training() {
        return training;
    }

    public SparkSection spark() {
        return spark;
    }

    public OutputSection output() {
        return output;
    }

    /** Every key to its value rendered as HOCON ({@code "csv"}, {@code 10}, {@code ["label"]}), sorted by key. */
    public Map<String, String> effective() {
        return effective;
    }

    /** The effective config as {@code key = value} lines: readable, and loadable again as a job file. */
    public String render() {
        StringBuilder text = new StringBuilder();
        effective.forEach((key, value) -> text.append(key).append(" = ").append(value).append('\n'));
        return text.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    /**
     * This job with its {@code auto} input width (network.layers = "auto,...") set to
     * {@code width}, the encoded data's; this job itself when the width is given.
     */
    public JobConfig withInputWidth(int width) {
        if (network.inputWidth().isPresent()) {
            return this;
        }
        String layers = (String) JobConfigLoader.plainValue(effective.get(NetworkSection.LAYERS.key()));
        return JobConfigLoader.fromEffective(effective, List.of(NetworkSection.LAYERS.key() + "="
                + NetworkSpec.withInputWidth(layers, width)));
    }
}
