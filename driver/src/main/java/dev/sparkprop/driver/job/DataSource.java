package dev.sparkprop.driver.job;

import dev.sparkprop.driver.spark.Columns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/** Reads a table the way a job's data.* keys describe, with one clear error when it cannot. */
public final class DataSource {

    private DataSource() {
    }

    /**
     * @param format    csv, parquet, json or libsvm
     * @param header    csv only: the first line names the columns
     * @param delimiter csv only: the one-character field separator
     * @throws IllegalArgumentException naming the path and what to check
     */
    public static Dataset<Row> read(SparkSession spark, String path, String format, boolean header, String delimiter) {
        return read(spark, path, format, header, delimiter, false);
    }

    /**
     * As {@link #read}, for rows that several passes will read, as training does. A CSV whose
     * every value is a number (or empty) is read as doubles without Spark's type-inference pass,
     * and comes back cached (MEMORY_AND_DISK): the one pass that checks every line parses also
     * fills the cache the later passes read. Its values are those the inferred types give, as
     * doubles. Any other CSV (text, booleans, dates, a column with no values, a line with another
     * number of fields) is read as {@link #read} reads it, uncached. Unpersist the rows when done.
     */
    public static Dataset<Row> readToTrain(SparkSession spark, String path, String format, boolean header,
                                           String delimiter) {
        return read(spark, path, format, header, delimiter, true);
    }

    private static Dataset<Row> read(SparkSession spark, String path, String format, boolean header, String delimiter,
                                     boolean numbersToCache) {
        DataFrameReader reader = spark.read();
        try {
            Dataset<Row> df;
            switch (format.toLowerCase(Locale.ROOT)) {
                case "csv":
                    // The first two lines, split by Spark's own CSV parser, as strings
                    List<Row> first = header || numbersToCache ? spark.read().option("header", false)
                            .option("sep", delimiter).csv(path).takeAsList(2) : List.of();
                    if (header && !first.isEmpty()) {
                        checkHeader(path, first.get(0));
                    }
                    // A line with another number of fields than the header lands in the malformed-line column for
                    // the passes over the rows to report, rather than failing a task (FAILFAST) or being read as
                    // shifted or missing values. Spark sees a line's number of fields only when it parses all of
                    // them, whatever columns a query reads: CSV column pruning "ignores other column values even
                    // if they are malformed".
                    spark.conf().set("spark.sql.csv.parser.columnPruning.enabled", "false");
                    int firstValues = header ? 1 : 0;
                    df = numbersToCache && first.size() > firstValues && allNumbers(first.get(firstValues))
                            ? numbersCached(spark, path, header, delimiter, first.get(0)) : null;
                    if (df == null) {
                        // Spark infers the types in one pass, then reads with them.
                        StructType inferred = reader.option("header", header).option("sep", delimiter)
                                .option("inferSchema", true).csv(path).schema();
                        df = csv(spark, path, header, delimiter, inferred);
                    }
                    break;
                case "parquet":
                    checkParquet(spark, path);
                    df = reader.parquet(path);
                    break;
                case "json":
                    // A line that is not a JSON object lands in the malformed-line column (added to the
                    // inferred schema when there is one), for the passes over the rows to report.
                    df = reader.option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", Columns.MALFORMED)
                            .json(path);
                    break;
                case "libsvm":
                    df = reader.format("libsvm").load(path);
                    break;
                default:
                    throw new IllegalArgumentException("data format '" + format + "' is not one of csv, parquet, json,"
                            + " libsvm");
            }
            if (Columns.names(df).isEmpty()) {
                throw new IllegalArgumentException("'" + path + "' holds no columns as " + format
                        + "; is it empty, or in another format?");
            }
            return df;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            // Spark's AnalysisException and SparkException carry the cause in their message.
            String reason = firstLine(e.getMessage());
            if (reason.contains("PATH_NOT_FOUND") || reason.contains("does not exist")) {
                throw new IllegalArgumentException("data path '" + path + "' does not exist; check the path", e);
            }
            throw new IllegalArgumentException("cannot read '" + path + "' as " + format + " (" + reason
                    + "); check the path and the data format", e);
        }
    }

    /** The CSV read PERMISSIVE with {@code types}, and the malformed-line column. */
    private static Dataset<Row> csv(SparkSession spark, String path, boolean header, String delimiter,
                                    StructType types) {
        return spark.read().option("header", header).option("sep", delimiter).option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", Columns.MALFORMED)
                .schema(types.add(Columns.MALFORMED, DataTypes.StringType, true)).csv(path);
    }

    /**
     * The CSV with every column read as double, cached, when every line parses so; else null.
     * Spark's inference tries integer, long, decimal and double before any other type, so a column
     * whose every value parses as a double is inferred as one of those four, and its values as
     * doubles are the same; the first line of values has every column's value, so none is a column
     * without values (which inference calls string). A value that does not parse, or a line with
     * another number of fields, makes its line malformed: one such line and the CSV is read with
     * inferred types instead.
     *
     * @param firstLine the first line's fields, which name the columns when there is a header
     */
    private static Dataset<Row> numbersCached(SparkSession spark, String path, boolean header, String delimiter,
                                              Row firstLine) {
        StructType doubles = new StructType();
        for (int i = 0; i < firstLine.size(); i++) {
            // The names Spark's reader gives: the header's, or _c<i> without a header or for an empty name
            String name = header && !firstLine.isNullAt(i) && !firstLine.getString(i).isEmpty()
                    ? firstLine.getString(i) : "_c" + i;
            doubles = doubles.add(name, DataTypes.DoubleType, true);
        }
        Dataset<Row> df = csv(spark, path, header, delimiter, doubles);
        // A second read of the same file (data.validation_path = data.path) shares the first one's cache
        boolean ownCache = df.storageLevel().equals(StorageLevel.NONE());
        if (ownCache) {
            df.persist(StorageLevel.MEMORY_AND_DISK());
        }
        // Fills the cache (Spark caches whole partitions, whatever columns a query reads), all partitions at once
        if (df.where(Columns.col(Columns.MALFORMED).isNotNull()).count() == 0) {
            return df;
        }
        if (ownCache) {
            df.unpersist(false);
        }
        return null;
    }

    /**
     * Whether every field of {@code line} is a number to Spark's CSV reader of doubles: Java's
     * double syntax, or its NaN and infinity spellings. An empty field is not.
     */
    private static boolean allNumbers(Row line) {
        for (int i = 0; i < line.size(); i++) {
            if (line.isNullAt(i)) {
                return false;
            }
            String value = line.getString(i);
            if (!value.equals("NaN") && !value.equals("Inf") && !value.equals("-Inf")) {
                try {
                    Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Fails when the CSV header names a column twice, or names two columns alike but for case
     * (Spark matches column names case-insensitively). Spark's reader would rename them ({@code a}
     * twice becomes {@code a0} and {@code a1}) and training would go on with names the user
     * never wrote.
     *
     * @param header the first line, split by Spark's own CSV parser
     */
    private static void checkHeader(String path, Row header) {
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.getString(i);
            if (name != null && !name.isEmpty()) {
                positions.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(i);
            }
        }
        List<String> problems = new ArrayList<>();
        for (List<Integer> at : positions.values()) {
            if (at.size() > 1) {
                List<String> names = at.stream().map(header::getString).distinct().toList();
                String columns = "(columns " + ordinals(at) + ")";
                problems.add(names.size() == 1
                        ? "names column '" + names.get(0) + "' " + (at.size() == 2 ? "twice" : at.size() + " times")
                            + " " + columns
                        : "names columns " + quotedList(names) + " " + columns + ", which differ only in case"
                            + " (Spark matches column names case-insensitively)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the CSV header of '" + path + "' " + String.join(", and ", problems)
                    + "; rename " + (problems.size() == 1 ? "one of them" : "one of each"));
        }
    }

    /**
     * Fails unless the file Spark takes the schema from is Parquet: Spark reads its footer in a
     * task, which would fail (logging an error and a stack trace) for, say, a CSV file. That file
     * is the first data file by path, as Spark's {@code ParquetUtils.inferSchema} picks it when
     * there is no summary file; a Parquet file ends with the magic bytes {@code PAR1}.
     */
    private static void checkParquet(SparkSession spark, String path) throws IOException {
        if (path.matches(".*[*?\\[{].*")) {
            return; // a glob: Spark expands it; its files are Spark's to check
        }
        Path root = new Path(path);
        FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(root)) {
            return; // Spark's own message says so
        }
        List<Path> data = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
        while (files.hasNext()) {
            Path file = files.next().getPath();
            String relative = file.toUri().getPath().substring(root.toUri().getPath().length());
            if (relative.matches("(.*/)?_(common_)?metadata")) {
                return; // a summary file, which Spark reads instead
            }
            if (!relative.matches("(.*/)?[_.][^/]*(/.*)?") || relative.isEmpty()) {
                data.add(file);
            }
        }
        if (data.isEmpty()) {
            return;
        }
        Path first = data.stream().min((a, b) -> a.toString().compareTo(b.toString())).orElseThrow();
        long length = fs.getFileStatus(first).getLen();
        byte[] tail = new byte[4];
        if (length >= 8) {
            try (FSDataInputStream in = fs.open(first)) {
                in.readFully(length - 4, tail);
            }
        }
        if (!"PAR1".equals(new String(tail, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("cannot read '" + path + "' as parquet (" + first + " is not a Parquet"
                    + " file: it does not end with PAR1); check the path and the data format");
        }
    }

    /** 1-based positions as "1 and 2" or "1, 2 and 5". */
    private static String ordinals(List<Integer> at) {
        List<String> numbers = at.stream().map(i -> Integer.toString(i + 1)).toList();
        return String.join(", ", numbers.subList(0, numbers.size() - 1)) + " and " + numbers.get(numbers.size() - 1);
    }

    private static String quotedList(List<String> names) {
        List<String> quoted = names.stream().map(n -> "'" + n + "'").toList();
        return String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and " + quoted.get(quoted.size() - 1);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
