package dev.sparkprop.driver.config;

import dev.sparkprop.driver.model.MissingValues;
import dev.sparkprop.nn.Losses;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.optim.LearningRateSchedules;
import dev.sparkprop.nn.optim.Optimizers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated training job: one typed getter per key of the reference config
 * ({@code dev/sparkprop/reference.conf}, which documents each key), built by
 * {@link JobConfigLoader}. Immutable. String keys whose default is {@code ""} return {@code ""}
 * for "not set".
 */
public final class JobConfig {

    public static final List<String> FORMATS = List.of("csv", "parquet", "json", "libsvm");
    public static final List<String> PRECISIONS = List.of("float32", "float64");
    public static final List<String> INITIALIZERS = List.of("xavier_uniform", "xavier_normal", "he_uniform",
            "he_normal");
    /** The metrics early stopping can watch; see {@link #higherIsBetter}. */
    public static final List<String> EARLY_STOPPING_METRICS = List.of("validation_loss", "validation_accuracy",
            "validation_macro_f1", "validation_rmse", "validation_r2", "validation_mae", "train_loss");
    public static final String BALANCED = "balanced";
    /** The values of data.missing. */
    public static final List<String> MISSING = java.util.Arrays.stream(MissingValues.values())
            .map(MissingValues::setting).toList();

    private final String dataPath;
    private final String format;
    private final boolean csvHeader;
    private final String csvDelimiter;
    private final List<String> labels;
    private final List<String> features;
    private final List<String> excluded;
    private final List<String> categorical;
    private final String weightColumn;
    private final List<String> idColumns;
    private final boolean standardize;
    private final MissingValues missing;
    private final String validationPath;
    private final double validationFraction;
    private final String layers;
    private final String loss;
    private final String initializer;
    private final String optimizer;
    private final double learningRate;
    private final String schedule;
    private final double l2;
    private final double clipNorm;
    private final int epochs;
    private final int batchRows;
    private final int iterationsPerEpoch;
    private final int blockRows;
    private final String precision;
    private final long seed;
    private final int earlyStoppingPatience;
    private final String earlyStoppingMetric;
    private final String classWeights;
    private final List<Double> classWeightValues;
    private final String onNonFinite;
    private final String checkpointPath;
    private final int checkpointEveryIterations;
    private final int checkpointKeep;
    private final int partitions;
    private final int aggregationDepth;
    private final String modelPath;
    private final String reportPath;
    private final boolean overwrite;
    private final Map<String, String> effective;

    /** Reads and checks each key on its own; problems go to {@code r}, checks across keys are the loader's. */
    JobConfig(ConfigReader r) {
        dataPath = r.required("data.path");
        format = r.oneOf("data.format", FORMATS);
        csvHeader = r.bool("data.csv.header");
        csvDelimiter = r.string("data.csv.delimiter");
        r.check("data.csv.delimiter", csvDelimiter.length() == 1, "exactly one character");
        labels = r.strings("data.label");
        r.check("data.label", !labels.isEmpty(), "at least one column");
        features = r.strings("data.features");
        excluded = r.strings("data.exclude");
        categorical = r.strings("data.categorical");
        weightColumn = r.string("data.weight");
        idColumns = r.strings("data.id_columns");
        standardize = r.bool("data.standardize");
        String missingValues = r.oneOf("data.missing", MISSING);
        missing = MISSING.contains(missingValues) ? MissingValues.of(missingValues) : MissingValues.ERROR;
        validationPath = r.string("data.validation_path");
        validationFraction = r.number("data.validation_fraction", f -> f >= 0 && f < 1, "in [0, 1)");

        layers = r.required("network.layers");
        if (r.valid("network.layers")) {
            r.parse("network.layers", () -> {
                NetworkSpec.checkLayers(layers);
                return null;
            }, null);
        }
        loss = r.required("network.loss");
        if (r.valid("network.loss")) {
            r.parse("network.loss", () -> Losses.parse(loss), null);
        }
        if (r.valid("network.layers", "network.loss")) {
            r.parse("network.loss", () -> NetworkSpec.parseForChecks(layers, loss), null);
        }
        initializer = r.oneOf("network.initializer", INITIALIZERS);

        optimizer = r.string("optimizer.kind");
        r.parse("optimizer.kind", () -> Optimizers.parse(optimizer), null);
        learningRate = r.number("optimizer.learning_rate", lr -> lr > 0, "> 0");
        schedule = r.string("optimizer.schedule");
        if (r.valid("optimizer.learning_rate")) {
            r.parse("optimizer.schedule", () -> LearningRateSchedules.parse(schedule, learningRate), null);
        }
        l2 = r.number("optimizer.l2", x -> x >= 0, "≥ 0");
        clipNorm = r.number("optimizer.clip_norm", x -> x >= 0, "≥ 0 (0 turns clipping off)");

        epochs = r.integer("training.epochs", 1, Integer.MAX_VALUE);
        batchRows = r.integer("training.batch_rows", 0, Integer.MAX_VALUE);
        iterationsPerEpoch = r.integer("training.iterations_per_epoch", 0, Integer.MAX_VALUE);
        blockRows = r.integer("training.block_rows", 1, 1_000_000);
        precision = r.oneOf("training.precision", PRECISIONS);
        seed = r.whole("training.seed");
        earlyStoppingPatience = r.integer("training.early_stopping.patience", 0, Integer.MAX_VALUE);
        earlyStoppingMetric = r.oneOf("training.early_stopping.metric", EARLY_STOPPING_METRICS);
        classWeights = r.string("training.class_weights");
        classWeightValues = r.parse("training.class_weights", () -> parseClassWeights(classWeights), List.of());
        onNonFinite = r.oneOf("training.on_non_finite", List.of("stop", "skip"));
        checkpointPath = r.string("training.checkpoint.path");
        checkpointEveryIterations = r.integer("training.checkpoint.every_iterations", 0, Integer.MAX_VALUE);
        checkpointKeep = r.integer("training.checkpoint.keep", 1, Integer.MAX_VALUE);

        partitions = r.integer("spark.partitions", 0, Integer.MAX_VALUE);
        aggregationDepth = r.integer("spark.aggregation_depth", 0, Integer.MAX_VALUE);

        modelPath = r.required("output.model_path");
        String report = r.string("output.report_path");
        reportPath = report.isEmpty() ? modelPath.replaceFirst("/+$", "") + "/report" : report;
        r.record("output.report_path", reportPath);
        overwrite = r.bool("output.overwrite");

        effective = Collections.unmodifiableMap(new TreeMap<>(r.effective()));
    }

    /**
     * Whether a larger value of {@code metric} (one of {@link #EARLY_STOPPING_METRICS}) is
     * better: losses, RMSE and MAE are minimised, accuracy, macro F1 and R² maximised.
     */
    public static boolean higherIsBetter(String metric) {
        if (!EARLY_STOPPING_METRICS.contains(metric)) {
            throw new IllegalArgumentException("unknown metric '" + metric + "'; use one of "
                    + String.join(", ", EARLY_STOPPING_METRICS));
        }
        return !(metric.endsWith("_loss") || metric.endsWith("_rmse") || metric.endsWith("_mae"));
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

    /** data.path: the training data path or URI. */
    public String dataPath() {
        return dataPath;
    }

    /** data.format: one of {@link #FORMATS}. */
    public String format() {
        return format;
    }

    /** data.csv.header. */
    public boolean csvHeader() {
        return csvHeader;
    }

    /** data.csv.delimiter: one character. */
    public String csvDelimiter() {
        return csvDelimiter;
    }

    /** data.label: one or more label columns. */
    public List<String> labels() {
        return labels;
    }

    /** data.features: the feature columns; empty means all but label, weight, id and excluded columns. */
    public List<String> features() {
        return features;
    }

    /** data.exclude. */
    public List<String> excludedColumns() {
        return excluded;
    }

    /** data.categorical: columns to one-hot encode. */
    public List<String> categoricalColumns() {
        return categorical;
    }

    /** data.weight: the row-weight column, or "" for none. */
    public String weightColumn() {
        return weightColumn;
    }

    /** data.id_columns: copied to the prediction output. */
    public List<String> idColumns() {
        return idColumns;
    }

    /** data.standardize. */
    public boolean standardize() {
        return standardize;
    }

    /** data.missing. */
    public MissingValues missing() {
        return missing;
    }

    /** data.validation_path, or "" for none. */
    public String validationPath() {
        return validationPath;
    }

    /** data.validation_fraction in [0, 1); 0 for none. */
    public double validationFraction() {
        return validationFraction;
    }

    /** Whether the job has validation data, from a path or a held-out fraction. */
    public boolean hasValidation() {
        return !validationPath.isEmpty() || validationFraction > 0;
    }

    /**
     * This job with its {@code auto} input width (network.layers = "auto,...") set to
     * {@code width}, the encoded data's; this job itself when the width is given.
     */
    public JobConfig withInputWidth(int width) {
        if (!NetworkSpec.hasAutoInputWidth(layers)) {
            return this;
        }
        return JobConfigLoader.fromEffective(effective,
                List.of("network.layers=" + NetworkSpec.withInputWidth(layers, width)));
    }

    /** network.layers spec, e.g. {@code 64,32:relu,10:softmax}; the input width may be
     * {@code auto} until {@link #withInputWidth}. */
    public String layers() {
        return layers;
    }

    /** network.loss spec. */
    public String loss() {
        return loss;
    }

    /** network.initializer: one of {@link #INITIALIZERS}. */
    public String initializer() {
        return initializer;
    }

    /** optimizer.kind spec, e.g. {@code adam(beta1=0.9)}; accepted by {@link Optimizers#parse}. */
    public String optimizer() {
        return optimizer;
    }

    /** optimizer.learning_rate &gt; 0. */
    public double learningRate() {
        return learningRate;
    }

    /** optimizer.schedule spec; accepted by {@link LearningRateSchedules#parse}. */
    public String schedule() {
        return schedule;
    }

    /** optimizer.l2 ≥ 0. */
    public double l2() {
        return l2;
    }

    /** optimizer.clip_norm ≥ 0; 0 means no clipping. */
    public double clipNorm() {
        return clipNorm;
    }

    /** training.epochs ≥ 1. */
    public int epochs() {
        return epochs;
    }

    /** training.batch_rows ≥ 0; 0 means full batch. */
    public int batchRows() {
        return batchRows;
    }

    /** training.iterations_per_epoch ≥ 0; 0 means 1 (or as many as batch_rows implies). */
    public int iterationsPerEpoch() {
        return iterationsPerEpoch;
    }

    /** training.precision: float32 or float64. */
    public String precision() {
        return precision;
    }

    /** training.block_rows in [1, 1000000]. */
    public int blockRows() {
        return blockRows;
    }

    /** training.seed. */
    public long seed() {
        return seed;
    }

    /** training.early_stopping.patience ≥ 0; 0 means off. */
    public int earlyStoppingPatience() {
        return earlyStoppingPatience;
    }

    /** training.early_stopping.metric: one of {@link #EARLY_STOPPING_METRICS}. */
    public String earlyStoppingMetric() {
        return earlyStoppingMetric;
    }

    /** training.class_weights as written: "", {@link #BALANCED} or comma-separated numbers. */
    public String classWeights() {
        return classWeights;
    }

    /** The per-class weights when training.class_weights lists them; empty for "" and "balanced". */
    public List<Double> classWeightValues() {
        return classWeightValues;
    }

    /** training.on_non_finite: "stop" or "skip". */
    public String onNonFinite() {
        return onNonFinite;
    }

    /** training.checkpoint.path, or "" for no checkpoints. */
    public String checkpointPath() {
        return checkpointPath;
    }

    /** training.checkpoint.every_iterations ≥ 0; 0 means at epoch ends only. */
    public int checkpointEveryIterations() {
        return checkpointEveryIterations;
    }

    /** training.checkpoint.keep ≥ 1. */
    public int checkpointKeep() {
        return checkpointKeep;
    }

    /** spark.partitions ≥ 0; 0 keeps the source's partitioning. */
    public int partitions() {
        return partitions;
    }

    /** spark.aggregation_depth ≥ 0; 0 chooses from the partition count. */
    public int aggregationDepth() {
        return aggregationDepth;
    }

    /** output.model_path. */
    public String modelPath() {
        return modelPath;
    }

    /** output.report_path, with "" already replaced by {@code <model_path>/report}. */
    public String reportPath() {
        return reportPath;
    }

    /** output.overwrite. */
    public boolean overwrite() {
        return overwrite;
    }

    private static List<Double> parseClassWeights(String spec) {
        if (spec.isBlank() || spec.equals(BALANCED)) {
            return List.of();
        }
        List<Double> weights = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            double w;
            try {
                w = Double.parseDouble(part.trim());
            } catch (NumberFormatException e) {
                w = Double.NaN;
            }
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("must be \"\", \"" + BALANCED + "\" or comma-separated numbers > 0,"
                        + " one per class, e.g. \"1,1,5\"; '" + part.trim() + "' in \"" + spec + "\" is not");
            }
            weights.add(w);
        }
        return List.copyOf(weights);
    }
}
