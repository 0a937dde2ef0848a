package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.Precision;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;

/**
 * A partition's cached rows as a task holds them, handed out by mini-batch: the rows of batch
 * {@code slice} (see {@link PartitionGradient}) copied into blocks of up to {@code blockRows}
 * rows, in partition order. The copy buffers are the task's, reused for every block and batch,
 * so a task that takes several steps allocates them once.
 */
final class PartitionRows {

    /** Takes a block and, when asked for, its rows' ids ({@link RowIds}; a buffer, valid during the call). */
    @FunctionalInterface
    interface BlockSink {
        void accept(Block block, long[] rowIds);
    }

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
    private long[] rowIds;

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
     * {@code slices} = 0, every cached block. With {@code withRowIds}, each block comes with its
     * rows' ids (what dropout masks are drawn for), else with null.
     */
    void forEachBlock(long cacheId, RowIds ids, long seed, int epoch, int slices, int slice, boolean withRowIds,
                      BlockSink add) {
        int partition = TaskContext.getPartitionId();
        if (slices == 0) {
            for (int b = 0; b < all.size(); b++) {
                Block block = all.get(b);
                if (withRowIds) {
                    long[] blockIds = rowIdBuffer(block.rows());
                    for (int i = 0; i < block.rows(); i++) {
                        blockIds[i] = ids.id(key(partition, b, i));
                    }
                    add.accept(block, blockIds);
                } else {
                    add.accept(block, null);
                }
            }
            return;
        }
        int rows = rows();
        if (rows == 0) {
            return;
        }
        ExecutorCache.RowOrder order = ExecutorCache.rowOrder(cacheId, partition, rows, seed, epoch, slices,
                () -> rowOrder(sourceKeys(partition), ids, seed, epoch, slices));
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
        long[] blockIds = withRowIds ? rowIdBuffer(blockRows) : null;
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
                if (blockIds != null) {
                    blockIds[r] = ids.id(key(partition, b, i));
                }
            }
            if (classes) {
                add.accept(float32 ? Block.float32OfClasses(in, out, x32, c, weights, n)
                        : Block.ofClasses(in, out, x, c, weights, n), blockIds);
            } else {
                add.accept(float32 ? Block.float32(in, out, x32, y, weights, n) : new Block(in, out, x, y, weights, n),
                        blockIds);
            }
        }
    }

    /** The task's buffer of row ids, at least {@code rows} long. */
    private long[] rowIdBuffer(int rows) {
        if (rowIds == null || rowIds.length < rows) {
            rowIds = new long[Math.max(rows, blockRows)];
        }
        return rowIds;
    }

    /**
     * The source key of row {@code i} of block {@code b}: the cached one, or for data cached
     * without keys, the row's place in this partition.
     */
    private long key(int partition, int b, int i) {
        return keys.isEmpty() ? RowIds.key(partition, starts[b] + i) : keys.get(b)[i];
    }

    /** The source key ({@link #key}) of each of the partition's rows. */
    private long[] sourceKeys(int partition) {
        long[] all = new long[rows()];
        for (int b = 0; b + 1 < starts.length; b++) {
            for (int i = starts[b]; i < starts[b + 1]; i++) {
                all[i] = key(partition, b, i - starts[b]);
            }
        }
        return all;
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
