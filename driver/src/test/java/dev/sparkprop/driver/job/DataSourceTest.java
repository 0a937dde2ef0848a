package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.ShownLogs;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourceTest {

    @TempDir
    Path dir;

    private final SparkSession spark = SparkTestSession.spark();

    @Test
    void readsCsvWithAnyDelimiterWithOrWithoutHeader() throws IOException {
        Path semicolons = Files.write(dir.resolve("s.csv"), List.of("a;b;label", "1.5;2;0", "3;4;1"));
        Dataset<Row> df = DataSource.read(spark, "data.path", semicolons.toString(), "csv", true, ";");
        assertEquals(List.of("a", "b", "label", Columns.MALFORMED), List.of(df.columns()));
        assertEquals(List.of("a", "b", "label"), Columns.names(df));
        assertEquals(1.5, df.orderBy("a").first().getDouble(0), 0);

        Path bare = Files.write(dir.resolve("bare.csv"), List.of("1,2,0", "3,4,1"));
        assertEquals(List.of("_c0", "_c1", "_c2"),
                Columns.names(DataSource.read(spark, "data.path", bare.toString(), "csv", false, ",")));
    }

    /** The first lines of one plain file, read without Spark, are the lines Spark's text reader gives. */
    @Test
    void aFilesLeadingLinesAreSparksTextLines() throws IOException {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < DataSource.FIRST_LINES + 5; i++) {
            many.append("line ").append(i).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        String[] contents = {"a,b\n1,2\n", "a,b\r\n\r\n1,2\r\n", "a,b\r1,2\r\r", "\n\n  \nx\n", "é,ü\n1,2",
            "\uFEFFa,b\n1,2\n", "", many.toString()};
        for (int i = 0; i < contents.length; i++) {
            Path file = Files.writeString(dir.resolve("lines" + i + ".csv"), contents[i]);
            List<String> spark = this.spark.read().text(file.toString()).as(org.apache.spark.sql.Encoders.STRING())
                    .takeAsList(DataSource.FIRST_LINES);
            assertEquals(spark, DataSource.leadingLines(this.spark, file.toString()), contents[i]);
        }
    }

    @Test
    void aFileReadTwiceToTrainGivesNoSparkCacheWarningAndIsReleasedWhole() throws IOException {
        // data.validation_path = data.path reads the file twice; a second persist of one plan would make Spark warn
        Path csv = Files.write(dir.resolve("twice.csv"), List.of("a,label", "1,0", "2,1"));
        int cachedBefore = spark.sparkContext().getPersistentRDDs().size();
        DataSource.Rows first = DataSource.readToTrain(spark, "data.path", csv.toString(), "csv", true, ",");
        try (ShownLogs logs = new ShownLogs()) {
            DataSource.Rows second = DataSource.readToTrain(spark, "data.path", csv.toString(), "csv", true, ",");
            assertNotNull(second.numbers(), "a CSV of numbers is read into a table");
            second.release();
            assertEquals(List.of(), logs.events().stream().filter(e -> e.contains("cache")).toList());
        } finally {
            first.release();
        }
        assertEquals(cachedBefore, spark.sparkContext().getPersistentRDDs().size(), "nothing is left cached");
    }

    @Test
    void numbersWithANonAsciiDelimiterOrInHiveStylePartitionsAreReadBySparksReader() throws IOException {
        Path sections = Files.write(dir.resolve("sections.csv"), List.of("a§label", "1.5§0", "3§1"),
                java.nio.charset.StandardCharsets.UTF_8);
        DataSource.Rows bySection = DataSource.readToTrain(spark, "data.path", sections.toString(), "csv", true, "§");
        try {
            assertNull(bySection.numbers(), "the table's parser splits on ASCII delimiters only");
            assertEquals(List.of("a", "label"), Columns.names(bySection.rows()));
            assertEquals(4.5, bySection.rows().selectExpr("sum(a)").first().getDouble(0), 0);
        } finally {
            bySection.release();
        }
        Path partitioned = dir.resolve("partitioned");
        Files.createDirectories(partitioned.resolve("label=0"));
        Files.createDirectories(partitioned.resolve("label=1"));
        Files.write(partitioned.resolve("label=0/x.csv"), List.of("a,b", "1,2", "3,4"));
        Files.write(partitioned.resolve("label=1/y.csv"), List.of("a,b", "5,6"));
        DataSource.Rows byDirectory = DataSource.readToTrain(spark, "data.path", partitioned.toString(), "csv", true,
                ",");
        try {
            assertNull(byDirectory.numbers(), "the partition column is Spark's to read");
            assertEquals(List.of("a", "b", "label"), Columns.names(byDirectory.rows()));
            assertEquals(1, byDirectory.rows().where("label = 1").count());
        } finally {
            byDirectory.release();
        }
    }

    @Test
    void aCsvLineWithAnotherNumberOfFieldsIsReadIntoTheMalformedColumnWhateverColumnsAreRead() throws IOException {
        Path ragged = Files.write(dir.resolve("ragged.csv"), List.of("a,b,label", "1,2,0", "2,1,1,9", "3,3", "4,1,1"));
        Dataset<Row> df = DataSource.read(spark, "data.path", ragged.toString(), "csv", true, ",");
        List<Row> rows = df.select(Columns.col("label"), Columns.col(Columns.MALFORMED)).collectAsList();
        assertEquals(Arrays.asList(null, "2,1,1,9", "3,3", null), rows.stream().map(r -> r.getString(1)).toList());
        assertEquals(1, df.where(Columns.col(Columns.MALFORMED).isNull()).where("label = 1").count(),
                "a filter on the column sees the same lines");
    }

    @Test
    void readsParquetJsonAndLibsvm() throws IOException {
        Path json = Files.write(dir.resolve("rows.json"), List.of("{\"x\": 1.0, \"label\": 0}", "{\"x\": 2.0, \"label\": 1}"));
        Dataset<Row> fromJson = DataSource.read(spark, "data.path", json.toString(), "json", true, ",");
        assertEquals(2, fromJson.count());

        String parquet = dir.resolve("rows.parquet").toString();
        fromJson.write().parquet(parquet);
        assertEquals(2, DataSource.read(spark, "data.path", parquet, "parquet", true, ",").count());

        Path libsvm = Files.write(dir.resolve("rows.libsvm"), List.of("1 1:0.5 3:2.0", "0 2:1.0 3:1.0"));
        Dataset<Row> sparse = DataSource.read(spark, "data.path", libsvm.toString(), "libsvm", true, ",");
        assertEquals(List.of("label", "features"), List.of(sparse.columns()));
        Vector first = (Vector) sparse.orderBy("label").first().get(1);
        assertEquals(3, first.size());
        assertEquals(1.0, first.apply(1), 0);
        // What Spark's libsvm reader takes passes the first-line check: a comment line, a signed exponent, spaces
        Path commented = Files.write(dir.resolve("commented.libsvm"), List.of("", "# rows", " -1 1:-2.5e-3 4:+1E2  ",
                "1 2:1"));
        assertEquals(2, DataSource.read(spark, "data.path", commented.toString(), "libsvm", true, ",").count());
    }

    @Test
    void aFileThatIsNotLibsvmIsRefusedByItsFirstLineBeforeSparkFailsATask() throws IOException {
        Path csv = Files.write(dir.resolve("rows.csv"), List.of("x1,x2,label", "1,2,0"));
        assertEquals("'" + csv + "' is read as libsvm, but its first line is not 'label index:value ...': 'x1,x2,label';"
                + " read it in its own format", assertThrows(IllegalArgumentException.class,
                () -> DataSource.read(spark, "data.path", csv.toString(), "libsvm", true, ",")).getMessage());
    }

    @Test
    void aCsvHeaderWithAColumnWithoutANameIsAnErrorNamingItsPosition() throws IOException {
        Path trailing = Files.write(dir.resolve("trailing.csv"), List.of("x1,x2,label,", "1,2,0,", "2,1,1,"));
        assertEquals("the CSV header of '" + trailing + "' has no name for column 4 of 4 (a trailing delimiter?); name"
                + " it in the header, or remove it from every line", assertThrows(IllegalArgumentException.class,
                () -> DataSource.read(spark, "data.path", trailing.toString(), "csv", true, ",")).getMessage());
        Path index = Files.write(dir.resolve("index.csv"), List.of(",x1,label", "0,1,0", "1,2,1"));
        assertEquals("the CSV header of '" + index + "' has no name for column 1 of 3 (an index column?); name it in"
                + " the header, or remove it from every line", assertThrows(IllegalArgumentException.class,
                () -> DataSource.readToTrain(spark, "data.path", index.toString(), "csv", true, ",")).getMessage());
        Path two = Files.write(dir.resolve("two.csv"), List.of("x1,,x3,,label", "1,2,3,4,0"));
        assertEquals("the CSV header of '" + two + "' has no name for columns 2 and 4 of 5; name them in the header,"
                + " or remove them from every line", assertThrows(IllegalArgumentException.class,
                () -> DataSource.read(spark, "data.path", two.toString(), "csv", true, ",")).getMessage());
    }

    @Test
    void aCsvHeaderNamingAColumnTwiceIsAnErrorNamingItAndItsPositions() throws IOException {
        Path twice = Files.write(dir.resolve("twice.csv"), List.of("a,a,label", "1,2,0"));
        assertEquals("the CSV header of '" + twice + "' names column 'a' twice (columns 1 and 2); rename one of them",
                assertThrows(IllegalArgumentException.class, () -> DataSource.read(spark, "data.path", twice.toString(),
                        "csv", true, ",")).getMessage());
        Path cases = Files.write(dir.resolve("cases.csv"), List.of("A,b,a,label,b,b", "1,2,3,0,4,5"));
        assertEquals("the CSV header of '" + cases + "' names columns 'A' and 'a' (columns 1 and 3), which differ only"
                + " in case (Spark matches column names case-insensitively), and names column 'b' 3 times (columns 2,"
                + " 5 and 6); rename one of each", assertThrows(IllegalArgumentException.class,
                () -> DataSource.read(spark, "data.path", cases.toString(), "csv", true, ",")).getMessage());
        // Without a header the names are Spark's own, _c0, _c1, ...
        assertEquals(3, Columns.names(DataSource.read(spark, "data.path", twice.toString(), "csv", false, ",")).size());
    }

    @Test
    void unreadableInputNamesThePathAndWhatToCheck() throws IOException {
        String missing = dir.resolve("nope.csv").toString();
        assertEquals("data.validation_path '" + missing + "' does not exist; check the path",
                assertThrows(IllegalArgumentException.class,
                        () -> DataSource.read(spark, "data.validation_path", missing, "csv", true, ",")).getMessage());
        String noMatch = dir.resolve("nope-*.csv").toString();
        assertEquals("--data '" + noMatch + "' matches nothing; check the path", assertThrows(
                IllegalArgumentException.class, () -> DataSource.read(spark, "--data", noMatch, "csv", true, ","))
                .getMessage());
        Path csv = Files.write(dir.resolve("rows.csv"), List.of("a,label", "1,0"));
        long failedBefore = SparkTestSession.failedTasks();
        String message = assertThrows(IllegalArgumentException.class,
                () -> DataSource.read(spark, "data.path", csv.toString(), "parquet", true, ",").count()).getMessage();
        assertEquals("cannot read '" + csv + "' as parquet (file:" + csv + " is not a Parquet file: it does not end"
                + " with PAR1); check the path and the data format", message);
        assertEquals(failedBefore, SparkTestSession.failedTasks(), "found before Spark reads a footer in a task");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DataSource.read(spark, "data.path", csv.toString(), "xlsx", true, ",")).getMessage()
                .contains("data format 'xlsx' is not one of csv, parquet, json, libsvm"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals("'" + empty + "' holds no csv data to read (Spark found no file to infer its columns from: an"
                + " empty directory?); check the path", assertThrows(IllegalArgumentException.class,
                () -> DataSource.read(spark, "data.path", empty.toString(), "csv", true, ",")).getMessage());
    }

    @Test
    void aFileSystemThatDoesNotAnswerIsNotCalledAFormatProblem() {
        // Port 9 (discard) on loopback: nothing listens there
        String unreachable = "hdfs://127.0.0.1:9/rows.csv";
        String message = assertThrows(IllegalArgumentException.class,
                () -> DataSource.read(spark, "data.path", unreachable, "csv", true, ",")).getMessage();
        assertTrue(message.startsWith("cannot reach the file system of '" + unreachable + "' ("), message);
        assertTrue(message.endsWith("); check the host and port in the path, and that the service runs"), message);
    }
}
