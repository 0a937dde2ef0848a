package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.spark.Columns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table holds what Spark's CSV reader reads as doubles, numbered and split as Spark SQL numbers and splits it. */
class NumericTableTest {

    private static final List<String> NAMES = List.of("a", "b", "c");

    @TempDir
    Path dir;

    private final SparkSession spark = SparkTestSession.spark();

    @AfterEach
    void defaultSplits() {
        spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }

    /** Two files with headers, blank lines, empty fields and Spark's spellings; small splits, so a file spans partitions. */
    private Path numbers() throws IOException {
        Random random = new Random(3);
        for (String file : new String[] {"one.csv", "two.csv"}) {
            List<String> lines = new ArrayList<>(List.of("a,b,c", ""));
            for (int i = 0; i < 300; i++) {
                String c = switch (i % 50) {
                    case 7 -> "";
                    case 11 -> "NaN";
                    case 13 -> "-Inf";
                    case 17 -> "1e400";
                    default -> Integer.toString(random.nextInt(4));
                };
                lines.add(random.nextInt(5) + "," + String.format(java.util.Locale.ROOT, "%.3f", random.nextGaussian())
                        + "," + c);
                if (i % 97 == 5) {
                    lines.add("   ");
                }
            }
            Files.write(dir.resolve(file), lines);
        }
        spark.conf().set("spark.sql.files.maxPartitionBytes", "1500");
        return dir;
    }

    private Dataset<Row> sparkRead(Path path) {
        StructType doubles = new StructType();
        for (String name : NAMES) {
            doubles = doubles.add(name, DataTypes.DoubleType, true);
        }
        return spark.read().option("header", true).schema(doubles.add(Columns.MALFORMED, DataTypes.StringType, true))
                .option("columnNameOfCorruptRecord", Columns.MALFORMED).csv(path.toString());
    }

    /** Each row as its key then its values, in partition order. */
    private static List<ArrayList<Object>> keyed(JavaRDD<Row> rows, int keyAt) {
        return keyed(rows, keyAt, NAMES.size());
    }

    private static List<ArrayList<Object>> keyed(JavaRDD<Row> rows, int keyAt, int width) {
        return rows.map(r -> {
            ArrayList<Object> values = new ArrayList<>(List.of(r.getLong(keyAt)));
            for (int i = 0; i < width; i++) {
                values.add(r.get(i));
            }
            return values;
        }).collect();
    }

    private static List<ArrayList<Object>> tableRows(NumericTable table) {
        return keyed(table.rows(new int[] {0, 1, 2}, true), 3);
    }

    private static List<ArrayList<Object>> datasetRows(Dataset<Row> df) {
        return keyed(df.withColumn("key", functions.monotonically_increasing_id()).javaRDD(), NAMES.size() + 1);
    }

    @Test
    void holdsTheValuesAndPlacesSparksCsvReaderGivesEveryRow() throws IOException {
        Path path = numbers();
        try (NumericTable table = NumericTable.readCsv(spark, path.toString(), true, ',', NAMES)) {
            assertNotNull(table);
            List<ArrayList<Object>> expected = datasetRows(sparkRead(path));
            assertTrue(table.rows(new int[] {0}, false).getNumPartitions() > 3, "the files span several partitions");
            assertEquals(600, expected.size());
            assertEquals(expected, tableRows(table));
        }
    }

    @Test
    void splitDrawsTheRowsInTheOrderOfSparksRandomSplit() throws IOException {
        Path path = numbers();
        try (NumericTable table = NumericTable.readCsv(spark, path.toString(), true, ',', NAMES)) {
            Dataset<Row>[] expected = sparkRead(path).randomSplit(new double[] {0.7, 0.3}, 11);
            NumericTable[] split = table.split(0.3, 11);
            try {
                assertEquals(datasetRows(expected[0]), tableRows(split[0]));
                assertEquals(datasetRows(expected[1]), tableRows(split[1]));
                assertTrue(datasetRows(expected[1]).size() > 100);
            } finally {
                split[0].close();
            }
        }
    }

    @Test
    void whetherATableOrASideIsEmptyIsCountedWhileFillingItsCacheNotByAnotherJob() throws Exception {
        Path path = numbers();
        Path headerOnly = Files.write(dir.resolve("header.csv"), List.of("a,b,c"));
        Dataset<Row> typed = sparkRead(path).drop(Columns.MALFORMED);
        try (NumericTable table = NumericTable.readCsv(spark, path.toString(), true, ',', NAMES);
             NumericTable none = NumericTable.readCsv(spark, headerOnly.toString(), true, ',', NAMES);
             NumericTable ofRows = NumericTable.of(typed);
             NumericTable ofNoRows = NumericTable.of(typed.limit(0))) {
            NumericTable[] split = table.split(0.3, 11);
            NumericTable[] allTraining = table.split(0, 11);
            AtomicInteger jobs = new AtomicInteger();
            SparkListener counter = new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart start) {
                    jobs.incrementAndGet();
                }
            };
            spark.sparkContext().addSparkListener(counter);
            try {
                List<Boolean> empty = List.of(table.isEmpty(), none.isEmpty(), ofRows.isEmpty(), ofNoRows.isEmpty(),
                        split[0].isEmpty(), split[1].isEmpty(), allTraining[0].isEmpty(), allTraining[1].isEmpty());
                spark.sparkContext().listenerBus().waitUntilEmpty();
                assertEquals(List.of(false, true, false, true, false, false, false, true), empty);
                assertEquals(0, jobs.get(), "jobs run to answer isEmpty");
            } finally {
                spark.sparkContext().removeSparkListener(counter);
                split[0].close();
                allTraining[0].close();
            }
        }
    }

    @Test
    void aWideParquetFileIsCopiedFromItsScansBatchesWithTheValuesAndPlacesOfItsRows() {
        // More columns than the 100 up to which Spark hands batches on; dots in the names
        int width = 130;
        DataType[] kinds = {DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType, DataTypes.FloatType,
            DataTypes.DoubleType};
        StructType schema = new StructType();
        for (int i = 0; i < width; i++) {
            schema = schema.add("c." + i, kinds[i % kinds.length], true);
        }
        Random random = new Random(5);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 2_600; r++) {
            Object[] values = new Object[width];
            for (int i = 0; i < width; i++) {
                int k = random.nextInt(40);
                values[i] = k == 0 ? null : value(i % kinds.length, k, random);
            }
            rows.add(RowFactory.create(values));
        }
        String path = dir.resolve("wide.parquet").toString();
        // Two files of 1,300 rows, each its own partition, read in batches of 700: a chunk of 1,024 rows
        // ends inside a batch, and the next starts there
        spark.createDataFrame(rows, schema).repartition(2).write().parquet(path);
        spark.conf().set("spark.sql.parquet.columnarReaderBatchSize", "700");
        spark.conf().set("spark.sql.files.openCostInBytes", Long.toString(1L << 30));
        try {
            Dataset<Row> df = spark.read().parquet(path);
            assertNotNull(NumericTable.batches(df), "the scan's batches");
            assertFalse(spark.conf().contains("spark.sql.codegen.maxFields"), "the setting is left unset");
            assertNull(NumericTable.batches(df.filter(Columns.col("c.0").isNotNull())), "a plan over the scan");
            assertNull(NumericTable.batches(df.select(Columns.col("c.0"), Columns.col("c.0"))), "two columns c.0");
            Column[] doubles = Arrays.stream(df.columns()).map(c -> Columns.col(c).cast(DataTypes.DoubleType))
                    .toArray(Column[]::new);
            List<ArrayList<Object>> expected = keyed(df.select(doubles)
                    .withColumn("key", functions.monotonically_increasing_id()).javaRDD(), width, width);
            int[] all = new int[width];
            Arrays.setAll(all, i -> i);
            try (NumericTable table = NumericTable.of(df)) {
                assertTrue(table.rows(all, false).getNumPartitions() > 1, "the files span several partitions");
                assertEquals(2_600, expected.size());
                assertEquals(expected, keyed(table.rows(all, true), width, width));
            }
        } finally {
            spark.conf().unset("spark.sql.parquet.columnarReaderBatchSize");
            spark.conf().unset("spark.sql.files.openCostInBytes");
        }
    }

    /** A value of the kind-th type, boxed as that type (a conditional of numbers would widen them to double). */
    private static Object value(int kind, int k, Random random) {
        if (kind == 0) {
            return (byte) (k - 20);
        }
        if (kind == 1) {
            return (short) (k * 1000 - 7);
        }
        if (kind == 2) {
            return k * 100_000 - 3;
        }
        if (kind == 3) {
            return k == 1 ? Float.NaN : k == 2 ? -0.0f : (float) random.nextGaussian();
        }
        return k == 1 ? Double.NEGATIVE_INFINITY : k == 2 ? -0.0 : random.nextGaussian();
    }

    @Test
    void aLineThatIsNotNumbersOrHasAnotherNumberOfFieldsLeavesNoTable() throws IOException {
        Path text = Files.write(dir.resolve("text.csv"), List.of("a,b,c", "1,2,3", "1,x,3"));
        assertNull(NumericTable.readCsv(spark, text.toString(), true, ',', NAMES));
        Path ragged = Files.write(dir.resolve("ragged.csv"), List.of("a,b,c", "1,2,3", "1,2"));
        assertNull(NumericTable.readCsv(spark, ragged.toString(), true, ',', NAMES));
        Path quoted = Files.write(dir.resolve("quoted.csv"), List.of("a,b,c", "1,\"2\",3"));
        assertNull(NumericTable.readCsv(spark, quoted.toString(), true, ',', NAMES));
        assertEquals(0, spark.sparkContext().getPersistentRDDs().size(), "nothing left cached");
    }

    @Test
    void withoutAHeaderEveryLineIsARow() throws IOException {
        Path bare = Files.write(dir.resolve("bare.csv"), List.of("1,2,3", "4,,6"));
        try (NumericTable table = NumericTable.readCsv(spark, bare.toString(), false, ',', NAMES)) {
            assertEquals(List.of(Arrays.asList(0L, 1.0, 2.0, 3.0), Arrays.asList(1L, 4.0, null, 6.0)),
                    tableRows(table));
        }
    }
}
