package dev.sparkprop.driver.train;

import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.PartitionJob;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

/**
 * Rows converted once, by a {@link Preprocessing}, into cached blocks (features, targets,
 * weights stacked for GEMM), persisted MEMORY_AND_DISK and reused by every iteration.
 *
 * <p>The pass that builds the cache also checks the rows: a row it cannot use is left out of the
 * blocks and recorded, and each partition's cached data ends with what it found
 * ({@link DataProblems}), which the driver merges in partition order and raises as one message.
 * No task fails on bad data, so Spark logs no task failure, and the check costs no pass of its own.
 */
public final class TrainingData implements AutoCloseable {

    /**
     * What the cache holds: each partition's blocks, each followed by its rows' {@link RowKeys}
     * when the rows were numbered from their source, then the partition's {@link DataProblems};
     * for built blocks, the blocks.
     */
    private final JavaRDD<?> cached;
    private final JavaRDD<Block> blocks;
    private final RowIds ids;
    private final long rows;
    private final double weightSum;
    private final DataProblems problems;
    private final Preprocessing preprocessing;
    private final Precision precision;
    /** Names this cache in {@link ExecutorCache}: RDD ids start again at 0 in each SparkContext of a JVM. */
    private final long cacheId = java.util.UUID.randomUUID().getMostSignificantBits();

    private TrainingData(JavaRDD<?> cached, JavaRDD<Block> blocks, Totals totals, Preprocessing preprocessing,
                         Precision precision) {
        this.cached = cached;
        this.blocks = blocks;
        this.ids = new RowIds(totals.sourceRows);
        this.rows = totals.rows;
        this.weightSum = totals.weightSum;
        this.problems = totals.problems;
        this.preprocessing = preprocessing;
        this.precision = precision;
    }

    /**
     * Encodes the rows of {@code df} by {@code prep} into blocks of up to {@code blockRows} rows
     * per partition, and caches them. Rows with a missing or non-finite feature are an error,
     * left out or filled as {@code prep.missing()} says.
     *
     * @param source       what the rows are, for messages: "the training data", "the validation data", ...
     * @param classWeights a weight per class index used instead of a weight column, or null
     * @param precision    of the cached features (float32 halves the cache)
     * @throws IllegalArgumentException naming the bad columns and values, or when no row has weight
     */
    public static TrainingData fromDataFrame(Dataset<Row> df, String source, Preprocessing prep, NetworkSpec spec,
                                             int blockRows, double[] classWeights, Precision precision) {
        return fromRows(new DataFrameRows(df), source, prep, spec, blockRows, classWeights, precision);
    }

    /** {@link #fromDataFrame}, for rows of any source. */
    public static TrainingData fromRows(TrainingRows rows, String source, Preprocessing prep, NetworkSpec spec,
                                        int blockRows, double[] classWeights, Precision precision) {
        return encode(rows.select(prep), source, prep, spec, blockRows, classWeights, precision);
    }

    /**
     * {@link #fromRows}, for the rows to train on: each row numbered by its place in the
     * source's partitions before they are spread over {@code partitions} partitions (0: one per
     * core of the application, Spark's default parallelism), so that a mini-batch holds the same
     * rows whatever the partitioning ({@link RowIds}). Spreading keeps every row's partition and
     * order the same on every run ({@link TrainingRows#numbered}); data already in that many
     * partitions stays where it is.
     */
    public static TrainingData forTraining(TrainingRows rows, int partitions, String source, Preprocessing prep,
                                           NetworkSpec spec, int blockRows, double[] classWeights,
                                           Precision precision) {
        int n = partitions > 0 ? partitions : SparkContext.getOrCreate().defaultParallelism();
        return encode(rows.numbered(prep, n), source, prep, spec, blockRows, classWeights, precision);
    }

    /** {@link #forTraining(TrainingRows, int, String, Preprocessing, NetworkSpec, int, double[], Precision)} of a DataFrame. */
    public static TrainingData forTraining(Dataset<Row> df, int partitions, String source, Preprocessing prep,
                                           NetworkSpec spec, int blockRows, double[] classWeights,
                                           Precision precision) {
        return forTraining(new DataFrameRows(df), partitions, source, prep, spec, blockRows, classWeights, precision);
    }

    /** Rows without a source key ({@link TrainingRows.Selected#keyAt} -1) are numbered by their place in the cache. */
    private static TrainingData encode(TrainingRows.Selected selected, String source, Preprocessing prep,
                                       NetworkSpec spec, int blockRows, double[] classWeights, Precision precision) {
        RowEncoder encoder = new RowEncoder(prep, spec, classWeights, precision, false, selected.malformedAt());
        int keyAt = selected.keyAt();
        JavaRDD<Object> encoded = selected.rows()
                .mapPartitions(rowsIn -> PartitionJob.failingOutOfHeap(
                        encode(rowsIn, encoder, blockRows, precision, keyAt)))
                .setName("sparkprop training blocks")
                .persist(StorageLevel.MEMORY_AND_DISK());
        // A narrow view of the cache: the same partitions, in the same order, without the reports
        JavaRDD<Block> blocks = encoded.filter(Block.class::isInstance).map(Block.class::cast);
        return summarise(encoded, blocks, source, prep, precision);
    }

    /** Caches already-built blocks of one precision, e.g. from a test or another pipeline. */
    public static TrainingData fromBlocks(JavaRDD<Block> blocks, Precision precision) {
        JavaRDD<Block> cached = blocks.persist(StorageLevel.MEMORY_AND_DISK());
        return summarise(cached, cached, "the data", null, precision);
    }

    /** Rows, weights and problems of the cache, merged in partition order; the first action on it, so it fills it. */
    private static TrainingData summarise(JavaRDD<?> cached, JavaRDD<Block> blocks, String source,
                                          Preprocessing prep, Precision precision) {
        Totals totals = PartitionJob.collect(cached, "sparkprop caching", it -> {
            Totals t = new Totals();
            boolean keyed = false;
            while (it.hasNext()) {
                Object next = it.next();
                if (next instanceof Block b) {
                    t.rows += b.rows();
                    t.weightSum += b.weightSum();
                } else if (next instanceof RowKeys k) {
                    keyed = true;
                    RowIds.addSizes(k.keys(), t.sourceRows);
                } else {
                    t.problems.merge((DataProblems) next);
                }
            }
            if (!keyed && t.rows > 0) {
                t.sourceRows.put(TaskContext.getPartitionId(), t.rows);
            }
            return t;
        }).stream().reduce(Totals::merge).orElseThrow();
        try {
            totals.problems.check(source);
            if (totals.rows == 0) {
                throw totals.problems.droppedRows() == 0 ? new NoRows(source + " has no rows")
                        : new IllegalArgumentException("every row of " + source + " has a missing or non-finite"
                        + " feature, and data.missing = \"drop\" left them all out");
            }
            if (!(totals.weightSum > 0)) {
                throw new IllegalArgumentException("every row has weight 0; at least one needs a positive weight");
            }
        } catch (IllegalArgumentException e) {
            cached.unpersist(false);
            throw e;
        }
        return new TrainingData(cached, blocks, totals, prep, precision);
    }

    /**
     * One partition's rows, weight, problems and the source partitions its rows came from (each
     * with its largest place seen + 1), or their sum.
     */
    static final class Totals implements Serializable {
        private static final long serialVersionUID = 1L;
        long rows;
        double weightSum;
        final DataProblems problems = new DataProblems();
        final TreeMap<Integer, Long> sourceRows = new TreeMap<>();

        Totals merge(Totals later) {
            rows += later.rows;
            weightSum += later.weightSum;
            problems.merge(later.problems);
            later.sourceRows.forEach((partition, size) -> sourceRows.merge(partition, size, Math::max));
            return this;
        }
    }

    /**
     * The source keys ({@link RowIds#key}) of the rows of the block cached just before. A class,
     * not a record: Spark's Kryo cannot set a record's fields.
     */
    static final class RowKeys implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long[] keys;

        RowKeys(long[] keys) {
            this.keys = keys;
        }

        long[] keys() {
            return keys;
        }
    }

    public JavaRDD<Block> blocks() {
        return blocks;
    }

    /** This cache's name on the executors, unique to it (what {@link ExecutorCache} keeps per partition is under it). */
    long cacheId() {
        return cacheId;
    }

    /** The cache itself: blocks, each maybe followed by its {@link RowKeys}, and anything else to skip. */
    @SuppressWarnings("unchecked")
    JavaRDD<Object> cached() {
        return (JavaRDD<Object>) cached;
    }

    /** The rows' ids, by which mini-batches are drawn. */
    RowIds ids() {
        return ids;
    }

    public long rows() {
        return rows;
    }

    public double weightSum() {
        return weightSum;
    }

    public int partitions() {
        return blocks.getNumPartitions();
    }

    public Precision precision() {
        return precision;
    }

    /** Bytes the cached blocks take in executor memory and on disk, as Spark's storage reports them. */
    public long cachedBytes() {
        RDDInfo info = storage();
        return info == null ? 0 : info.memSize() + info.diskSize();
    }

    /** Bytes of the cached blocks that did not fit in the executors' storage memory, which every pass reads from disk. */
    public long bytesOnDisk() {
        RDDInfo info = storage();
        return info == null ? 0 : info.diskSize();
    }

    private RDDInfo storage() {
        for (RDDInfo info : cached.context().getRDDStorageInfo()) {
            if (info.id() == cached.id()) {
                return info;
            }
        }
        return null;
    }

    /** How rows became blocks; null for data built {@link #fromBlocks}. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Rows that data.missing = "drop" left out. */
    public long droppedRows() {
        return problems.droppedRows();
    }

    /** Rows that data.missing = "drop" left out, per column whose value was missing or non-finite. */
    public Map<String, Long> droppedByColumn() {
        return problems.droppedByColumn();
    }

    /**
     * The line that reports the rows data.missing = "drop" left out, e.g. {@code left out 3 of
     * 150 training rows for a missing or non-finite feature (data.missing = "drop"): 'b' in 3};
     * null when none were.
     *
     * @param rowsOf what the rows are, e.g. "training rows"
     */
    public String droppedSummary(String rowsOf) {
        return problems.droppedSummary(rowsOf, rows);
    }

    @Override
    public void close() {
        cached.unpersist(false);
    }

    /**
     * The partition's blocks, each followed by its rows' {@link RowKeys} when {@code keyAt} >= 0,
     * then what it found wrong with rows it left out (a {@link DataProblems}).
     */
    private static Iterator<Object> encode(Iterator<Row> rowsIn, RowEncoder encoder, int blockRows,
                                           Precision precision, int keyAt) {
        int in = encoder.inputWidth();
        int out = encoder.outputWidth();
        // A softmax class is kept as its index: 4 bytes a row instead of n_L doubles.
        boolean classes = encoder.oneHotClasses();
        double[] oneRow = new double[out];
        DataProblems problems = new DataProblems();
        return new Iterator<>() {
            private Object next;
            private boolean reported;
            private RowKeys keysOfLast;

            @Override
            public boolean hasNext() {
                if (next == null && !reported) {
                    next = produce();
                }
                return next != null;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Object current = next;
                next = null;
                return current;
            }

            /** The next block of usable rows, then its keys if kept; once the rows run out, the problems. */
            private Object produce() {
                if (keysOfLast != null) {
                    RowKeys keys = keysOfLast;
                    keysOfLast = null;
                    return keys;
                }
                if (!rowsIn.hasNext()) {
                    reported = true;
                    return problems;
                }
                double[] x = new double[in * blockRows];
                double[] y = classes ? null : new double[out * blockRows];
                int[] c = classes ? new int[blockRows] : null;
                double[] w = new double[blockRows];
                long[] keys = keyAt >= 0 ? new long[blockRows] : null;
                int r = 0;
                while (r < blockRows && rowsIn.hasNext()) {
                    // A row that cannot be used is overwritten by the next one
                    Row row = rowsIn.next();
                    if (keys != null) {
                        problems.at(row.getLong(keyAt));
                    }
                    int index = classes ? encoder.encode(row, x, oneRow, 0, w, r, problems)
                            : encoder.encode(row, x, y, r * out, w, r, problems);
                    if (index != RowEncoder.UNUSABLE) {
                        if (classes) {
                            c[r] = index;
                        }
                        if (keys != null) {
                            keys[r] = row.getLong(keyAt);
                        }
                        r++;
                    }
                }
                if (r == 0) {
                    reported = true;
                    return problems;
                }
                // The last block of a partition is trimmed so the cache holds no padding.
                if (r < blockRows) {
                    x = Arrays.copyOf(x, in * r);
                    y = classes ? null : Arrays.copyOf(y, out * r);
                    c = classes ? Arrays.copyOf(c, r) : null;
                    w = Arrays.copyOf(w, r);
                    keys = keys == null ? null : Arrays.copyOf(keys, r);
                }
                keysOfLast = keys == null ? null : new RowKeys(keys);
                Block block = classes ? Block.ofClasses(in, out, x, c, w, r) : new Block(in, out, x, y, w, r);
                return precision == Precision.FLOAT32 ? block.toFloat32() : block;
            }
        };
    }

    /** The rows to encode were none. */
    public static final class NoRows extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        NoRows(String message) {
            super(message);
        }
    }
}
