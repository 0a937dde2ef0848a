package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * Training rows converted once into cached blocks (features, targets, weights stacked for
 * GEMM), persisted MEMORY_AND_DISK and reused by every iteration. Building it reads the source
 * twice: once for the standardisation statistics (when asked for), once for the blocks.
 */
public final class TrainingData implements AutoCloseable {

    private final JavaRDD<Block> blocks;
    private final long rows;
    private final double weightSum;
    private final Scaling scaling;

    private TrainingData(JavaRDD<Block> blocks, long rows, double weightSum, Scaling scaling) {
        this.blocks = blocks;
        this.rows = rows;
        this.weightSum = weightSum;
        this.scaling = scaling;
    }

    /**
     * Selects {@code columns} from {@code df}, optionally standardises features (and regression
     * targets) with statistics of these rows, and caches blocks of up to {@code blockRows} rows
     * per partition.
     *
     * @param standardize compute mean/std here and apply them; false keeps raw values
     * @throws IllegalArgumentException naming the bad column or value
     */
    public static TrainingData fromDataFrame(Dataset<Row> df, DataColumns columns, NetworkSpec spec, int blockRows,
                                             boolean standardize) {
        return build(df, columns, spec, blockRows, standardize, Scaling.NONE);
    }

    /**
     * As {@link #fromDataFrame(Dataset, DataColumns, NetworkSpec, int, boolean)}, applying a given
     * scaling (the training data's, to validation or test rows).
     */
    public static TrainingData fromDataFrame(Dataset<Row> df, DataColumns columns, NetworkSpec spec, int blockRows,
                                             Scaling scaling) {
        return build(df, columns, spec, blockRows, false, scaling);
    }

    private static TrainingData build(Dataset<Row> df, DataColumns columns, NetworkSpec spec, int blockRows,
                                      boolean computeStatistics, Scaling given) {
        Dataset<Row> selected = select(df, columns);
        boolean vectorFeatures = columns.features().size() == 1
                && selected.schema().fields()[0].dataType() instanceof VectorUDT;
        int labelAt = vectorFeatures ? 1 : columns.features().size();
        boolean vectorLabel = columns.labels().size() == 1
                && selected.schema().fields()[labelAt].dataType() instanceof VectorUDT;
        RowEncoder encoder = new RowEncoder(columns, vectorFeatures, vectorLabel, spec);
        JavaRDD<Row> source = selected.javaRDD();
        Scaling scaling = computeStatistics ? statistics(source, encoder) : given;
        if (scaling.features() != null && scaling.features().features() != spec.inputWidth()
                || scaling.targets() != null && scaling.targets().features() != spec.outputWidth()) {
            throw new IllegalArgumentException("the standardisation was learned for another network shape than "
                    + spec.layersSpec());
        }
        JavaRDD<Block> blocks = source
                .mapPartitions(rowsIn -> toBlocks(rowsIn, encoder, scaling, blockRows))
                .setName("sparkprop training blocks")
                .persist(StorageLevel.MEMORY_AND_DISK());
        return summarise(blocks, scaling);
    }

    /** Caches already-built blocks, e.g. from a test or another pipeline. */
    public static TrainingData fromBlocks(JavaRDD<Block> blocks) {
        return summarise(blocks.persist(StorageLevel.MEMORY_AND_DISK()), Scaling.NONE);
    }

    private static TrainingData summarise(JavaRDD<Block> blocks, Scaling scaling) {
        double[] totals = unwrapped(() -> blocks
                .map(b -> new double[] {b.rows(), b.weightSum()})
                .fold(new double[2], (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]}));
        if (totals[0] == 0) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("the training data has no rows");
        }
        if (!(totals[1] > 0)) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("every training row has weight 0; at least one needs a positive weight");
        }
        return new TrainingData(blocks, (long) totals[0], totals[1], scaling);
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

    /** The standardisation applied to features and targets. */
    public Scaling scaling() {
        return scaling;
    }

    @Override
    public void close() {
        blocks.unpersist(false);
    }

    private static Dataset<Row> select(Dataset<Row> df, DataColumns columns) {
        List<String> available = Arrays.asList(df.columns());
        List<Column> selection = new ArrayList<>();
        List<String> wanted = new ArrayList<>(columns.features());
        wanted.addAll(columns.labels());
        if (columns.weight() != null) {
            wanted.add(columns.weight());
        }
        for (String name : wanted) {
            if (!available.contains(name)) {
                throw new IllegalArgumentException("column '" + name + "' is not in the data; its columns are "
                        + available);
            }
            selection.add(functions.col(name));
        }
        Dataset<Row> selected = df.select(selection.toArray(new Column[0]));
        StructField[] fields = selected.schema().fields();
        for (int i = 0; i < columns.features().size(); i++) {
            String type = fields[i].dataType().typeName();
            boolean numeric = fields[i].dataType() instanceof org.apache.spark.sql.types.NumericType;
            if (!numeric && !(fields[i].dataType() instanceof VectorUDT && columns.features().size() == 1)) {
                throw new IllegalArgumentException("feature column '" + fields[i].name() + "' has type " + type
                        + "; features must be numeric columns or a single ml Vector column");
            }
        }
        return selected;
    }

    /** Feature statistics, and target statistics when the targets are regression values. */
    private static Scaling statistics(JavaRDD<Row> source, RowEncoder encoder) {
        int in = encoder.inputWidth();
        int out = encoder.outputWidth();
        boolean regression = !encoder.classification();
        FeatureStatistics[] stats = unwrapped(() -> source.mapPartitions((Iterator<Row> it) -> {
            FeatureStatistics[] s = {new FeatureStatistics(in), new FeatureStatistics(out)};
            double[] x = new double[in];
            double[] y = new double[out];
            while (it.hasNext()) {
                Row row = it.next();
                encoder.features(row, x, 0);
                s[0].add(x, 0);
                if (regression) {
                    encoder.targets(row, y, 0);
                    s[1].add(y, 0);
                }
            }
            return List.<FeatureStatistics[]>of(s).iterator();
        }).treeAggregate(new FeatureStatistics[] {new FeatureStatistics(in), new FeatureStatistics(out)},
                TrainingData::merge, TrainingData::merge));
        if (stats[0].count() == 0) {
            throw new IllegalArgumentException("the training data has no rows");
        }
        return new Scaling(Standardizer.of(stats[0]), regression ? Standardizer.of(stats[1]) : null);
    }

    private static FeatureStatistics[] merge(FeatureStatistics[] a, FeatureStatistics[] b) {
        return new FeatureStatistics[] {a[0].merge(b[0]), a[1].merge(b[1])};
    }

    private static Iterator<Block> toBlocks(Iterator<Row> rowsIn, RowEncoder encoder, Scaling scaling,
                                            int blockRows) {
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
                    if (scaling.features() != null) {
                        scaling.features().apply(x, r * in);
                    }
                    encoder.targets(row, y, r * out);
                    if (scaling.targets() != null) {
                        scaling.targets().apply(y, r * out);
                    }
                    w[r] = encoder.weight(row);
                }
                // The last block of a partition is trimmed so the cache holds no padding.
                return r == blockRows ? new Block(in, out, x, y, w, r)
                        : new Block(in, out, Arrays.copyOf(x, in * r), Arrays.copyOf(y, out * r), Arrays.copyOf(w, r), r);
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
