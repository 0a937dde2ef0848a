package dev.sparkprop.driver.train;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.spark.BlasThreads;
import dev.sparkprop.nn.DoubleArrays;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.optim.OuterOptimizer;
import dev.sparkprop.nn.optim.Updater;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop with training.local_steps = k > 1 (local SGD, DiLoCo): one Spark job per
 * round of k steps. The driver broadcasts the weights and the optimizer state, each task takes
 * k steps on its own rows ({@link LocalRound}), the driver totals the partitions' changes
 * ({@link RoundSum}, {@link DistributedTrainer#total}), and the driver applies their rows-weighted mean with
 * training.outer_optimizer. {@link DistributedTrainer} runs k = 1, exact synchronous training,
 * and hands k > 1 here.
 *
 * <p>Where the inner optimizer's state lives: on the driver, as one state that every task
 * starts from and whose rows-weighted mean over the partitions becomes the next round's, as
 * the weights are (DL4J's parameter averaging averages its updaters' state the same way).
 * Kept per partition on the executors it would be lost with an executor and differ on a
 * retried task, breaking the bitwise promise; shipped per partition it would cost a state per
 * partition in every job and in checkpoints, and tie a checkpoint to a partition count; reset
 * every round it would restart Adam's moments and bias correction every k steps. One averaged
 * state makes a task a pure function of what the driver sends, and a checkpoint the same shape
 * as at k = 1 plus the outer optimizer's state after it: {@link TrainerState#optimizerState()}
 * is the inner state, then the outer state.
 *
 * <p>Steps count as at k = 1: {@link TrainerState#iteration()} is the steps (mini-batches) taken,
 * the schedule and Adam's step number follow them, and the listeners hear of one
 * {@link DistributedTrainer.Iteration} per round, numbered by its last step.
 */
final class LocalStepsTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStepsTrainer.class);

    private final JavaSparkContext sc;
    private final TrainingSettings settings;
    private final NetworkSpec spec;
    private final int k;
    private final OuterOptimizer outer;

    LocalStepsTrainer(JavaSparkContext sc, TrainingSettings settings) {
        this.sc = sc;
        this.settings = settings;
        this.spec = settings.network();
        this.k = settings.localSteps();
        this.outer = settings.outerOptimizer();
    }

    DistributedTrainer.Result fit(TrainingData data, TrainerState start,
                                  DistributedTrainer.IterationListener iterations,
                                  DistributedTrainer.EpochListener listener, DistributedTrainer.StepListener steps) {
        int n = spec.layout().size();
        Updater updater = settings.updater();
        int innerSize = updater.newState().length;
        int outerSize = outer.stateSlots() * n;
        if (start.optimizerState().length != innerSize + outerSize) {
            throw new IllegalArgumentException("the optimizer state has " + start.optimizerState().length
                    + " values, " + settings.optimizer().kind().name() + " with training.local_steps = " + k
                    + " and training.outer_optimizer = " + outer.name() + " needs " + (innerSize + outerSize));
        }
        int slices = DistributedTrainer.slices(data, settings);
        int stepsPerEpoch = DistributedTrainer.stepsPerEpoch(slices, settings);
        int roundsPerEpoch = (stepsPerEpoch + k - 1) / k;
        int depth = aggregationDepth(data, innerSize);
        LOG.info("sparkprop: {}; {} per job, outer {}: {} in {} per epoch, treeAggregate depth {}; driver BLAS {}",
                DistributedTrainer.trainingOn(settings, data), Prose.count(k, "local step"), outer.name(),
                Prose.count(stepsPerEpoch, "step"), Prose.count(roundsPerEpoch, "job"), depth, BlasThreads.describe());
        EpochLoop loop = new EpochLoop(sc, settings, "sparkprop", stepsPerEpoch, k);
        return loop.run(start, (params, state, epoch, step, inner, iteration) -> {
            RoundSum sum = round(data, params, state, innerSize, epoch, slices, step, inner, iteration, depth);
            double rate = updater.learningRate(iteration);
            if (sum.faults() > 0 && !settings.skipNonFinite()) {
                // a fault the loop does not skip: it ends the run before the outer step
                return new EpochLoop.Outcome(sum.rows(), Double.NaN, rate, 0, 0, sum.faults() + " of the tasks' local"
                        + " steps had a loss, gradient or update that was NaN or infinite", 0, null);
            }
            RoundSum.Means means = sum.means();
            if (means == null && sum.faults() == 0) {
                // Every row of the round's batches weighs 0 (or there were none): no step, and no fault
                return EpochLoop.Outcome.noStep(sum.rows(), rate);
            }
            long outerStep = (long) epoch * roundsPerEpoch + step / k;
            String fault = outerStep(params, state, innerSize, means, outerStep);
            if (fault != null) {
                return new EpochLoop.Outcome(sum.rows(), means == null ? Double.NaN : means.loss(), rate, 0, 0, fault,
                        0, null);
            }
            return new EpochLoop.Outcome(sum.rows(), means.loss(), rate, means.correct(), means.weight(), null,
                    sum.faults(), null);
        }, iterations, listener, steps);
    }

    /**
     * The outer step from a round's means, unless it took no step, or its mean change or the
     * weights after the step are not finite; then the weights and state stay as they were and
     * the fault is returned. Null when the step was taken. The inner state becomes the mean.
     */
    private String outerStep(double[] params, double[] state, int innerSize, RoundSum.Means means, long outerStep) {
        if (means == null) {
            return "no task took a step with finite values";
        }
        if (!DoubleArrays.allFinite(means.change()) || !Double.isFinite(means.loss())) {
            return "the partitions' mean weight change or loss is NaN or infinite";
        }
        double[] paramsBefore = params.clone();
        double[] outerState = Arrays.copyOfRange(state, innerSize, state.length);
        outer.step(params, means.change(), outerState, outerStep);
        if (!DoubleArrays.allFinite(params) || !DoubleArrays.allFinite(means.state())) {
            System.arraycopy(paramsBefore, 0, params, 0, params.length);
            return "the outer step would have made weights NaN or infinite (the loss was " + means.loss() + ")";
        }
        System.arraycopy(means.state(), 0, state, 0, innerSize);
        System.arraycopy(outerState, 0, state, innerSize, outerState.length);
        return null;
    }

    private RoundSum round(TrainingData data, double[] params, double[] state, int innerSize, int epoch, int slices,
                           int firstSlice, int inner, long firstIteration, int depth) {
        double[] sent = Arrays.copyOf(params, params.length + innerSize);
        System.arraycopy(state, 0, sent, params.length, innerSize);
        Broadcast<double[]> start = sc.broadcast(sent);
        try {
            LocalRound task = new LocalRound(settings, data, start, epoch, slices, firstSlice, inner, firstIteration);
            return DistributedTrainer.total(data.cached(), "sparkprop local steps", task, depth,
                    RoundSum::inPartitionOrder, RoundSum.empty(), RoundSum::merge);
        } finally {
            start.destroy();
        }
    }

    private int aggregationDepth(TrainingData data, int innerSize) {
        // A RoundSum's values: the change, the state and three sums
        long maxResult = sc.getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
        return DistributedTrainer.aggregationDepth(data.partitions(), settings.aggregationDepth(),
                spec.layout().size() + innerSize + 3L, maxResult);
    }
}
