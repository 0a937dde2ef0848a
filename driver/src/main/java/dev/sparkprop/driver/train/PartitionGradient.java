package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.Dropout;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.driver.spark.PartitionJob;
import java.util.Iterator;
import org.apache.spark.broadcast.Broadcast;

/**
 * One partition's share of an iteration: forward + backprop over its rows, returned as one
 * {@link GradientSum} (summed, not averaged: the driver divides by the global weight).
 *
 * <p>Mini-batches are drawn without a shuffle, and the same whatever the partitioning: each
 * epoch puts the row ids 0..range-1 ({@link RowIds}) in the order of one permutation seeded by
 * (seed, epoch) ({@link EpochPermutation}), cuts the positions into {@code slices} equal runs,
 * and iteration k takes the rows whose positions fall in the k-th. Each partition evaluates the
 * permutation for its own rows only. Every row is used once per epoch, and the batch depends only
 * on the seed, the epoch and the iteration, never on the partitions, timing or executor. A
 * partition's epoch order is computed once per partition and executor
 * ({@link ExecutorCache#rowOrder}), so an iteration costs its batch's rows, not the partition's.
 *
 * <p>A network with dropout masks each row by (seed, optimizer step, row id) ({@link Dropout}),
 * so the masks too are the same whatever the partitioning.
 */
final class PartitionGradient implements PartitionJob.PerPartition<Object, GradientSum> {

    private static final long serialVersionUID = 1L;

    private final String layers;
    private final String loss;
    private final int blockRows;
    private final Precision precision;
    /** The cache's name ({@link TrainingData#cacheId}): with the partition, whose rows a cached row order is. */
    private final long cacheId;
    /** The weights as the job computes: float32 ones for a float32 job (half the bytes on the wire). */
    private final Broadcast<?> params;
    private final RowIds ids;
    private final long seed;
    private final int epoch;
    private final int slices;
    private final int slice;
    /** The optimizer step (0-based, over the run) that dropout masks are drawn for; -1 for none. */
    private final long step;

    /**
     * @param params a {@code double[]} broadcast, or {@code float[]} for float32
     * @param slices iterations per epoch in mini-batch mode; 0 for full batch
     * @param step   the optimizer step whose dropout masks to apply, or -1 to keep every output
     */
    PartitionGradient(String layers, String loss, int blockRows, Precision precision, long cacheId,
                      Broadcast<?> params, RowIds ids, long seed, int epoch, int slices, int slice, long step) {
        this.cacheId = cacheId;
        this.layers = layers;
        this.loss = loss;
        this.blockRows = blockRows;
        this.precision = precision;
        this.params = params;
        this.ids = ids;
        this.seed = seed;
        this.epoch = epoch;
        this.slices = slices;
        this.slice = slice;
        this.step = step;
    }

    @Override
    public GradientSum call(Iterator<Object> items) {
        Backprop backprop = ExecutorCache.backprop(layers, loss, blockRows, precision);
        GradientSum sum = new GradientSum(backprop.layout().size());
        boolean dropout = step >= 0 && backprop.spec().hasDropout();
        PartitionRows.BlockSink add;
        if (params.value() instanceof float[] w) {
            add = (block, rowIds) -> sum.add(backprop, w, block, masks(rowIds));
        } else {
            double[] w = (double[]) params.value();
            add = (block, rowIds) -> sum.add(backprop, w, block, masks(rowIds));
        }
        if (slices == 0 && !dropout) {
            items.forEachRemaining(item -> {
                if (item instanceof Block block) {
                    add.accept(block, null);
                }
            });
        } else {
            // Dropout needs the rows' ids, cached after their blocks: read blocks and keys together.
            PartitionRows.read(items, blockRows, precision).forEachBlock(cacheId, ids, seed, epoch, slices, slice,
                    dropout, add);
        }
        return sum;
    }

    /** The dropout masks of a block whose rows have {@code rowIds}; none without ids. */
    private Dropout.Draw masks(long[] rowIds) {
        return rowIds == null ? null : new Dropout.Draw(seed, step, rowIds);
    }

    /** The first position of batch k of {@code slices} equal runs over [0, range): floor(k × range / slices). */
    static long batchStart(int k, long range, int slices) {
        // k × (range % slices) < slices², which fits a long; k × range might not.
        return k * (range / slices) + (long) k * (range % slices) / slices;
    }

    /** The batch whose run of positions holds {@code position}. */
    static int batchOf(long position, long range, int slices) {
        int k = (int) Math.min(slices - 1, (long) ((double) position * slices / range));
        while (k > 0 && batchStart(k, range, slices) > position) {
            k--;
        }
        while (k + 1 < slices && batchStart(k + 1, range, slices) <= position) {
            k++;
        }
        return k;
    }

    /** The block holding the partition's row {@code row}: the last b with starts[b] <= row. */
    static int blockOf(int[] starts, int row) {
        int b = java.util.Arrays.binarySearch(starts, row);
        if (b < 0) {
            return -b - 2;
        }
        // Empty blocks share a start: take the last, the one that holds the row.
        while (starts[b + 1] == row) {
            b++;
        }
        return b;
    }
}
