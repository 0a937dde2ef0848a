package dev.sparkprop.driver.train;

import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.spark.PartitionJob;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.random.BernoulliCellSampler;
import scala.Tuple2;

/**
 * A CSV of numbers parsed once, by {@link CsvNumbers}, into cached chunks of doubles, with the
 * values Spark's CSV reader gives a double column. Spark SQL's own reader and cache turn every
 * value of a wide table into objects several times over (its columnar cache, then a boxed Row
 * per pass): for Fashion-MNIST's 785 columns those passes took a minute, where parsing the bytes
 * takes seconds. The preparation's passes and the encoding read the chunks through {@link Row}
 * views of their rows.
 *
 * <p>A table is all of the file's rows, or one side of a {@link #split}, which draws the same
 * rows, in the same order, as Spark's {@code Dataset.randomSplit} of the file read as doubles.
 */
public final class NumericTable implements TrainingRows, AutoCloseable {

    /** Rows per chunk: large enough that a chunk's arrays dwarf its header, small enough to fill and spill piecemeal. */
    private static final int CHUNK_ROWS = 1024;

    private final List<String> columns;
    private final JavaRDD<Chunk> chunks;
    /** Null for every chunk, else the side of a split whose chunks these are. */
    private final Boolean validation;
    /** This table's rows, counted by the action that filled its cache, so that no job asks again. */
    private final long rows;

    private NumericTable(List<String> columns, JavaRDD<Chunk> chunks, Boolean validation, long rows) {
        this.columns = columns;
        this.chunks = chunks;
        this.validation = validation;
        this.rows = rows;
    }

    /**
     * Reads the CSV at {@code path} into a cached table when every line is {@code names.size()}
     * numbers (or empty fields), in the one pass that fills the cache; null when one is not, so
     * the caller reads the file another way. Blank lines are skipped and, with a header, the
     * first line of each file, as Spark's reader does.
     */
    public static NumericTable readCsv(SparkSession spark, String path, boolean header, char delimiter,
                                       List<String> names) {
        int width = names.size();
        JavaRDD<InternalRow> lines = spark.read().text(path)
                .select(functions.col("value"), functions.input_file_name(), functions.input_file_block_start())
                .queryExecution().toRdd().toJavaRDD();
        JavaRDD<Chunk> chunks = lines.mapPartitions(it -> PartitionJob.failingOutOfHeap(chunked(it, width,
                        csvLines(header, new CsvNumbers(delimiter, width), width))))
                .setName("sparkprop numeric CSV " + path)
                .persist(StorageLevel.MEMORY_AND_DISK());
        // Each partition's rows, or -1 where a line was not numbers; the first action, so it fills the cache
        List<Long> sizes = filled(chunks, () -> PartitionJob.collect(chunks, "sparkprop numeric CSV", it -> {
            long rows = 0;
            while (it.hasNext()) {
                Chunk c = it.next();
                if (c.rows < 0) {
                    return -1L;
                }
                rows += c.rows;
            }
            return rows;
        }));
        if (sizes.contains(-1L)) {
            chunks.unpersist(false);
            return null;
        }
        return new NumericTable(List.copyOf(names), chunks, null, sizes.stream().mapToLong(Long::longValue).sum());
    }

    /**
     * The rows of {@code df} in a cached table, when every column is of a type whose values are
     * doubles exactly (byte, short, int, float, double); else null. Its rows, order and split are
     * {@code df}'s: the passes read the chunks instead of converting each value to an object.
     */
    public static NumericTable of(Dataset<Row> df) {
        List<DataType> types = new ArrayList<>();
        for (StructField field : df.schema().fields()) {
            DataType type = field.dataType();
            if (!(type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType
                    || type instanceof FloatType || type instanceof DoubleType)) {
                return null;
            }
            types.add(type);
        }
        // Read by type, from the scan's batches or Spark's rows: a cast of every column would compile a
        // projection over all of them
        DataType[] byColumn = types.toArray(new DataType[0]);
        JavaRDD<ColumnarBatch> batches = batches(df);
        JavaRDD<Chunk> chunks = (batches != null
                ? batches.mapPartitions(it -> PartitionJob.failingOutOfHeap(chunkedBatches(it, byColumn)))
                : df.queryExecution().toRdd().toJavaRDD().mapPartitions(it -> PartitionJob.failingOutOfHeap(
                        chunked(it, byColumn.length, typedRows(byColumn)))))
                .setName("sparkprop numeric rows").persist(StorageLevel.MEMORY_AND_DISK());
        long rows = filled(chunks, () -> chunks.map(c -> (long) c.rows).fold(0L, Long::sum));
        return new NumericTable(List.of(df.columns()), chunks, null, rows);
    }

    /**
     * The columnar batches of df's scan when df reads a columnar source as it is (a Parquet or ORC
     * file, a cached table), else null. Its rows, one value after another, cost several times
     * more: a wide row's values sit in as many column vectors, each read through two calls and a
     * null check (Fashion-MNIST's 785 columns as Parquet: the read took 11.1 s by rows, 6.0 s by
     * batches). The session's setting below changes while df is planned, which is locked against
     * another such call; a query another thread plans then may compile wider code.
     */
    static synchronized JavaRDD<ColumnarBatch> batches(Dataset<Row> df) {
        RuntimeConfig conf = df.sparkSession().conf();
        // Scans return batches only to plans of at most this many columns (100), a limit for Spark's
        // generated code, which the copy below does not use. Planned afresh, and the RDD made (the
        // reader checks again then), under it.
        String key = "spark.sql.codegen.maxFields";
        String before = conf.contains(key) ? conf.get(key) : null;
        conf.set(key, Integer.MAX_VALUE);
        try {
            // "*", not the names, which duplicate columns would make ambiguous
            SparkPlan plan = df.select(functions.col("*")).queryExecution().executedPlan();
            // Down through what turns the scan's batches into rows, and no further: a filter or a
            // projection above the scan is df's too
            while (!plan.supportsColumnar()
                    && (plan instanceof WholeStageCodegenExec || plan instanceof ColumnarToRowExec)) {
                plan = plan.children().head();
            }
            if (!plan.supportsColumnar() || !sameColumns(plan.schema(), df.schema())) {
                return null;
            }
            return plan.executeColumnar().toJavaRDD();
        } finally {
            if (before != null) {
                conf.set(key, before);
            } else {
                conf.unset(key);
            }
        }
    }

    /** Whether a and b have the same column names and types in the same order (nullability aside). */
    private static boolean sameColumns(StructType a, StructType b) {
        boolean same = a.size() == b.size();
        for (int i = 0; same && i < a.size(); i++) {
            same = a.fields()[i].name().equals(b.fields()[i].name())
                    && a.fields()[i].dataType().equals(b.fields()[i].dataType());
        }
        return same;
    }

    /** One partition's batches as the chunks {@link #chunked} makes of its rows, copied a column at a time. */
    private static Iterator<Chunk> chunkedBatches(Iterator<ColumnarBatch> batches, DataType[] types) {
        return new Chunker(types.length) {
            // The batch being copied, its next row and its rows. The reader refills one batch object, so a
            // batch is copied before the next is asked for; it empties the batch when asked, so `end` keeps
            // the count.
            private ColumnarBatch batch;
            private int next;
            private int end;

            @Override
            public boolean hasNext() {
                while (next == end) {
                    if (!batches.hasNext()) {
                        return false;
                    }
                    batch = batches.next();
                    next = 0;
                    end = batch.numRows();
                }
                return true;
            }

            @Override
            int fill(double[] values, long[] nulls) {
                int r = 0;
                while (r < CHUNK_ROWS && hasNext()) {
                    int rows = Math.min(CHUNK_ROWS - r, end - next);
                    for (int i = 0; i < width; i++) {
                        copy(batch.column(i), types[i], next, rows, values, nulls, r * width + i, width);
                    }
                    next += rows;
                    r += rows;
                }
                return r;
            }
        };
    }

    /** Rows [from, from + rows) of one column to values[at], values[at + stride], ... (nulls as bits). */
    private static void copy(ColumnVector column, DataType type, int from, int rows, double[] values, long[] nulls,
                             int at, int stride) {
        boolean anyNull = column.hasNull();
        for (int j = 0; j < rows; j++, at += stride) {
            int row = from + j;
            if (anyNull && column.isNullAt(row)) {
                nulls[at >>> 6] |= 1L << at;
            } else if (type instanceof DoubleType) {
                values[at] = column.getDouble(row);
            } else if (type instanceof IntegerType) {
                values[at] = column.getInt(row);
            } else if (type instanceof FloatType) {
                values[at] = column.getFloat(row);
            } else {
                values[at] = type instanceof ShortType ? column.getShort(row) : column.getByte(row);
            }
        }
    }

    /** The action that fills {@code cached}'s cache; if it fails, the cache is dropped. */
    private static <T> T filled(JavaRDD<Chunk> cached, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            cached.unpersist(false);
            throw e;
        }
    }

    /** Reads a row of Spark's typed numbers. */
    private static RowReader typedRows(DataType[] types) {
        return (row, values, nulls, at) -> {
            for (int i = 0; i < types.length; i++) {
                if (row.isNullAt(i)) {
                    nulls[(at + i) >>> 6] |= 1L << (at + i);
                } else {
                    values[at + i] = value(row, i, types[i]);
                }
            }
            return CsvNumbers.OK;
        };
    }

    private static double value(InternalRow row, int i, DataType type) {
        if (type instanceof DoubleType) {
            return row.getDouble(i);
        }
        if (type instanceof IntegerType) {
            return row.getInt(i);
        }
        if (type instanceof FloatType) {
            return row.getFloat(i);
        }
        return type instanceof ShortType ? row.getShort(i) : row.getByte(i);
    }

    /** Writes one input row at {@code values[at..]} (and its nulls' bits): {@link CsvNumbers#OK}, BLANK (no row) or NOT_NUMBERS. */
    @FunctionalInterface
    private interface RowReader {
        int read(InternalRow in, double[] values, long[] nulls, int at);
    }

    /**
     * Reads one partition's lines (value, file name, block start): skips blank lines and, with a
     * header, each file's first line that is not blank; a partition may hold several small files.
     */
    private static RowReader csvLines(boolean header, CsvNumbers parser, int width) {
        String[] file = new String[1];
        return (line, values, nulls, at) -> {
            UTF8String text = line.getUTF8String(0);
            if (header && line.getLong(2) == 0
                    && !CsvNumbers.blank(text.getBaseObject(), text.getBaseOffset(), text.numBytes())) {
                String name = line.getUTF8String(1).toString();
                if (!name.equals(file[0])) {
                    file[0] = name;
                    return CsvNumbers.BLANK;
                }
            }
            return parser.parse(text.getBaseObject(), text.getBaseOffset(), text.numBytes(), values, at, nulls);
        };
    }

    /** One partition's rows as chunks; a chunk of -1 rows, and nothing after it, when a row is not numbers. */
    private static Iterator<Chunk> chunked(Iterator<InternalRow> rows, int width, RowReader reader) {
        return new Chunker(width) {
            private boolean failed;

            @Override
            public boolean hasNext() {
                return !failed && rows.hasNext();
            }

            @Override
            int fill(double[] values, long[] nulls) {
                int r = 0;
                while (r < CHUNK_ROWS && rows.hasNext()) {
                    int result = reader.read(rows.next(), values, nulls, r * width);
                    if (result == CsvNumbers.NOT_NUMBERS) {
                        failed = true;
                        return -1;
                    }
                    if (result == CsvNumbers.OK) {
                        r++;
                    }
                }
                return r;
            }
        };
    }

    /** Chunks of up to {@link #CHUNK_ROWS} rows of {@code width} values, each filled by {@link #fill}. */
    private abstract static class Chunker implements Iterator<Chunk> {
        final int width;

        Chunker(int width) {
            this.width = width;
        }

        /** Writes a chunk's rows into the arrays, and returns how many, or -1 when a row is not numbers. */
        abstract int fill(double[] values, long[] nulls);

        @Override
        public final Chunk next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            double[] values = new double[CHUNK_ROWS * width];
            long[] nulls = new long[(CHUNK_ROWS * width + 63) >>> 6];
            int rows = fill(values, nulls);
            return rows < 0 ? new Chunk(-1, width, null, null, null, false)
                    : Chunk.of(rows, width, values, nulls, false);
        }
    }

    /**
     * The training and validation sides of the table, as {@code randomSplit(1 - fraction, fraction)}
     * with {@code seed} splits the file read as doubles: each partition's rows sorted by every
     * column in order (ascending, nulls first, NaN last, -0 equal to 0), then drawn in that order by
     * Spark's sampler seeded with {@code seed} + the partition's index. Both sides are cached in
     * one pass; {@link #close} either to unpersist them.
     */
    public NumericTable[] split(double fraction, long seed) {
        // randomSplit's bounds: the weights normalised by their sum, then added up
        double sum = (1 - fraction) + fraction;
        double bound = (1 - fraction) / sum;
        double upper = bound + fraction / sum;
        int width = columns.size();
        JavaRDD<Chunk> sides = chunks.mapPartitionsWithIndex((partition, it) ->
                        PartitionJob.failingOutOfHeap(sortAndDraw(it, width, seed + partition, bound, upper)), true)
                .setName("sparkprop split " + chunks.name()).persist(StorageLevel.MEMORY_AND_DISK());
        // Each side's rows, counted by the action that fills the cache
        long[] rows = filled(sides, () -> sides.map(c -> c.validation ? new long[] {0, c.rows} : new long[] {c.rows, 0})
                .fold(new long[2], (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}));
        return new NumericTable[] {new NumericTable(columns, sides, false, rows[0]),
                new NumericTable(columns, sides, true, rows[1])};
    }

    /** One partition's rows sorted, drawn, and chunked again: its training rows' chunks, then its validation rows'. */
    private static Iterator<Chunk> sortAndDraw(Iterator<Chunk> it, int width, long seed, double bound, double upper) {
        List<Chunk> in = new ArrayList<>();
        it.forEachRemaining(in::add);
        int n = in.stream().mapToInt(c -> c.rows).sum();
        Integer[] order = new Integer[n];
        int[] chunkOf = new int[n];
        int[] rowOf = new int[n];
        for (int c = 0, i = 0; c < in.size(); c++) {
            for (int r = 0; r < in.get(c).rows; r++, i++) {
                order[i] = i;
                chunkOf[i] = c;
                rowOf[i] = r;
            }
        }
        Arrays.sort(order, (x, y) -> {
            Chunk a = in.get(chunkOf[x]);
            Chunk b = in.get(chunkOf[y]);
            for (int col = 0; col < width; col++) {
                boolean aNull = a.isNull(rowOf[x], col);
                boolean bNull = b.isNull(rowOf[y], col);
                if (aNull || bNull) {
                    if (aNull != bNull) {
                        return aNull ? -1 : 1;
                    }
                    continue;
                }
                double u = a.value(rowOf[x], col);
                double v = b.value(rowOf[y], col);
                // Spark's ordering of doubles: -0 equals 0, NaN equals NaN and is above every number
                int cmp = u == v ? 0 : Double.compare(u, v);
                if (cmp != 0) {
                    return cmp;
                }
            }
            return 0;
        });
        // Each side's sampler, as each of randomSplit's Datasets has: the same seed, so the same draw a row
        BernoulliCellSampler<Object> toTrain = new BernoulliCellSampler<>(0, bound, false);
        BernoulliCellSampler<Object> toValidation = new BernoulliCellSampler<>(bound, upper, false);
        toTrain.setSeed(seed);
        toValidation.setSeed(seed);
        ChunkWriter train = new ChunkWriter(width, false);
        ChunkWriter validation = new ChunkWriter(width, true);
        for (int i : order) {
            if (toTrain.sample() > 0) {
                train.add(in.get(chunkOf[i]), rowOf[i]);
            }
            if (toValidation.sample() > 0) {
                validation.add(in.get(chunkOf[i]), rowOf[i]);
            }
        }
        List<Chunk> out = new ArrayList<>(train.chunks());
        out.addAll(validation.chunks());
        return out.iterator();
    }

    /** Rows copied into new chunks of one side. */
    private static final class ChunkWriter {
        private final int width;
        private final boolean validation;
        private final List<Chunk> chunks = new ArrayList<>();
        private double[] values;
        private long[] nulls;
        private int rows;

        ChunkWriter(int width, boolean validation) {
            this.width = width;
            this.validation = validation;
        }

        void add(Chunk from, int r) {
            if (values == null) {
                values = new double[CHUNK_ROWS * width];
                nulls = new long[(CHUNK_ROWS * width + 63) >>> 6];
            }
            for (int col = 0; col < width; col++) {
                int at = rows * width + col;
                if (from.isNull(r, col)) {
                    nulls[at >>> 6] |= 1L << at;
                } else {
                    values[at] = from.value(r, col);
                }
            }
            if (++rows == CHUNK_ROWS) {
                flush();
            }
        }

        private void flush() {
            if (rows > 0) {
                chunks.add(Chunk.of(rows, width, values, nulls, validation));
            }
            values = null;
            nulls = null;
            rows = 0;
        }

        List<Chunk> chunks() {
            flush();
            return chunks;
        }
    }

    /** The column names, in the file's order. */
    public List<String> columns() {
        return columns;
    }

    @Override
    public boolean isEmpty() {
        return rows == 0;
    }

    @Override
    public List<Map.Entry<Object, Long>> valueCounts(String column, int limit) {
        int at = columnAt(column);
        Map<Double, Long> counts = rows(new int[] {at}, false).mapPartitions(it -> {
            Map<Double, Long> partial = new HashMap<>();
            // Past limit values the counts are not wanted, only that there are more (a label that is no class)
            while (it.hasNext() && partial.size() <= limit) {
                partial.merge((Double) it.next().get(0), 1L, Long::sum);
            }
            return List.of(partial).iterator();
        }).reduce((a, b) -> {
            b.forEach((value, n) -> a.merge(value, n, Long::sum));
            return a;
        });
        List<Map.Entry<Object, Long>> list = new ArrayList<>();
        counts.forEach((value, n) -> list.add(new AbstractMap.SimpleImmutableEntry<>(value, n)));
        return list.subList(0, Math.min(limit, list.size()));
    }

    @Override
    public Selected select(Preprocessing prep) {
        return new Selected(rows(positions(prep), false), -1, -1);
    }

    /**
     * Spread, when needed, as {@link DataFrameRows#numbered} spreads a DataFrame: to the
     * partition Spark SQL's hash partitioning gives the key (Murmur3, seed 42), sorted by key, so
     * a file read either way lands in the same partitions in the same order.
     */
    @Override
    public Selected numbered(Preprocessing prep, int partitions) {
        int[] positions = positions(prep);
        JavaRDD<Row> rows = rows(positions, true);
        if (rows.getNumPartitions() == partitions) {
            return new Selected(rows, -1, positions.length);
        }
        int width = positions.length;
        int[] all = identity(width);
        JavaRDD<Row> spread = rows.mapToPair(row -> new Tuple2<>((Long) row.get(width), Chunk.ofRow(row, width)))
                .repartitionAndSortWithinPartitions(new KeyPartitioner(partitions))
                .map(keyed -> (Row) new ChunkRow(keyed._2(), 0, all, keyed._1()));
        return new Selected(spread, -1, width);
    }

    /** Spark SQL's {@code HashPartitioning} of one long column: pmod(Murmur3(key, 42), n). */
    static final class KeyPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        KeyPartitioner(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            int h = Murmur3_x86_32.hashLong((Long) key, 42);
            return ((h % partitions) + partitions) % partitions;
        }
    }

    @Override
    public void close() {
        chunks.unpersist(false);
    }

    private int columnAt(String name) {
        Columns.require(columns, name);
        return columns.indexOf(name);
    }

    /** The table's positions of the columns a {@link RowEncoder} for {@code prep} reads, in its order. */
    private int[] positions(Preprocessing prep) {
        Columns.requireAll(columns, prep.columns(), "the data", absent -> null);
        return prep.columns().stream().mapToInt(c -> columns.indexOf(c.name())).toArray();
    }

    private static int[] identity(int n) {
        int[] positions = new int[n];
        Arrays.setAll(positions, i -> i);
        return positions;
    }

    /**
     * This side's rows as views of the given columns, each followed by its key when {@code keyed}:
     * its partition and place among this side's rows of the partition, as
     * {@code monotonically_increasing_id} would number them.
     */
    JavaRDD<Row> rows(int[] positions, boolean keyed) {
        Boolean side = validation;
        return chunks.mapPartitionsWithIndex((partition, it) -> rows(partition, it, side, positions, keyed), true);
    }

    /** One partition's rows of {@link #rows(int[], boolean)}; static, so that the task does not ship the table. */
    private static Iterator<Row> rows(int partition, Iterator<Chunk> it, Boolean side, int[] positions,
                                      boolean keyed) {
        return new Iterator<>() {
            private Chunk chunk;
            private int r;
            private long place;
            private Row next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    if (chunk == null || r == chunk.rows) {
                        if (!it.hasNext()) {
                            return false;
                        }
                        chunk = it.next();
                        // The other side's chunks are skipped whole
                        r = side == null || side == chunk.validation ? 0 : chunk.rows;
                        continue;
                    }
                    next = new ChunkRow(chunk, r++, positions, keyed ? RowIds.key(partition, place++) : -1);
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row current = next;
                next = null;
                return current;
            }
        };
    }

    /**
     * Up to {@link #CHUNK_ROWS} rows of numbers, row after row, as floats when every one of them
     * is a float exactly (Fashion-MNIST's pixels are: half the memory), else as doubles; a bit per
     * value says it was missing.
     */
    static final class Chunk implements Serializable {
        private static final long serialVersionUID = 1L;
        final int rows;
        final int width;
        /** Which side of a split the rows are on. */
        final boolean validation;
        private final double[] doubles;
        private final float[] floats;
        private final long[] nulls;

        private Chunk(int rows, int width, double[] doubles, float[] floats, long[] nulls, boolean validation) {
            this.rows = rows;
            this.width = width;
            this.doubles = doubles;
            this.floats = floats;
            this.nulls = nulls;
            this.validation = validation;
        }

        /** The first {@code rows} rows of {@code values}, trimmed, as floats where that loses nothing. */
        static Chunk of(int rows, int width, double[] values, long[] nulls, boolean validation) {
            int n = rows * width;
            boolean anyNull = false;
            for (int i = 0; i < (n + 63) >>> 6 && !anyNull; i++) {
                anyNull = nulls[i] != 0;
            }
            long[] kept = anyNull ? Arrays.copyOf(nulls, (n + 63) >>> 6) : null;
            float[] floats = new float[n];
            for (int i = 0; i < n; i++) {
                float f = (float) values[i];
                // NaN stays NaN (its payload is no value); -0 stays -0
                if (f != values[i] && !Double.isNaN(values[i])) {
                    return new Chunk(rows, width, Arrays.copyOf(values, n), null, kept, validation);
                }
                floats[i] = f;
            }
            return new Chunk(rows, width, null, floats, kept, validation);
        }

        /** A chunk of one row: the first {@code width} values of {@code row}. */
        static Chunk ofRow(Row row, int width) {
            double[] values = new double[width];
            long[] nulls = new long[(width + 63) >>> 6];
            for (int i = 0; i < width; i++) {
                Object v = row.get(i);
                if (v == null) {
                    nulls[i >>> 6] |= 1L << i;
                } else {
                    values[i] = (Double) v;
                }
            }
            return of(1, width, values, nulls, false);
        }

        boolean isNull(int r, int column) {
            int i = r * width + column;
            return nulls != null && (nulls[i >>> 6] & (1L << i)) != 0;
        }

        double value(int r, int column) {
            int i = r * width + column;
            return floats != null ? floats[i] : doubles[i];
        }
    }

    /**
     * A row of a chunk, as the columns at {@code positions}, then its key when it has one
     * ({@code key >= 0}). Numbers come out as Doubles, missing values as null, as a Row of Spark's
     * double columns gives them.
     */
    static final class ChunkRow implements Row {
        private static final long serialVersionUID = 1L;
        private final Chunk chunk;
        private final int r;
        private final int[] positions;
        private final long key;

        ChunkRow(Chunk chunk, int r, int[] positions, long key) {
            this.chunk = chunk;
            this.r = r;
            this.positions = positions;
            this.key = key;
        }

        @Override
        public int length() {
            return positions.length + (key >= 0 ? 1 : 0);
        }

        @Override
        public Object get(int i) {
            if (i == positions.length) {
                return key;
            }
            int column = positions[i];
            return chunk.isNull(r, column) ? null : chunk.value(r, column);
        }

        @Override
        public boolean isNullAt(int i) {
            return i < positions.length && chunk.isNull(r, positions[i]);
        }

        /** The value of a column that {@link #isNullAt} says is not null (a null one reads as 0), unboxed. */
        @Override
        public double getDouble(int i) {
            return chunk.value(r, positions[i]);
        }

        @Override
        public long getLong(int i) {
            return (Long) get(i);
        }

        @Override
        public Row copy() {
            return this;
        }
    }
}
