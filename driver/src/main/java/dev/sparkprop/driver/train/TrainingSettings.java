package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.optim.LearningRateSchedules;
import dev.sparkprop.nn.optim.Optimizers;
import dev.sparkprop.nn.optim.Updater;
import java.io.Serializable;

/**
 * Everything that decides a training run, as plain values (specs as strings), so it ships to
 * executors and into a saved model as it is. Validated on construction: a bad value fails
 * with a message naming the setting.
 *
 * @param layers            {@code <in>,<units>:<activation>,...}
 * @param loss              loss spec, e.g. {@code cross_entropy}
 * @param initializer       xavier_uniform, xavier_normal, he_uniform or he_normal
 * @param optimizer         optimizer spec, e.g. {@code adam} or {@code momentum(momentum=0.9)}
 * @param learningRate      the base learning rate
 * @param schedule          learning-rate schedule spec, e.g. {@code constant} or {@code cosine(total=100)}
 * @param l2                L2 penalty on weights (not biases)
 * @param clipNorm          clip the gradient to this global norm; 0 for no clipping
 * @param epochs            passes over the data
 * @param batchRows         rows per iteration over all partitions; 0 for full batch
 * @param iterationsPerEpoch full-batch steps per epoch (0 means 1); derived from batchRows in
 *                          mini-batch mode, where it must be 0
 * @param blockRows         rows stacked into one GEMM block
 * @param precision         float32 or float64: the cached features and the products
 * @param seed              seeds initial weights and mini-batch sampling
 * @param aggregationDepth  treeAggregate depth; 0 chooses from the partition count
 * @param skipNonFinite     skip a step whose loss or gradient is NaN or infinite instead of stopping
 */
public record TrainingSettings(String layers, String loss, String initializer, String optimizer, double learningRate,
                               String schedule, double l2, double clipNorm, int epochs, int batchRows,
                               int iterationsPerEpoch, int blockRows, String precision, long seed,
                               int aggregationDepth, boolean skipNonFinite)
        implements Serializable {

    public TrainingSettings {
        NetworkSpec spec = NetworkSpec.parse(layers, loss);
        Initializer.parse(initializer);
        Optimizers.parse(optimizer);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        LearningRateSchedules.parse(schedule, learningRate);
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be 0 or a positive number, got " + l2);
        }
        if (!(clipNorm >= 0)) {
            throw new IllegalArgumentException("clip norm must be 0 (off) or a positive number, got " + clipNorm);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchRows < 0) {
            throw new IllegalArgumentException("batch rows must be 0 (full batch) or positive, got " + batchRows);
        }
        if (iterationsPerEpoch < 0) {
            throw new IllegalArgumentException("iterations per epoch must be 0 (auto) or positive, got "
                    + iterationsPerEpoch);
        }
        if (batchRows > 0 && iterationsPerEpoch > 0) {
            throw new IllegalArgumentException("iterations per epoch follow from batch rows in mini-batch mode"
                    + " (one epoch is one pass); set one of batch rows or iterations per epoch, not both");
        }
        if (blockRows < 1) {
            throw new IllegalArgumentException("block rows must be at least 1, got " + blockRows);
        }
        if (aggregationDepth < 0) {
            throw new IllegalArgumentException("aggregation depth must be 0 (auto) or positive, got "
                    + aggregationDepth);
        }
        layers = spec.layersSpec();
        loss = spec.loss().name();
        precision = Precision.parse(precision).specName();
    }

    /**
     * Defaults: Xavier-uniform, Adam at 0.001, constant rate, no L2, no clipping, 10 full-batch
     * epochs, float32.
     */
    public static Builder builder(String layers, String loss) {
        return new Builder(layers, loss);
    }

    public Builder toBuilder() {
        return new Builder(layers, loss).initializer(initializer).optimizer(optimizer).learningRate(learningRate)
                .schedule(schedule).l2(l2).clipNorm(clipNorm).epochs(epochs).batchRows(batchRows)
                .iterationsPerEpoch(iterationsPerEpoch).blockRows(blockRows).precision(precision).seed(seed)
                .aggregationDepth(aggregationDepth).skipNonFinite(skipNonFinite);
    }

    public Precision numberType() {
        return Precision.parse(precision);
    }

    public NetworkSpec network() {
        return NetworkSpec.parse(layers, loss);
    }

    public Updater updater() {
        return new Updater(network().layout(), Optimizers.parse(optimizer),
                LearningRateSchedules.parse(schedule, learningRate), l2,
                clipNorm == 0 ? Updater.NO_CLIPPING : clipNorm);
    }

    public double[] initialParameters() {
        return Initializer.parse(initializer).initialise(network(), seed);
    }

    /** Sets what differs from the defaults; {@link #build} validates. */
    public static final class Builder {
        private final String layers;
        private final String loss;
        private String initializer = "xavier_uniform";
        private String optimizer = "adam";
        private double learningRate = 0.001;
        private String schedule = "constant";
        private double l2;
        private double clipNorm;
        private int epochs = 10;
        private int batchRows;
        private int iterationsPerEpoch;
        private int blockRows = 1024;
        private String precision = "float32";
        private long seed = 1;
        private int aggregationDepth;
        private boolean skipNonFinite;

        private Builder(String layers, String loss) {
            this.layers = layers;
            this.loss = loss;
        }

        public Builder initializer(String value) {
            initializer = value;
            return this;
        }

        public Builder optimizer(String value) {
            optimizer = value;
            return this;
        }

        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        public Builder schedule(String value) {
            schedule = value;
            return this;
        }

        public Builder l2(double value) {
            l2 = value;
            return this;
        }

        public Builder clipNorm(double value) {
            clipNorm = value;
            return this;
        }

        public Builder epochs(int value) {
            epochs = value;
            return this;
        }

        public Builder batchRows(int value) {
            batchRows = value;
            return this;
        }

        public Builder iterationsPerEpoch(int value) {
            iterationsPerEpoch = value;
            return this;
        }

        public Builder blockRows(int value) {
            blockRows = value;
            return this;
        }

        public Builder precision(String value) {
            precision = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder aggregationDepth(int value) {
            aggregationDepth = value;
            return this;
        }

        public Builder skipNonFinite(boolean value) {
            skipNonFinite = value;
            return this;
        }

        public TrainingSettings build() {
            return new TrainingSettings(layers, loss, initializer, optimizer, learningRate, schedule, l2, clipNorm,
                    epochs, batchRows, iterationsPerEpoch, blockRows, precision, seed, aggregationDepth,
                    skipNonFinite);
        }
    }
}
