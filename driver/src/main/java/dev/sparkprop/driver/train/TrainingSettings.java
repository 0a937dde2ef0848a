package dev.sparkprop.driver.train;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.config.NetworkSection;
import dev.sparkprop.driver.config.OptimizerSection;
import dev.sparkprop.driver.config.Setting;
import dev.sparkprop.driver.config.SparkSection;
import dev.sparkprop.driver.config.TrainingSection;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.optim.OuterOptimizer;
import dev.sparkprop.nn.optim.Updater;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides a training run: a job config's network (its input width known),
 * optimizer, training and spark sections, parsed and checked by the config, where each key is
 * declared once. The loop's most read values also have accessors of their own.
 */
public final class TrainingSettings {

    private final JobConfig config;
    private final NetworkSpec network;

    private TrainingSettings(JobConfig config) {
        this.config = config;
        this.network = config.network().spec();
    }

    /**
     * The settings of {@code config}.
     *
     * @throws IllegalStateException while network.layers' input width is {@code auto}
     *         ({@link JobConfig#withInputWidth} resolves it)
     */
    public static TrainingSettings of(JobConfig config) {
        return new TrainingSettings(config);
    }

    /** Settings with the defaults of reference.conf but for the layers and the loss; see {@link Builder}. */
    public static Builder builder(String layers, String loss) {
        return new Builder().set(NetworkSection.LAYERS, layers).set(NetworkSection.LOSS, loss);
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        config.effective().forEach((key, value) -> builder.values.put(key, JobConfigLoader.plainValue(value)));
        return builder;
    }

    public NetworkSpec network() {
        return network;
    }

    public OptimizerSection optimizer() {
        return config.optimizer();
    }

    public TrainingSection training() {
        return config.training();
    }

    public SparkSection spark() {
        return config.spark();
    }

    public Updater updater() {
        return optimizer().updater(network.layout());
    }

    /**
     * The optimizer state a run starts from: optimizer.kind's, and with local steps the outer
     * optimizer's after it ({@link LocalStepsTrainer} reads it so).
     */
    public double[] initialOptimizerState() {
        int n = network.layout().size();
        double[] inner = optimizer().kind().initialState(n);
        int length = optimizerStateLength(config, n);
        return inner.length == length ? inner : java.util.Arrays.copyOf(inner, length);
    }

    /**
     * The length of {@code config}'s optimizer state for {@code n} parameters: the optimizer's,
     * then with training.local_steps > 1 the outer optimizer's after it.
     */
    public static int optimizerStateLength(JobConfig config, int n) {
        int inner = config.optimizer().kind().stateLength(n);
        return config.training().localSteps() == 1 ? inner
                : inner + config.training().outerOptimizer().stateSlots() * n;
    }

    public Initializer initializer() {
        return config.network().initializer();
    }

    public double[] initialParameters() {
        return initializer().initialise(network, seed());
    }

    public double learningRate() {
        return optimizer().learningRate();
    }

    public int epochs() {
        return training().epochs();
    }

    public int batchRows() {
        return training().batchRows();
    }

    public int iterationsPerEpoch() {
        return training().iterationsPerEpoch();
    }

    /** Optimizer steps per task per Spark job; 1 is exact synchronous training. */
    public int localSteps() {
        return training().localSteps();
    }

    public OuterOptimizer outerOptimizer() {
        return training().outerOptimizer();
    }

    public int blockRows() {
        return training().blockRows();
    }

    public Precision numberType() {
        return training().precision();
    }

    public long seed() {
        return training().seed();
    }

    public boolean skipNonFinite() {
        return training().skipNonFinite();
    }

    public int aggregationDepth() {
        return spark().aggregationDepth();
    }

    /**
     * Sets keys of the job config to values as a job file gives them; {@link #build} checks them
     * as a job file's, with the config's messages. The named setters cover the keys the tests and
     * benchmarks set; {@link #set} takes any key.
     */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder() {
        }

        /** Sets {@code setting} to a String, Number, Boolean or List of String, as a job file would. */
        public Builder set(Setting<?> setting, Object value) {
            values.put(setting.key(), value);
            return this;
        }

        public Builder initializer(String value) {
            return set(NetworkSection.INITIALIZER, value);
        }

        public Builder optimizer(String value) {
            return set(OptimizerSection.KIND, value);
        }

        public Builder learningRate(double value) {
            return set(OptimizerSection.LEARNING_RATE, value);
        }

        public Builder epochs(int value) {
            return set(TrainingSection.EPOCHS, value);
        }

        public Builder batchRows(int value) {
            return set(TrainingSection.BATCH_ROWS, value);
        }

        public Builder iterationsPerEpoch(int value) {
            return set(TrainingSection.ITERATIONS_PER_EPOCH, value);
        }

        public Builder localSteps(int value) {
            return set(TrainingSection.LOCAL_STEPS, value);
        }

        public Builder outerOptimizer(String value) {
            return set(TrainingSection.OUTER_OPTIMIZER, value);
        }

        public Builder blockRows(int value) {
            return set(TrainingSection.BLOCK_ROWS, value);
        }

        public Builder precision(String value) {
            return set(TrainingSection.PRECISION, value);
        }

        public Builder seed(long value) {
            return set(TrainingSection.SEED, value);
        }

        public Builder aggregationDepth(int value) {
            return set(SparkSection.AGGREGATION_DEPTH, value);
        }

        /** @throws dev.sparkprop.driver.config.ConfigException listing every problem */
        public TrainingSettings build() {
            return of(JobConfigLoader.trainingOnly(values, "TrainingSettings"));
        }
    }
}
