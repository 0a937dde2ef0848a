package dev.sparkprop.driver.train;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.spark.BlasThreads;
import dev.sparkprop.driver.spark.PartitionJob;
import dev.sparkprop.nn.DoubleArrays;
import dev.sparkprop.nn.FloatElementwise;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.optim.Lbfgs;
import dev.sparkprop.nn.optim.Updater;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: each iteration the driver broadcasts the flat weight array, every
 * partition runs forward + backprop over its rows and returns summed gradient, loss and
 * weight, the driver totals them ({@link #total}: in partition order, or exactly past aggregation
 * depth 1), divides by the global weight and takes one optimizer step. The objective does not
 * depend on how rows fall into partitions or blocks, and the result's bits not on the order
 * tasks finish in. {@link EpochLoop} runs the epochs of such jobs; local steps (k > 1) run in
 * {@link LocalStepsTrainer}, L-BFGS in {@link FullBatchLbfgs}.
 */
public final class DistributedTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    /**
     * One iteration's record: the optimizer step it is (from 1), its epoch (from 0) and its
     * step in the epoch (from 1), its batch's rows and mean loss before the step, the learning
     * rate of the step, its time, and whether it was skipped as non-finite. A job whose rows all
     * weigh 0 took no step, and its loss is NaN without its being skipped.
     */
    public record Iteration(long iteration, int epoch, int step, long rows, double loss, double learningRate,
                            double seconds, boolean skipped) {
        public double rowsPerSecond() {
            return rows / seconds;
        }

        /** Whether its loss counts in its epoch's: a step was taken (EpochLoop.Outcome#stepped), not skipped. */
        public boolean counted() {
            return !skipped && !Double.isNaN(loss);
        }
    }

    /**
     * The trained parameters, the optimizer state, the history of the iterations this call ran
     * (after a resume, only those), the optimizer steps of the whole run, how many of this
     * call's steps were skipped as non-finite, and why L-BFGS stopped before training.epochs
     * (null when it did not).
     */
    public record Result(double[] params, double[] optimizerState, List<Iteration> history, long iterations,
                         long skipped, String converged) {
        public double finalLoss() {
            return history.get(history.size() - 1).loss();
        }
    }

    /**
     * Called on the driver after each epoch (0-based) with the current parameters (do not
     * modify them), the mean of the epoch's iteration losses and the weighted fraction of the
     * epoch's rows classified right before each step (NaN for regression); returns false to
     * stop training.
     */
    @FunctionalInterface
    public interface EpochListener {
        boolean epochEnded(int epoch, double[] params, double meanTrainLoss, double trainAccuracy);
    }

    private final JavaSparkContext sc;
    private final TrainingSettings settings;
    private final NetworkSpec spec;

    public DistributedTrainer(JavaSparkContext sc, TrainingSettings settings) {
        this.sc = sc;
        this.settings = settings;
        this.spec = settings.network();
    }

    public Result fit(TrainingData data) {
        return fit(data, settings.initialParameters(), (epoch, params, loss, accuracy) -> true);
    }

    /**
     * Called on the driver after every optimizer step with the run's state (live arrays: read
     * or copy them, never keep or modify them), and whether the step ended an epoch, in which
     * case the {@link EpochListener} has already seen it.
     */
    @FunctionalInterface
    public interface StepListener {
        void stepTaken(TrainerState state, boolean epochEnded);
    }

    /**
     * Called on the driver right after every iteration, taken or skipped, before the end of its
     * epoch (if it ends one) is handled.
     */
    @FunctionalInterface
    public interface IterationListener {
        void iterationDone(Iteration iteration, int iterationsPerEpoch);
    }

    /** Trains from {@code initialParams} (left untouched). */
    public Result fit(TrainingData data, double[] initialParams, EpochListener listener) {
        if (initialParams.length != spec.layout().size()) {
            throw new IllegalArgumentException("initial parameters have " + initialParams.length
                    + " entries, network " + spec.layersSpec() + " needs " + spec.layout().size());
        }
        return fit(data, TrainerState.start(initialParams.clone(), settings.initialOptimizerState()),
                (iteration, perEpoch) -> { }, listener, (state, epochEnded) -> { });
    }

    /**
     * Trains from {@code start}, a fresh state or one a checkpoint saved: the same steps, in the
     * same order, as an uninterrupted run, so the result is the same to the last bit. L-BFGS
     * runs in {@link FullBatchLbfgs}, on this trainer's full-batch gradient.
     */
    public Result fit(TrainingData data, TrainerState start, IterationListener iterations, EpochListener listener,
                      StepListener steps) {
        if (start.params().length != spec.layout().size()) {
            throw new IllegalArgumentException("the state has " + start.params().length + " parameters, network "
                    + spec.layersSpec() + " needs " + spec.layout().size());
        }
        if (data.precision() != settings.numberType()) {
            throw new IllegalArgumentException("the data is cached in " + data.precision().specName()
                    + " but training.precision is " + settings.numberType().specName()
                    + "; build the data with the same precision");
        }
        if (settings.localSteps() > 1) {
            return new LocalStepsTrainer(sc, settings).fit(data, start, iterations, listener, steps);
        }
        int stateLength = settings.initialOptimizerState().length;
        if (start.optimizerState().length != stateLength) {
            throw new IllegalArgumentException("the optimizer state has " + start.optimizerState().length + " values, "
                    + settings.optimizer().kind().name() + " needs " + stateLength);
        }
        if (settings.optimizer().kind() instanceof Lbfgs lbfgs) {
            return new FullBatchLbfgs(this, sc, settings, lbfgs).fit(data, start, iterations, listener, steps);
        }
        Updater updater = settings.updater();
        int slices = slices(data, settings);
        int iterationsPerEpoch = stepsPerEpoch(slices, settings);
        int depth = aggregationDepth(data);
        LOG.info("sparkprop: {}; {} per epoch, treeAggregate depth {}; driver BLAS {}{}", trainingOn(settings, data),
                Prose.count(iterationsPerEpoch, "iteration"), depth, BlasThreads.describe(),
                data.precision() == Precision.FLOAT32 ? "; float32 activations " + FloatElementwise.implementation()
                        : "");
        EpochLoop loop = new EpochLoop(sc, settings, "sparkprop", iterationsPerEpoch, 1);
        return loop.run(start, (params, state, epoch, slice, oneStep, iteration) -> {
            GradientSum sum = gradient(data, params, epoch, slices, slice, iteration, depth);
            if (sum.weightSum() == 0) {
                // Every row of this mini-batch weighs 0: no gradient to step on, and no fault
                return EpochLoop.Outcome.noStep(sum.rows(), updater.learningRate(iteration));
            }
            double loss = sum.meanLoss();
            String fault = step(updater, params, state, sum, loss, iteration);
            return new EpochLoop.Outcome(sum.rows(), loss, updater.learningRate(iteration), sum.correctWeight(),
                    sum.weightSum(), fault, 0, null);
        }, iterations, listener, steps);
    }

    /**
     * One optimizer step from {@code sum}, unless its loss or gradient is NaN or infinite; then
     * (or, when skipping such steps, if the update made a weight non-finite) the weights and
     * state are left as they were and the fault is returned. Null when the step was taken.
     */
    private String step(Updater updater, double[] params, double[] state, GradientSum sum, double loss,
                        long iteration) {
        double[] gradient = sum.divideByWeight();
        int bad = nonFinite(gradient);
        if (!Double.isFinite(loss) || bad > 0) {
            return "the loss is " + loss + " and " + bad + " of " + gradient.length + " gradient values are NaN or"
                    + " infinite";
        }
        double[] paramsBefore = settings.skipNonFinite() ? params.clone() : null;
        double[] stateBefore = settings.skipNonFinite() ? state.clone() : null;
        updater.update(params, gradient, state, iteration);
        if (paramsBefore != null && nonFinite(params) > 0) {
            System.arraycopy(paramsBefore, 0, params, 0, params.length);
            System.arraycopy(stateBefore, 0, state, 0, state.length);
            return "the update would have made weights NaN or infinite (the loss was " + loss + ")";
        }
        return null;
    }

    /** What the log says a run trains: "training <network> in <precision> on 150 rows in 3 partitions". */
    static String trainingOn(TrainingSettings settings, TrainingData data) {
        return "training " + settings.network() + " in " + settings.numberType().specName() + " on "
                + Prose.count(data.rows(), "row") + " in " + Prose.count(data.partitions(), "partition");
    }

    /** The mini-batches per epoch, ceil(rows / batch_rows); 0 in full batch. */
    static int slices(TrainingData data, TrainingSettings settings) {
        return settings.batchRows() == 0 ? 0
                : (int) Math.max(1, (data.rows() + settings.batchRows() - 1) / settings.batchRows());
    }

    /** The optimizer steps per epoch: one per mini-batch; in full batch training.iterations_per_epoch, at least 1. */
    static int stepsPerEpoch(int slices, TrainingSettings settings) {
        return slices > 0 ? slices : Math.max(1, settings.iterationsPerEpoch());
    }

    /** {@link #stepsPerEpoch(int, TrainingSettings)} of {@code data}. */
    public static int stepsPerEpoch(TrainingData data, TrainingSettings settings) {
        return stepsPerEpoch(slices(data, settings), settings);
    }

    private static int nonFinite(double[] values) {
        int n = 0;
        for (double v : values) {
            n += Double.isFinite(v) ? 0 : 1;
        }
        return n;
    }

    /**
     * The full-batch gradient, summed over every row (not divided), as the loop computes it, of
     * the objective without dropout (L-BFGS's; JobConfig refuses L-BFGS with dropout).
     */
    public GradientSum gradient(TrainingData data, double[] params) {
        return gradient(data, params, 0, 0, 0, -1, aggregationDepth(data));
    }

    private int aggregationDepth(TrainingData data) {
        // A GradientSum's values: the gradient, then loss, weight and right-predicted weight
        long maxResult = sc.getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
        return aggregationDepth(data.partitions(), settings.aggregationDepth(), spec.layout().size() + 3L, maxResult);
    }

    /** @param step the optimizer step (0-based) whose dropout masks apply; -1 for none */
    private GradientSum gradient(TrainingData data, double[] params, int epoch, int slices, int slice, long step,
                                 int depth) {
        // A copy (in local mode the broadcast value is the very object given, and params changes),
        // in the job's precision: a float32 job ships and reads float32 weights.
        Broadcast<?> weights = data.precision() == Precision.FLOAT32 ? sc.broadcast(DoubleArrays.narrow(params))
                : sc.broadcast(params.clone());
        try {
            PartitionGradient perPartition = new PartitionGradient(spec.layersSpec(), spec.loss().name(),
                    settings.blockRows(), data.precision(), data.cacheId(), weights, data.ids(), settings.seed(),
                    epoch, slices, slice, step);
            return total(data.cached(), "sparkprop gradient", perPartition, depth, GradientSum::inPartitionOrder,
                    GradientSum.empty(), GradientSum::merge);
        } finally {
            weights.destroy();
        }
    }

    /**
     * The partitions' sums ({@code perPartition} of each partition of {@code rows}) as one total,
     * the same to the last bit whatever order the tasks finish in. At depth 1 the driver collects
     * them ({@link PartitionJob}, which places each by its partition index, not by arrival) and
     * {@code inPartitionOrder} adds them in that order in doubles; {@code name} names that job.
     * Deeper, treeAggregate's reduce tasks merge partial sums in shuffle-fetch order, so the sums
     * {@code merge} exactly (as ExactSums, whose total no order changes) from
     * {@code empty}; that costs about 8 ms per million values per merge, and the tasks ship three
     * longs and an int per value instead of a double.
     */
    static <R, T> T total(JavaRDD<R> rows, String name, PartitionJob.PerPartition<R, T> perPartition, int depth,
                          Function<List<T>, T> inPartitionOrder, T empty, Function2<T, T, T> merge) {
        if (depth == 1) {
            return inPartitionOrder.apply(PartitionJob.collect(rows, name, perPartition));
        }
        return rows.mapPartitions(it -> List.of(PartitionJob.failingOutOfHeap(() -> perPartition.call(it))).iterator())
                .treeAggregate(empty, merge, merge, depth);
    }

    /** Partial sums merged in one place at most: a reduce task of treeAggregate, or the driver. */
    static final int MAX_FAN_IN = 16;

    /**
     * The bytes of one result the driver receives at treeAggregate {@code depth}, for a sum of
     * {@code values} doubles: at depth 1 each partition's doubles, added in partition order; deeper,
     * partial sums merged as ExactSums, three longs and an int per value.
     */
    static long resultBytes(long values, int depth) {
        return (depth == 1 ? 8L : 28L) * values + 64;
    }

    /**
     * The treeAggregate depth: the smallest at which no task merges more than
     * {@value #MAX_FAN_IN} partial sums and the driver receives no more than that, nor more
     * results of {@code values} doubles ({@link #resultBytes}) than fit in {@code maxResultBytes}
     * (spark.driver.maxResultSize, 0 for no limit): past it Spark aborts the job.
     * {@code requested} > 0 wins.
     *
     * @throws IllegalArgumentException when no depth keeps the driver's share under the limit
     */
    public static int aggregationDepth(int partitions, int requested, long values, long maxResultBytes) {
        if (requested > 0) {
            return requested;
        }
        int fewest = partitions;
        for (int depth = 1; depth <= 32; depth++) {
            int scale = treeAggregateScale(partitions, depth);
            int atDriver = partitionsReachingTheDriver(partitions, scale);
            long fit = maxResultBytes > 0 ? maxResultBytes / resultBytes(values, depth) : Long.MAX_VALUE;
            if (scale <= MAX_FAN_IN && atDriver <= Math.min(MAX_FAN_IN, fit)) {
                return depth;
            }
            fewest = Math.min(fewest, atDriver);
        }
        // Past depth 1, where the fewest reach the driver, they are merged sums
        long merged = resultBytes(values, 2);
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "the driver would receive at least"
                + " %d partial sums of %.1f MB, more than spark.driver.maxResultSize (%.1f MB); set"
                + " spark.driver.maxResultSize to %dm or more, or train on fewer partitions", fewest,
                merged / 1e6, maxResultBytes / 1e6, (fewest * merged + (1 << 20) - 1) >> 20));
    }

    /** The fan-in RDD.treeAggregate picks for a depth (Spark 4.1's and 4.2's formula). */
    private static int treeAggregateScale(int partitions, int depth) {
        return Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / depth)), 2);
    }

    /** How many partial sums RDD.treeAggregate leaves for the driver's final fold (Spark 4.1's and 4.2's loop). */
    private static int partitionsReachingTheDriver(int partitions, int scale) {
        int n = partitions;
        while (n > scale + Math.ceil((double) n / scale)) {
            n /= scale;
        }
        return n;
    }
}
