package dev.sparkprop.driver.job;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.spark.Columns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.SerializableWritable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * CSV header lines: split as Spark's reader splits them, and checked to agree across the files
 * of a directory or glob. Spark takes the column names from one file and reads every other file
 * by position, with at most a warning when its header names the columns in another order: rows
 * with swapped columns would train a wrong model without an error.
 */
final class CsvHeaders {

    private CsvHeaders() {
    }

    /** A parser that splits a line into fields as Spark's CSV reader does by default (univocity, its settings). */
    static CsvParser parser(String delimiter) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.getFormat().setDelimiter(delimiter);
        settings.getFormat().setQuote('"');
        settings.getFormat().setQuoteEscape('\\');
        settings.setCommentProcessingEnabled(false);
        settings.setIgnoreLeadingWhitespaces(false);
        settings.setIgnoreTrailingWhitespaces(false);
        settings.setMaxColumns(20480);
        settings.setMaxCharsPerColumn(-1);
        settings.setNullValue(null);
        settings.setEmptyValue(null);
        return new CsvParser(settings);
    }

    /**
     * Fails, naming each header and a file that has it, unless every file of the data at
     * {@code path} has a header that splits into the same fields. Empty files have none and are
     * skipped. Costs a small job that reads each file's first line, only when the data has more
     * than one file.
     *
     * @param files the data's files, as Spark lists them
     */
    static void checkAgree(SparkSession spark, String path, List<String> files, String delimiter) {
        if (files.size() < 2) {
            return;
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableWritable<Configuration>> conf = jsc.broadcast(
                new SerializableWritable<>(spark.sparkContext().hadoopConfiguration()));
        List<String[]> firstLines;
        try {
            firstLines = jsc.parallelize(files, Math.min(files.size(), jsc.defaultParallelism()))
                    .map(file -> new String[] {file, firstLine(file, conf.value().value())})
                    .filter(f -> f[1] != null).collect();
        } finally {
            conf.destroy();
        }
        // Each header (as its fields) with the files that have it, in file order
        Map<List<String>, List<String[]>> byHeader = new LinkedHashMap<>();
        CsvParser parser = parser(delimiter);
        firstLines.stream().sorted(Comparator.comparing(f -> f[0])).forEach(f -> byHeader.computeIfAbsent(
                Arrays.asList(parser.parseLine(f[1])), h -> new ArrayList<>()).add(f));
        if (byHeader.size() > 1) {
            List<String> headers = byHeader.values().stream().limit(SHOWN).map(those -> "'"
                    + Columns.printable(those.get(0)[1]) + "' (" + (those.size() == 1 ? "" : those.size() + " files, e.g. ")
                    + "'" + new Path(those.get(0)[0]).getName() + "')").toList();
            throw new IllegalArgumentException("the CSV files of '" + path + "' have " + byHeader.size()
                    + " different headers: " + Prose.list(headers) + (byHeader.size() > SHOWN ? ", ..." : "")
                    + "; Spark would read every file's columns in the order of one of them. Give every file the"
                    + " same header, or keep other files out of the directory");
        }
    }

    /** Headers a message shows. */
    private static final int SHOWN = 3;

    /** The first line of {@code file} that is not blank, decompressed and without a byte order mark; null when none. */
    private static String firstLine(String file, Configuration conf) {
        Path p = new Path(file);
        try {
            FileSystem fs = p.getFileSystem(conf);
            CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
            try (InputStream raw = fs.open(p);
                 BufferedReader reader = new BufferedReader(new InputStreamReader(
                         codec == null ? raw : codec.createInputStream(raw), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isBlank()) {
                        return line.startsWith("\uFEFF") ? line.substring(1) : line;
                    }
                }
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
