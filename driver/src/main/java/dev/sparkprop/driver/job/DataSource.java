package dev.sparkprop.driver.job;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.Throwables;
import dev.sparkprop.driver.config.DataSection;
import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.DataFrameRows;
import dev.sparkprop.driver.train.NumericTable;
import dev.sparkprop.driver.train.TrainingRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import com.univocity.parsers.csv.CsvParser;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Reads a table the way a job's data.* keys describe, with one clear error when it cannot. */
public final class DataSource {

    private DataSource() {
    }

    /**
     * @param key       what names the path to the user (a job key such as data.path, or an option
     *                  such as --data), for the message when it names nothing
     * @param format    csv, parquet, json or libsvm
     * @param header    csv only: the first line names the columns
     * @param delimiter csv only: the one-character field separator
     * @throws IllegalArgumentException naming the path and what to check
     */
    public static Dataset<Row> read(SparkSession spark, String key, String path, String format, boolean header,
                                    String delimiter) {
        return read(spark, key, path, format, header, delimiter, null, DATA_FORMAT);
    }

    /**
     * As {@link #read}, for a saved model to read: in {@code format} (--format), or when that is
     * null in the format of the data it was trained on ({@code trainedOn}), whose CSV settings
     * apply. Refused up front when the model's features ({@code prep}) include a vector column
     * and the format cannot hold one.
     *
     * @param delimiter the CSV field delimiter (one character, or \t for a tab); null for the training job's
     */
    public static Dataset<Row> readForModel(SparkSession spark, String key, String path, String format,
                                            String delimiter, DataSection trainedOn, Preprocessing prep) {
        return readForModel(spark, key, path, format, delimiter, trainedOn, prep, null);
    }

    /**
     * As {@link #readForModel}, with a CSV of numbers read as {@link #readToTrain} reads it: parsed
     * once into a {@link NumericTable}, without Spark's type-inference pass. {@link Rows#release} them.
     */
    public static Rows readForModelToPass(SparkSession spark, String key, String path, String format,
                                          String delimiter, DataSection trainedOn, Preprocessing prep) {
        NumericTable[] numbers = new NumericTable[1];
        Dataset<Row> rows = readForModel(spark, key, path, format, delimiter, trainedOn, prep, numbers);
        return new Rows(rows, numbers[0]);
    }

    private static Dataset<Row> readForModel(SparkSession spark, String key, String path, String format,
                                             String delimiter, DataSection trainedOn, Preprocessing prep,
                                             NumericTable[] numbers) {
        String effective = format == null ? trainedOn.format() : format;
        checkFormat(effective);
        String separator = delimiter == null ? trainedOn.csvDelimiter() : DataSection.csvDelimiter(delimiter)
                .orElseThrow(() -> new IllegalArgumentException("--delimiter '" + delimiter + "' must be "
                        + DataSection.ONE_CHARACTER + ", e.g. --delimiter ';'"));
        // A model fitted through the Spark ML API reads a vector column, which only these formats hold
        if (!effective.equals("parquet") && !effective.equals("libsvm")) {
            prep.features().stream().filter(FeatureColumn::isVector).findFirst().ifPresent(column -> {
                throw new IllegalArgumentException("the model reads feature column " + Columns.named(column.name())
                        + " of ml Vectors (" + column.vectorSize() + " values), which " + effective + " data cannot"
                        + " hold; give Parquet data with that column and --format parquet, or predict in Spark with"
                        + " the model's transform");
            });
        }
        Dataset<Row> df = read(spark, key, path, effective, trainedOn.csvHeader(),
                separator, numbers, format == null ? "(the model's data.format); add --format parquet"
                        : "(--format); give --format parquet");
        int width = prep.features().stream().filter(FeatureColumn::isVector).mapToInt(FeatureColumn::vectorSize)
                .findFirst().orElse(0);
        return effective.equalsIgnoreCase("libsvm") ? libsvmAtWidth(spark, df, key, path, width, "the model reads") : df;
    }

    /**
     * A libsvm file read at {@code width} features when Spark inferred fewer: it takes a file's
     * width from its largest index, and a file whose rows all leave the last features out (zeros,
     * as libsvm allows) is as valid as the one the model was trained on. A file with a larger
     * index is refused: its rows have features the model has no inputs for.
     *
     * @param df    the file as read, width inferred
     * @param width the features the rows must have, or 0 for any number (no vector column to match)
     * @param needs what needs that width, e.g. "the model reads"
     */
    static Dataset<Row> libsvmAtWidth(SparkSession spark, Dataset<Row> df, String key, String path, int width,
                                      String needs) {
        int inferred = AttributeGroup.fromStructField(df.schema().apply(LIBSVM_FEATURES)).size();
        if (inferred > width && width > 0) {
            throw new IllegalArgumentException(key + " '" + path + "' has feature index " + inferred + " (libsvm"
                    + " indices count from 1), but " + needs + " " + width + " features; give rows whose"
                    + " indices are 1 to " + width);
        }
        if (inferred < 0 || inferred == width) {
            return df;
        }
        return spark.read().format("libsvm").option("numFeatures", width).load(path);
    }

    /**
     * As {@link #readToTrain}, for rows validated beside {@code train}: a libsvm file as wide as
     * the training rows (see {@link #libsvmAtWidth}).
     */
    public static Rows readToValidate(SparkSession spark, String key, String path, String format, boolean header,
                                      String delimiter, Rows train) {
        Rows rows = readToTrain(spark, key, path, format, header, delimiter);
        if (!format.equalsIgnoreCase("libsvm")) {
            return rows;
        }
        int width = AttributeGroup.fromStructField(train.rows().schema().apply(LIBSVM_FEATURES)).size();
        return new Rows(libsvmAtWidth(spark, rows.rows(), key, path, width, "data.path's rows have"), rows.numbers());
    }

    /** The vector column of Spark's libsvm reader. */
    private static final String LIBSVM_FEATURES = "features";

    private static void checkFormat(String format) {
        if (!DataSection.FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
            throw unknownFormat(format);
        }
    }

    private static IllegalArgumentException unknownFormat(String format) {
        return new IllegalArgumentException("data format '" + format + "' is not one of "
                + String.join(", ", DataSection.FORMATS));
    }

    /** Where a job's format comes from, and how to read Parquet instead. */
    private static final String DATA_FORMAT = "(data.format); set data.format = parquet";

    /**
     * Rows read to train on: the DataFrame and, for a CSV of numbers, the same rows parsed once
     * into a cached {@link NumericTable} (else null) for the passes to read instead.
     */
    public record Rows(Dataset<Row> rows, NumericTable numbers) {

        /** What the passes over the rows read: the table when there is one. */
        public TrainingRows passes() {
            return numbers != null ? numbers : new DataFrameRows(rows);
        }

        /** Unpersists what reading cached. */
        public void release() {
            rows.unpersist(false);
            if (numbers != null) {
                numbers.close();
            }
        }
    }

    /**
     * As {@link #read}, for rows that several passes will read, as training does. A CSV whose
     * every value is a number (or empty) is read as doubles without Spark's type-inference pass:
     * parsed once into a cached {@link NumericTable}, in the pass that checks every line, beside
     * a DataFrame of double columns for its schema. Its values are those the inferred types give,
     * as doubles. Any other CSV (text, booleans, dates, a column with no values, a line with
     * another number of fields) is read as {@link #read} reads it. Data of another format whose
     * every column is a byte, short, int, float or double also comes with its table, filled in
     * one pass. {@link Rows#release} them when done.
     */
    public static Rows readToTrain(SparkSession spark, String key, String path, String format, boolean header,
                                   String delimiter) {
        NumericTable[] numbers = new NumericTable[1];
        Dataset<Row> rows = read(spark, key, path, format, header, delimiter, numbers, DATA_FORMAT);
        // Other formats whose every column is a number (a CSV of numbers is one already; any other is not)
        if (numbers[0] == null && !format.equalsIgnoreCase("csv") && !Columns.hasMalformed(rows)) {
            numbers[0] = NumericTable.of(rows);
        }
        return new Rows(rows, numbers[0]);
    }

    /**
     * @param numbers  null, or where a CSV of numbers leaves its {@link NumericTable}
     * @param asParquet where {@code format} comes from and how to read Parquet instead, for a
     *                 Parquet file read as CSV
     */
    private static Dataset<Row> read(SparkSession spark, String key, String path, String format, boolean header,
                                     String delimiter, NumericTable[] numbers, String asParquet) {
        DataFrameReader reader = spark.read();
        try {
            checkExists(spark, key, path);
            Dataset<Row> df;
            switch (format.toLowerCase(Locale.ROOT)) {
                case "csv":
                    FirstLines lines = header || numbers != null ? firstLines(spark, path, delimiter)
                            : new FirstLines(List.of(), false);
                    List<String[]> first = lines.lines();
                    // Parquet's magic bytes begin its first line; read as CSV, they would begin a column name
                    if (!first.isEmpty() && first.get(0).length > 0 && first.get(0)[0] != null
                            && first.get(0)[0].startsWith("PAR1")) {
                        // data.format is both paths': a Parquet validation file beside a CSV data.path needs one format
                        throw new IllegalArgumentException("'" + path + "' is Parquet, but it is read as csv "
                                + (key.equals(DataSection.VALIDATION_PATH.key()) ? "(data.format, which data.path and"
                                + " data.validation_path share); give both in one format" : asParquet));
                    }
                    if (header && !first.isEmpty()) {
                        checkHeader(path, first.get(0));
                        if (isGlob(path) || !new Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration())
                                .isFile(new Path(path))) {
                            CsvHeaders.checkAgree(spark, path, List.of(spark.read().text(path).inputFiles()),
                                    delimiter);
                        }
                    }
                    if (header && first.size() == 1 && lines.whole()) {
                        // Spark would infer every column as text, and the message would be about that
                        throw new IllegalArgumentException(key + " '" + path + "' has no rows, only a header line");
                    }
                    // A line with another number of fields than the header lands in the malformed-line column for
                    // the passes over the rows to report, rather than failing a task (FAILFAST) or being read as
                    // shifted or missing values. Spark sees a line's number of fields only when it parses all of
                    // them, whatever columns a query reads: CSV column pruning "ignores other column values even
                    // if they are malformed".
                    spark.conf().set("spark.sql.csv.parser.columnPruning.enabled", "false");
                    int firstValues = header ? 1 : 0;
                    df = numbers != null && first.size() > firstValues && allNumbers(first.get(firstValues))
                            ? numbers(spark, path, header, delimiter, first.get(0), numbers) : null;
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
                    checkLibsvm(path, leadingLines(spark, path));
                    df = reader.format("libsvm").load(path);
                    break;
                default:
                    throw unknownFormat(format);
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
            if (reason.contains("[COLUMN_ALREADY_EXISTS]")) {
                // Not a wrong path or format: names that differ only in case, or a name given twice
                throw new IllegalArgumentException("'" + path + "' has two columns of one name to Spark, which"
                        + " matches names case-insensitively (" + reason + "); rename one of them", e);
            }
            if (Throwables.causedBy(e, ChecksumException.class)) {
                // Hadoop's local file system checks a file against the .<name>.crc beside it, if any
                throw new IllegalArgumentException("cannot read '" + path + "': a file does not match the Hadoop"
                        + " checksum file (.<name>.crc) beside it (" + reason + "), so it changed after it was"
                        + " written; if the data is right, delete the .crc file, else write the data again", e);
            }
            if (Throwables.causedBy(e, java.net.ConnectException.class)) {
                // Not the data: the file system's service did not answer
                throw new IllegalArgumentException("cannot reach the file system of '" + path + "' (" + reason
                        + "); check the host and port in the path, and that the service runs", e);
            }
            if (reason.contains("[UNABLE_TO_INFER_SCHEMA]")) {
                // Spark found no file to read a schema from: an empty directory, or only hidden files
                throw new IllegalArgumentException("'" + path + "' holds no " + format + " data to read (Spark found"
                        + " no file to infer its columns from: an empty directory?); check the path", e);
            }
            throw new IllegalArgumentException("cannot read '" + path + "' as " + format + " (" + reason
                    + "); check the path and the data format", e);
        }
    }

    /**
     * Fails unless {@code path} names a file or directory, or as a glob matches one, found as
     * Spark's reader finds it: by globStatus on the FileSystem of the path's scheme. Spark would
     * log a warning with a stack trace while it looked for a missing path, before its own error.
     */
    private static void checkExists(SparkSession spark, String key, String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        FileStatus[] found = fs.globStatus(p);
        if (found == null || found.length == 0) {
            // A relative path is read from the file system's working directory (the driver's directory on a local
            // one, the user's home on HDFS), which a user may not have in mind
            String relative = p.toUri().getScheme() == null && !p.isAbsolute()
                    ? " (a relative path, read as " + fs.makeQualified(p) + ")" : "";
            throw new IllegalArgumentException(key + " '" + path + "' " + (isGlob(path) ? "matches nothing"
                    : "does not exist") + relative + "; check the path");
        }
    }

    private static boolean isGlob(String path) {
        return path.matches(".*[*?\\[{].*");
    }

    /** The CSV read PERMISSIVE with {@code types}, and the malformed-line column. */
    private static Dataset<Row> csv(SparkSession spark, String path, boolean header, String delimiter,
                                    StructType types) {
        return spark.read().option("header", header).option("sep", delimiter).option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", Columns.MALFORMED)
                .schema(types.add(Columns.MALFORMED, DataTypes.StringType, true)).csv(path);
    }

    /**
     * The CSV with every column read as double, and its {@link NumericTable} in {@code numbers[0]},
     * when every line parses so; else null. Spark's inference tries integer, long, decimal and
     * double before any other type, so a column whose every value parses as a double is inferred
     * as one of those four, and its values as doubles are the same; the first line of values has
     * every column's value, so none is a column without values (which inference calls string). A
     * value that does not parse, or a line with another number of fields, and the CSV is read
     * with inferred types instead.
     *
     * @param firstLine the first line's fields, which name the columns when there is a header
     */
    private static Dataset<Row> numbers(SparkSession spark, String path, boolean header, String delimiter,
                                        String[] firstLine, NumericTable[] numbers) {
        StructType doubles = new StructType();
        for (int i = 0; i < firstLine.length; i++) {
            // The names Spark's reader gives: the header's, or _c<i> without a header or for an empty name
            String name = header && firstLine[i] != null && !firstLine[i].isEmpty() ? firstLine[i] : "_c" + i;
            doubles = doubles.add(name, DataTypes.DoubleType, true);
        }
        // The table's parser splits on one ASCII byte; a directory partitioned Hive-style (col=value/)
        // adds columns that only Spark's reader knows: those are read by Spark alone.
        Dataset<Row> df = csv(spark, path, header, delimiter, doubles);
        if (delimiter.length() != 1 || delimiter.charAt(0) > 127
                || !Columns.names(df).equals(List.of(doubles.fieldNames()))) {
            return null;
        }
        numbers[0] = NumericTable.readCsv(spark, path, header, delimiter.charAt(0), List.of(doubles.fieldNames()));
        return numbers[0] == null ? null : df;
    }

    /**
     * The first two lines that are not blank (as Spark's CSV reader skips them), split by the
     * CSV parser Spark's reader uses, with its default settings: Spark's own reader would plan
     * and compile a query over every column, seconds for a table of hundreds of columns.
     */
    private static FirstLines firstLines(SparkSession spark, String path, String delimiter) throws IOException {
        CsvParser parser = CsvHeaders.parser(delimiter);
        List<String[]> lines = new ArrayList<>();
        List<String> read = leadingLines(spark, path);
        for (String line : read) {
            if (!line.trim().isEmpty() && lines.size() < 2) {
                lines.add(parser.parseLine(line));
            }
        }
        return new FirstLines(lines, read.size() < FIRST_LINES);
    }

    /** @param whole whether the data has no lines beyond those read to find {@code lines} */
    private record FirstLines(List<String[]> lines, boolean whole) {
    }

    /** Lines read to find the first two that are not blank. */
    static final int FIRST_LINES = 16;

    /**
     * The data's first {@link #FIRST_LINES} lines, as Spark's text reader gives them. One plain
     * file is read here, split at the reader's line ends (LF, CR or CRLF), decoded as UTF-8,
     * without a byte order mark: through Spark, the run's first job, planned and launched for
     * these few lines, took 1.0 to 1.6 s of Fashion-MNIST's time to the first step. A directory,
     * a glob, a compressed file or a name Spark treats as hidden (_ or . first) is left to
     * Spark's reader.
     */
    static List<String> leadingLines(SparkSession spark, String path) throws IOException {
        Path p = new Path(path);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        FileSystem fs = p.getFileSystem(conf);
        if (!isGlob(path) && !p.getName().startsWith("_") && !p.getName().startsWith(".") && fs.isFile(p)
                && new CompressionCodecFactory(conf).getCodec(p) == null) {
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null && lines.size() < FIRST_LINES;
                     line = reader.readLine()) {
                    // Hadoop's line reader skips the file's UTF-8 byte order mark
                    lines.add(lines.isEmpty() && line.startsWith("\uFEFF") ? line.substring(1) : line);
                }
            }
            return lines;
        }
        return spark.read().text(path).select("value").as(Encoders.STRING()).takeAsList(FIRST_LINES);
    }

    /** libsvm's line as Spark reads it: a label, then index:value pairs, whitespace apart. */
    private static final Pattern LIBSVM_LINE = Pattern.compile(
            "\\s*[-+]?[0-9.eE+-]+(\\s+[0-9]+:[-+]?[0-9.eE+-]+)*\\s*");

    /**
     * Fails when the first line that is not blank or a comment (# first, which Spark's reader
     * skips) is not libsvm's: the reader would fail its tasks one by one, each logging an ERROR
     * and a stack trace, before the one-line error.
     */
    private static void checkLibsvm(String path, List<String> lines) {
        lines.stream().filter(line -> !line.isBlank() && !line.strip().startsWith("#")).findFirst().ifPresent(line -> {
            if (!LIBSVM_LINE.matcher(line).matches()) {
                throw new IllegalArgumentException("'" + path + "' is read as libsvm, but its first line is not"
                        + " 'label index:value ...': '" + (line.length() > 60 ? line.substring(0, 57) + "..." : line)
                        + "'; read it in its own format");
            }
        });
    }

    /**
     * Whether every field of {@code line} is a number to Spark's CSV reader of doubles: Java's
     * double syntax, or its NaN and infinity spellings. An empty field is not.
     */
    private static boolean allNumbers(String[] line) {
        for (String value : line) {
            if (value == null) {
                return false;
            }
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
     * never wrote. So does a column without a name, which Spark would call {@code _c<i>}: a
     * trailing comma, or the index column pandas' {@code to_csv} writes, which would otherwise
     * become a feature.
     *
     * @param header the first line, split as Spark's CSV reader splits it
     */
    private static void checkHeader(String path, String[] header) {
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        List<Integer> unnamed = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            String name = header[i];
            if (name != null && !name.isEmpty()) {
                positions.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(i);
            } else {
                unnamed.add(i);
            }
        }
        if (!unnamed.isEmpty()) {
            boolean last = unnamed.equals(List.of(header.length - 1));
            throw new IllegalArgumentException("the CSV header of '" + path + "' has no name for column"
                    + (unnamed.size() == 1 ? " " : "s ") + ordinals(unnamed) + " of " + header.length
                    + (last ? " (a trailing delimiter?)" : unnamed.equals(List.of(0)) ? " (an index column?)" : "")
                    + "; name " + (unnamed.size() == 1 ? "it" : "them") + " in the header, or remove "
                    + (unnamed.size() == 1 ? "it" : "them") + " from every line");
        }
        List<String> problems = new ArrayList<>();
        for (List<Integer> at : positions.values()) {
            if (at.size() > 1) {
                List<String> names = at.stream().map(i -> header[i]).distinct().toList();
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
        if (isGlob(path)) {
            return; // a glob: Spark expands it; its files are Spark's to check
        }
        Path root = new Path(path);
        FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
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
        return Prose.list(at.stream().map(i -> Integer.toString(i + 1)).toList());
    }

    private static String quotedList(List<String> names) {
        return Prose.list(names.stream().map(n -> "'" + n + "'").toList());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
