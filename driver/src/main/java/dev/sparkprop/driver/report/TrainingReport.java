package dev.sparkprop.driver.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sparkprop.driver.model.EpochRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The report of a training run, written into one directory of any Hadoop file system (local,
 * {@code hdfs://}, …): {@code history.csv} and {@code history.json} with every epoch's metrics,
 * and {@code report.html}, a self-contained page with charts and a summary.
 */
public final class TrainingReport {

    private TrainingReport() {
    }

    /**
     * Writes the three files into {@code directory}, creating it if needed. Each file is written
     * under a temporary name and then renamed, so a reader never sees a half-written one.
     *
     * @throws UncheckedIOException when the file system fails
     */
    public static void write(List<EpochRecord> history, String title, String directory, Configuration conf) {
        Objects.requireNonNull(title, "title");
        List<String> metrics = metricNames(history);
        List<Map.Entry<String, String>> files = List.of(
                Map.entry("history.csv", csv(history, metrics)),
                Map.entry("history.json", json(history, metrics)),
                Map.entry("report.html", ReportPage.render(history, title, metrics)));
        Path dir = new Path(directory);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            // The local file system would add a .crc file beside each file: noise in a report for people.
            if (fs instanceof ChecksumFileSystem checksummed) {
                fs = checksummed.getRawFileSystem();
            }
            fs.mkdirs(dir);
            for (Map.Entry<String, String> file : files) {
                writeAtomically(fs, new Path(dir, file.getKey()), file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training report to " + directory + ": " + e.getMessage(),
                    e);
        }
    }

    private static void writeAtomically(FileSystem fs, Path target, String content) throws IOException {
        Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try (OutputStream out = fs.create(temporary, true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            fs.delete(temporary, false);
            throw e;
        }
        // A local rename replaces the target at once; HDFS refuses to rename onto an existing file,
        // so there the old one goes first (briefly no file, but never a partial one).
        if (!fs.rename(temporary, target) && !(fs.delete(target, false) && fs.rename(temporary, target))) {
            throw new IOException("cannot rename " + temporary + " to " + target);
        }
    }

    /** Every metric name in the history, in the order first seen. */
    static List<String> metricNames(List<EpochRecord> history) {
        Set<String> names = new LinkedHashSet<>();
        for (EpochRecord r : history) {
            names.addAll(r.metrics().keySet());
        }
        return new ArrayList<>(names);
    }

    /** One row per epoch; an empty cell where the epoch lacks the metric; values that parse back exactly. */
    private static String csv(List<EpochRecord> history, List<String> metrics) {
        StringBuilder csv = new StringBuilder("epoch");
        for (String metric : metrics) {
            csv.append(',').append(csvField(metric));
        }
        csv.append('\n');
        for (EpochRecord r : history) {
            csv.append(r.epoch());
            for (String metric : metrics) {
                Double v = r.metrics().get(metric);
                csv.append(',').append(v == null ? "" : Double.toString(v));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    private static String csvField(String text) {
        return text.matches("[^,\"\r\n]*") ? text : '"' + text.replace("\"", "\"\"") + '"';
    }

    /** An array of objects, one per epoch, with the metrics it has; JSON has no NaN or infinity, so those are null. */
    private static String json(List<EpochRecord> history, List<String> metrics) {
        StringWriter json = new StringWriter();
        try (JsonGenerator out = new JsonFactory().createGenerator(json)) {
            out.writeStartArray();
            for (EpochRecord r : history) {
                out.writeStartObject();
                out.writeNumberField("epoch", r.epoch());
                for (String metric : metrics) {
                    Double v = r.metrics().get(metric);
                    if (v == null) {
                        continue;
                    }
                    out.writeFieldName(metric);
                    if (Double.isFinite(v)) {
                        out.writeNumber(v);
                    } else {
                        out.writeNull();
                    }
                }
                out.writeEndObject();
            }
            out.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return json.append('\n').toString();
    }
}
