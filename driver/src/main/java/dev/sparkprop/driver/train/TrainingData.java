package dev.sparkprop.driver.train;

import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

/**
 * Rows converted once, by a {@link Preprocessing}, into cached blocks (features, targets,
 * weights stacked for GEMM), persisted MEMORY_AND_DISK and reused by every iteration.
 */
public final class TrainingData implements AutoCloseable {

    private final JavaRDD<Block> blocks;
    private final long rows;
    private final double weightSum;
    private final Preprocessing preprocessing;
    private final Precision precision;

    private TrainingData(JavaRDD<Block> blocks, long rows, double weightSum, Preprocessing preprocessing,
                         Precision precision) {
        this.blocks = blocks;
        this.rows = rows;
        this.weightSum = weightSum;
        this.preprocessing = preprocessing;
        this.precision = precision;
    }

    /**
     * Encodes the rows of {@code df} by {@code prep} into blocks of up to {@code blockRows} rows
     * per partition, and caches them.
     *
     * @param classWeights a weight per class index used instead of a weight column, or null
     * @param precision    of the cached features (float32 halves the cache)
     * @throws IllegalArgumentException naming the bad column or value, or when no row has weight
     */
    public static TrainingData fromDataFrame(Dataset<Row> df, Preprocessing prep, NetworkSpec spec, int blockRows,
                                             double[] classWeights, Precision precision) {
        RowEncoder encoder = new RowEncoder(prep, spec, classWeights, true);
        JavaRDD<Block> blocks = select(df, prep).javaRDD()
                .mapPartitions(rowsIn -> toBlocks(rowsIn, encoder, blockRows, precision))
                .setName("sparkprop training blocks")
                .persist(StorageLevel.MEMORY_AND_DISK());
        return summarise(blocks, prep, precision);
    }

    /** Caches already-built blocks of one precision, e.g. from a test or another pipeline. */
    public static TrainingData fromBlocks(JavaRDD<Block> blocks, Precision precision) {
        return summarise(blocks.persist(StorageLevel.MEMORY_AND_DISK()), null, precision);
    }

    private static TrainingData summarise(JavaRDD<Block> blocks, Preprocessing prep, Precision precision) {
        double[] totals = unwrapped(() -> blocks
                .map(b -> new double[] {b.rows(), b.weightSum()})
                .fold(new double[2], (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]}));
        if (totals[0] == 0) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("the data has no rows");
        }
        if (!(totals[1] > 0)) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("every row has weight 0; at least one needs a positive weight");
        }
        return new TrainingData(blocks, (long) totals[0], totals[1], prep, precision);
    }

    public JavaRDD<Block> blocks() {
        return blocks;
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
        for (RDDInfo info : blocks.context().getRDDStorageInfo()) {
            if (info.id() == blocks.id()) {
                return info.memSize() + info.diskSize();
            }
        }
        return 0;
    }

    /** How rows became blocks; null for data built {@link #fromBlocks}. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    @Override
    public void close() {
        blocks.unpersist(false);
    }

    /** The columns a {@link RowEncoder} reads, in its order: features, labels, weight. */
    static Dataset<Row> select(Dataset<Row> df, Preprocessing prep) {
        List<String> available = Arrays.asList(df.columns());
        List<String> wanted = new ArrayList<>();
        prep.features().forEach(f -> wanted.add(f.name()));
        wanted.addAll(prep.labels());
        if (prep.weight() != null) {
            wanted.add(prep.weight());
        }
        List<Column> selection = new ArrayList<>();
        for (String name : wanted) {
            if (!available.contains(name)) {
                throw new IllegalArgumentException("column '" + name + "' is not in the data; its columns are "
                        + available);
            }
            selection.add(Columns.col(name));
        }
        return df.select(selection.toArray(new Column[0]));
    }

    private static Iterator<Block> toBlocks(Iterator<Row> rowsIn, RowEncoder encoder, int blockRows,
                                            Precision precision) {
        int in = encoder.inputWidth();
        int out = encoder.outputWidth();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rowsIn.hasNext();
            }

            @Override
            public Block next() {
                double[] x = new double[in * blockRows];
                double[] y = new double[out * blockRows];
                double[] w = new double[blockRows];
                int r = 0;
                for (; r < blockRows && rowsIn.hasNext(); r++) {
                    Row row = rowsIn.next();
                    encoder.features(row, x, r * in);
                    w[r] = encoder.weight(row, encoder.targets(row, y, r * out));
                }
                // The last block of a partition is trimmed so the cache holds no padding.
                Block block = r == blockRows ? new Block(in, out, x, y, w, r)
                        : new Block(in, out, Arrays.copyOf(x, in * r), Arrays.copyOf(y, out * r), Arrays.copyOf(w, r), r);
                return precision == Precision.FLOAT32 ? block.toFloat32() : block;
            }
        };
    }

    /**
     * Runs a Spark action; a task that failed on bad input surfaces as the InvalidDataException
     * it threw, with its own message, rather than as a SparkException with a stage dump.
     */
    static <T> T unwrapped(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) {
            // Scala code throws SparkException (checked in Java) without declaring it.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidDataException bad) {
                    throw bad;
                }
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
    }
}
