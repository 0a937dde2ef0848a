package dev.sparkprop.driver.job;

import dev.sparkprop.driver.FileSystemFailure;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.spark.PartitionJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
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
     * than one file; a caller with a single file leaves out listing them too. Each task returns
     * its distinct header lines only, with how many of its files have each and the first by name.
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
        List<HashMap<String, String[]>> perTask;
        try {
            int tasks = Math.min(files.size(), Math.max(jsc.defaultParallelism(), files.size() / FILES_PER_TASK));
            perTask = PartitionJob.collect(jsc.parallelize(files, tasks), "sparkprop CSV headers", it -> {
                HashMap<String, String[]> lines = new HashMap<>();
                while (it.hasNext()) {
                    String file = it.next();
                    String line = firstLine(file, conf.value().value());
                    if (line != null) {
                        lines.merge(line, new String[] {"1", file}, CsvHeaders::merged);
                    }
                }
                return lines;
            });
        } finally {
            conf.destroy();
        }
        // Each header as its fields (two lines may split alike, quoting aside): {files, first file, its line}
        Map<List<String>, String[]> byHeader = new HashMap<>();
        CsvParser parser = parser(delimiter);
        perTask.forEach(lines -> lines.forEach((line, seen) -> byHeader.merge(Arrays.asList(parser.parseLine(line)),
                new String[] {seen[0], seen[1], line}, CsvHeaders::merged)));
        if (byHeader.size() > 1) {
            List<String> headers = byHeader.values().stream().sorted(Comparator.comparing(h -> h[1])).limit(SHOWN)
                    .map(h -> Columns.named(h[2]) + " (" + (h[0].equals("1") ? "" : h[0] + " files, e.g. ")
                            + "'" + new Path(h[1]).toUri().getPath() + "')").toList();
            throw new IllegalArgumentException("the CSV files of '" + path + "' have " + byHeader.size()
                    + " different headers: " + Prose.list(headers) + (byHeader.size() > SHOWN ? ", ..." : "")
                    + "; Spark would read every file's columns in the order of one of them. Give every file the"
                    + " same header, or keep other files out of the directory");
        }
    }

    /** Two tallies of a header, {files, first file by name, ...}, as one: the counts added, the rest the first's. */
    private static String[] merged(String[] a, String[] b) {
        String[] first = (a[1].compareTo(b[1]) <= 0 ? a : b).clone();
        first[0] = Long.toString(Long.parseLong(a[0]) + Long.parseLong(b[0]));
        return first;
    }

    /** Files per task beyond one task per core: many files run in more, shorter tasks. */
    private static final int FILES_PER_TASK = 100;

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
            throw new FileSystemFailure("cannot read " + file, e);
        }
    }
}
