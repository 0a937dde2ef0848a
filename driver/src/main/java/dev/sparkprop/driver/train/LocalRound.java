package dev.sparkprop.driver.train;

import dev.sparkprop.driver.spark.PartitionJob;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.DoubleArrays;
import dev.sparkprop.nn.Dropout;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.optim.Updater;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.broadcast.Broadcast;

/**
 * One partition's round of local steps: from the broadcast weights and optimizer state, it
 * takes {@code steps} optimizer steps on its own rows alone, step j on its rows of the epoch's
 * mini-batch {@code firstSlice + j} (all its rows in full batch), each the gradient of the
 * mean loss over those rows, and returns its weight change and final state as a
 * {@link RoundSum}. It is a pure function of the broadcast values and the cached rows, so a
 * retried task, or one recomputed on another executor, returns the same sums to the last bit.
 * Dropout masks are drawn as at one step per job, for (seed, the step's number, row id).
 *
 * <p>A step whose loss or gradient is not finite, or whose update would make a weight
 * non-finite, is left out (weights and state as before it) and counted; without
 * {@code skipNonFinite} the task takes no more steps, since the driver ends the run.
 */
final class LocalRound implements PartitionJob.PerPartition<Object, RoundSum> {

    private static final long serialVersionUID = 1L;

    private final String layers;
    private final String loss;
    private final int blockRows;
    private final Precision precision;
    private final long cacheId;
    /** The weights, then the inner optimizer state, as double[]. */
    private final Broadcast<double[]> start;
    private final RowIds ids;
    private final long seed;
    private final int epoch;
    private final int slices;
    private final int firstSlice;
    private final int steps;
    private final long firstIteration;
    /** The updater's settings as specs (optimizers and schedules are not Serializable; their specs are). */
    private final String optimizer;
    private final String schedule;
    private final double learningRate;
    private final double l2;
    private final double clipNorm;
    private final boolean skipNonFinite;

    LocalRound(TrainingSettings settings, TrainingData data, Broadcast<double[]> start, int epoch, int slices,
               int firstSlice, int steps, long firstIteration) {
        this.layers = settings.network().layersSpec();
        this.loss = settings.network().loss().name();
        this.blockRows = settings.blockRows();
        this.precision = data.precision();
        this.cacheId = data.cacheId();
        this.start = start;
        this.ids = data.ids();
        this.seed = settings.seed();
        this.epoch = epoch;
        this.slices = slices;
        this.firstSlice = firstSlice;
        this.steps = steps;
        this.firstIteration = firstIteration;
        this.optimizer = settings.optimizer().kind().name();
        this.schedule = settings.optimizer().schedule().name();
        this.learningRate = settings.learningRate();
        this.l2 = settings.optimizer().l2();
        this.clipNorm = settings.optimizer().clipNorm();
        this.skipNonFinite = settings.skipNonFinite();
    }

    @Override
    public RoundSum call(Iterator<Object> items) {
        Backprop backprop = ExecutorCache.backprop(layers, loss, blockRows, precision);
        int n = backprop.layout().size();
        Updater updater = ExecutorCache.updater(layers, optimizer, schedule, learningRate, l2, clipNorm,
                backprop.layout());
        double[] initial = start.value();
        double[] w = Arrays.copyOf(initial, n);
        double[] state = Arrays.copyOfRange(initial, n, initial.length);
        PartitionRows rows = PartitionRows.read(items, blockRows, precision);
        boolean dropout = backprop.spec().hasDropout();
        double[] wBefore = skipNonFinite ? new double[n] : null;
        double[] stateBefore = skipNonFinite ? new double[state.length] : null;
        float[] w32 = precision == Precision.FLOAT32 ? new float[n] : null;
        // One sum for every step: reset, not a fresh parameter-sized array per step
        GradientSum sum = new GradientSum(n);
        // After a taken step the update has zeroed the sum and rounded w to w32 in its own pass
        boolean stepped = false;
        double lossSum = 0;
        double weightSum = 0;
        double correct = 0;
        long trained = 0;
        long faults = 0;
        for (int j = 0; j < steps; j++) {
            if (stepped) {
                sum.resetTotals();
            } else {
                sum.reset();
                if (w32 != null) {
                    DoubleArrays.narrow(w, w32, n);
                }
            }
            stepped = false;
            long step = firstIteration + j;
            PartitionRows.BlockSink add = w32 != null
                    ? (block, rowIds) -> sum.add(backprop, w32, block, masks(rowIds, step))
                    : (block, rowIds) -> sum.add(backprop, w, block, masks(rowIds, step));
            rows.forEachBlock(cacheId, ids, seed, epoch, slices, slices == 0 ? 0 : firstSlice + j, dropout, add);
            if (!(sum.weightSum() > 0)) {
                trained += sum.rows(); // no step: none of the batch's rows here, or only rows of weight 0
                continue;
            }
            double stepLoss = sum.lossSum();
            boolean finite = Double.isFinite(stepLoss);
            if (finite) {
                // Only a skipped step needs its weights back: without skipping, a fault ends the run
                // and the driver drops this round (the copies cost a tenth of a small step)
                if (skipNonFinite) {
                    System.arraycopy(w, 0, wBefore, 0, n);
                    System.arraycopy(state, 0, stateBefore, 0, state.length);
                }
                finite = updater.updateMean(w, sum.gradient(), sum.weightSum(), state, step, w32);
                if (!finite && skipNonFinite) {
                    System.arraycopy(wBefore, 0, w, 0, n);
                    System.arraycopy(stateBefore, 0, state, 0, state.length);
                }
            }
            if (!finite) {
                faults++;
                if (!skipNonFinite) {
                    break;
                }
                continue;
            }
            stepped = true;
            lossSum += stepLoss;
            weightSum += sum.weightSum();
            correct += sum.correctWeight();
            trained += sum.rows();
        }
        for (int i = 0; i < n; i++) {
            w[i] -= initial[i];
        }
        return RoundSum.of(w, state, lossSum, weightSum, correct, trained, faults);
    }

    /** The dropout masks of a block whose rows have {@code rowIds} at optimizer step {@code step}; none without ids. */
    private Dropout.Draw masks(long[] rowIds, long step) {
        return rowIds == null ? null : new Dropout.Draw(seed, step, rowIds);
    }
}
