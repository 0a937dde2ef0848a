package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.Precision;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;

/**
 * A partition's cached rows as a task holds them, handed out by mini-batch: the rows of batch
 * {@code slice} (see {@link PartitionGradient}) copied into blocks of up to {@code blockRows}
 * rows, in partition order. The copy buffers are the task's, reused for every block and batch,
 * so a task that takes several steps allocates them once.
 */
final class PartitionRows {

    private final List<Block> all;
    private final List<long[]> keys;
    /** starts[b]: the partition's index of block b's first row; starts[blocks] is the row count. */
    private final int[] starts;
    private final int blockRows;
    private final Precision precision;
    private double[] x;
    private float[] x32;
    private double[] y;
    private int[] c;
    private double[] weights;

    private PartitionRows(List<Block> all, List<long[]> keys, int blockRows, Precision precision) {
        this.all = all;
        this.keys = keys;
        this.blockRows = blockRows;
        this.precision = precision;
        starts = new int[all.size() + 1];
        for (int b = 0; b < all.size(); b++) {
            starts[b + 1] = starts[b] + all.get(b).rows();
        }
    }

    /** The blocks and row keys of a cached partition. */
    static PartitionRows read(Iterator<Object> items, int blockRows, Precision precision) {
        List<Block> all = new ArrayList<>();
        List<long[]> keys = new ArrayList<>();
        items.forEachRemaining(item -> {
            if (item instanceof Block block) {
                all.add(block);
            } else if (item instanceof TrainingData.RowKeys k) {
                keys.add(k.keys());
            }
        });
        return new PartitionRows(all, keys, blockRows, precision);
    }

    int rows() {
        return starts[all.size()];
    }

    /**
     * Hands {@code add} the partition's rows of batch {@code slice} of {@code slices} in the epoch's
     * order, in blocks it must use before it returns (they share the buffers); with
     * {@code slices} = 0, every cached block.
     */
    void forEachBlock(int dataId, RowIds ids, long seed, int epoch, int slices, int slice, Consumer<Block> add) {
        if (slices == 0) {
            all.forEach(add);
            return;
        }
        int rows = rows();
        if (rows == 0) {
            return;
        }
        int partition = TaskContext.getPartitionId();
        ExecutorCache.RowOrder order = ExecutorCache.rowOrder(dataId, partition, seed, epoch, slices,
                () -> rowOrder(sourceKeys(keys, partition, rows), ids, seed, epoch, slices));
        int from = order.batchStarts()[slice];
        int to = order.batchStarts()[slice + 1];
        if (from == to) {
            return;
        }
        Block first = all.get(0);
        int in = first.inputWidth();
        int out = first.outputWidth();
        boolean float32 = precision == Precision.FLOAT32;
        boolean classes = first.hasClasses();
        if (weights == null) {
            x = float32 ? null : new double[in * blockRows];
            x32 = float32 ? new float[in * blockRows] : null;
            y = classes ? null : new double[out * blockRows];
            c = classes ? new int[blockRows] : null;
            weights = new double[blockRows];
        }
        for (int start = from; start < to; start += blockRows) {
            int n = Math.min(blockRows, to - start);
            for (int r = 0; r < n; r++) {
                int row = order.rows()[start + r];
                int b = PartitionGradient.blockOf(starts, row);
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
    private static ExecutorCache.RowOrder rowOrder(long[] keys, RowIds ids, long seed, int epoch, int slices) {
        EpochPermutation permutation = new EpochPermutation(ids.range(), seed, epoch);
        int[] batchOf = new int[keys.length];
        int[] batchStarts = new int[slices + 1];
        for (int r = 0; r < keys.length; r++) {
            batchOf[r] = PartitionGradient.batchOf(permutation.position(ids.id(keys[r])), ids.range(), slices);
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
}
