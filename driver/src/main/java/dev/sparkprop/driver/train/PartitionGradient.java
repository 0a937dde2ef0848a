package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.Precision;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * One partition's share of an iteration: forward + backprop over its rows, returned as one
 * {@link GradientSum} (summed, not averaged: the driver divides by the global weight).
 *
 * <p>Mini-batches are drawn without a shuffle: each epoch, a partition permutes its own rows
 * with a generator seeded by (seed, epoch, partition) and iteration k of the epoch takes the
 * k-th of {@code slices} equal parts. Every row is used once per epoch, and the batch depends
 * only on the seed, the iteration and the partition, never on timing or executor. The epoch's
 * order is computed once per partition and executor ({@link ExecutorCache#rowOrder}), so an
 * iteration costs its batch's rows, not the partition's.
 */
final class PartitionGradient implements FlatMapFunction<Iterator<Block>, GradientSum> {

    private static final long serialVersionUID = 1L;

    private final String layers;
    private final String loss;
    private final int blockRows;
    private final Precision precision;
    /** The cached blocks' RDD id: with the partition, which rows a cached row order belongs to. */
    private final int dataId;
    /** The weights as the job computes: float32 ones for a float32 job (half the bytes on the wire). */
    private final Broadcast<?> params;
    private final long seed;
    private final int epoch;
    private final int slices;
    private final int slice;

    /** @param slices iterations per epoch in mini-batch mode; 0 for full batch */
    /** @param params a {@code double[]} broadcast, or {@code float[]} for float32 */
    PartitionGradient(String layers, String loss, int blockRows, Precision precision, int dataId,
                      Broadcast<?> params, long seed, int epoch, int slices, int slice) {
        this.dataId = dataId;
        this.layers = layers;
        this.loss = loss;
        this.blockRows = blockRows;
        this.precision = precision;
        this.params = params;
        this.seed = seed;
        this.epoch = epoch;
        this.slices = slices;
        this.slice = slice;
    }

    @Override
    public Iterator<GradientSum> call(Iterator<Block> blocks) {
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
            blocks.forEachRemaining(add);
        } else {
            addMiniBatch(blocks, add);
        }
        return List.of(sum).iterator();
    }

    private void addMiniBatch(Iterator<Block> blocks, Consumer<Block> add) {
        List<Block> all = new ArrayList<>();
        blocks.forEachRemaining(all::add);
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
        int[] order = ExecutorCache.rowOrder(dataId, partition, seed, epoch, rows,
                () -> permutation(rows, new Random(mix(seed, epoch, partition))));
        int from = (int) ((long) slice * rows / slices);
        int to = (int) ((long) (slice + 1) * rows / slices);
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
                int row = order[start + r];
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

    private static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * One seed for (seed, epoch, partition): odd 64-bit multipliers keep nearby triples apart,
     * and java.util.Random's sequence is fixed by the Java specification on every JVM.
     */
    private static long mix(long seed, int epoch, int partition) {
        return seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xC2B2AE3D27D4EB4FL + (partition + 1) * 0x165667B19E3779F9L;
    }
}
