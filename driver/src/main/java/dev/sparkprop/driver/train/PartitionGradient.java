package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.Precision;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
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
 */
final class PartitionGradient implements FlatMapFunction<Iterator<Object>, GradientSum> {

    private static final long serialVersionUID = 1L;

    private final String layers;
    private final String loss;
    private final int blockRows;
    private final Precision precision;
    /** The cache's RDD id: with the partition, which rows a cached row order belongs to. */
    private final int dataId;
    /** The weights as the job computes: float32 ones for a float32 job (half the bytes on the wire). */
    private final Broadcast<?> params;
    private final RowIds ids;
    private final long seed;
    private final int epoch;
    private final int slices;
    private final int slice;

    /**
     * @param params a {@code double[]} broadcast, or {@code float[]} for float32
     * @param slices iterations per epoch in mini-batch mode; 0 for full batch
     */
    PartitionGradient(String layers, String loss, int blockRows, Precision precision, int dataId,
                      Broadcast<?> params, RowIds ids, long seed, int epoch, int slices, int slice) {
        this.dataId = dataId;
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
    }

    @Override
    public Iterator<GradientSum> call(Iterator<Object> items) {
        Backprop backprop = ExecutorCache.backprop(layers, loss, blockRows, precision);
        GradientSum sum = new GradientSum(backprop.layout().size());
        Consumer<Block> add;
        if (params.value() instanceof float[] w) {
            add = block -> sum.add(backprop, w, block);
        } else {
            double[] w = (double[]) params.value();
            add = block -> sum.add(backprop, w, block);
        }
        if (slices == 0) {
            items.forEachRemaining(item -> {
                if (item instanceof Block block) {
                    add.accept(block);
                }
            });
        } else {
            addMiniBatch(items, add);
        }
        return List.of(sum).iterator();
    }

    private void addMiniBatch(Iterator<Object> items, Consumer<Block> add) {
        List<Block> all = new ArrayList<>();
        List<long[]> keys = new ArrayList<>();
        items.forEachRemaining(item -> {
            if (item instanceof Block block) {
                all.add(block);
            } else if (item instanceof TrainingData.RowKeys k) {
                keys.add(k.keys());
            }
        });
        // starts[b]: the partition's index of block b's first row.
        int[] starts = new int[all.size() + 1];
        for (int b = 0; b < all.size(); b++) {
            starts[b + 1] = starts[b] + all.get(b).rows();
        }
        int rows = starts[all.size()];
        if (rows == 0) {
            return;
        }
        int partition = TaskContext.getPartitionId();
        ExecutorCache.RowOrder order = ExecutorCache.rowOrder(dataId, partition, seed, epoch, slices,
                () -> rowOrder(sourceKeys(keys, partition, rows)));
        int from = order.batchStarts()[slice];
        int to = order.batchStarts()[slice + 1];
        if (from == to) {
            return;
        }
        Block first = all.get(0);
        int in = first.inputWidth();
        int out = first.outputWidth();
        boolean float32 = precision == Precision.FLOAT32;
        double[] x = float32 ? null : new double[in * blockRows];
        float[] x32 = float32 ? new float[in * blockRows] : null;
        boolean classes = first.hasClasses();
        double[] y = classes ? null : new double[out * blockRows];
        int[] c = classes ? new int[blockRows] : null;
        double[] weights = new double[blockRows];
        for (int start = from; start < to; start += blockRows) {
            int n = Math.min(blockRows, to - start);
            for (int r = 0; r < n; r++) {
                int row = order.rows()[start + r];
                int b = blockOf(starts, row);
                Block source = all.get(b);
                int i = row - starts[b];
                if (float32) {
                    System.arraycopy(source.features32(), i * in, x32, r * in, in);
                } else {
                    System.arraycopy(source.features(), i * in, x, r * in, in);
                }
                if (classes) {
                    c[r] = source.classes()[i];
                } else {
                    System.arraycopy(source.targets(), i * out, y, r * out, out);
                }
                weights[r] = source.weights()[i];
            }
            if (classes) {
                add.accept(float32 ? Block.float32OfClasses(in, out, x32, c, weights, n)
                        : Block.ofClasses(in, out, x, c, weights, n));
            } else {
                add.accept(float32 ? Block.float32(in, out, x32, y, weights, n) : new Block(in, out, x, y, weights, n));
            }
        }
    }

    /**
     * The source key of each of the partition's rows: the cached ones, or for data cached without
     * keys, the row's place in this partition.
     */
    private static long[] sourceKeys(List<long[]> cached, int partition, int rows) {
        long[] keys = new long[rows];
        if (cached.isEmpty()) {
            for (int r = 0; r < rows; r++) {
                keys[r] = RowIds.key(partition, r);
            }
            return keys;
        }
        int at = 0;
        for (long[] k : cached) {
            System.arraycopy(k, 0, keys, at, k.length);
            at += k.length;
        }
        return keys;
    }

    /**
     * The partition's rows grouped by the batch their epoch position falls in, in partition order
     * within a batch (a counting sort: no sort of the positions needed).
     */
    private ExecutorCache.RowOrder rowOrder(long[] keys) {
        EpochPermutation permutation = new EpochPermutation(ids.range(), seed, epoch);
        int[] batchOf = new int[keys.length];
        int[] batchStarts = new int[slices + 1];
        for (int r = 0; r < keys.length; r++) {
            batchOf[r] = batchOf(permutation.position(ids.id(keys[r])), ids.range(), slices);
            batchStarts[batchOf[r] + 1]++;
        }
        for (int k = 0; k < slices; k++) {
            batchStarts[k + 1] += batchStarts[k];
        }
        int[] next = java.util.Arrays.copyOf(batchStarts, slices);
        int[] rows = new int[keys.length];
        for (int r = 0; r < keys.length; r++) {
            rows[next[batchOf[r]]++] = r;
        }
        return new ExecutorCache.RowOrder(seed, epoch, slices, rows, batchStarts);
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
