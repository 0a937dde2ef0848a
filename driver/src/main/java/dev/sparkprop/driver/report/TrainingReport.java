package dev.sparkprop.driver.report;

import dev.sparkprop.driver.FileSystemFailure;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sparkprop.driver.model.AtomicDirectory;
import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.Evaluation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * {@code hdfs://}, …): {@code history.csv} and {@code history.json} with every epoch's metrics and
 * time, {@code steps.csv} with every optimizer step ({@link StepsCsv}), and {@code report.html}, a
 * self-contained page with charts, a summary, the saved model's epoch and per-class table, the
 * time per epoch and the effective config.
 */
public final class TrainingReport {

    static final String SECONDS = "seconds";
    static final String ROWS_PER_SECOND = "train_rows_per_second";

    /**
     * What a report holds.
     *
     * @param title         the page's title
     * @param history       every epoch's metrics and time
     * @param keptEpoch     the epoch (from 1) the saved model is
     * @param keptWhy       why that epoch, in words
     * @param perClass      the saved model's per-class rows; empty for regression
     * @param perClassRows  the rows they were measured on, e.g. "validation rows"
     * @param config        the effective config, key to value
     * @param steps         every optimizer step of the run, the first first
     */
    public record Contents(String title, List<EpochRecord> history, int keptEpoch, String keptWhy,
                           List<Evaluation.ClassRow> perClass, String perClassRows, Map<String, String> config,
                           List<DistributedTrainer.Iteration> steps) {
        public Contents {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(keptWhy, "keptWhy");
            history = List.copyOf(history);
            perClass = List.copyOf(perClass);
            config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
            steps = List.copyOf(steps);
        }
    }

    private static final String HISTORY_CSV = "history.csv";
    private static final String HISTORY_JSON = "history.json";
    private static final String STEPS_CSV = "steps.csv";
    private static final String PAGE = "report.html";
    /** What a report directory holds. */
    private static final List<String> FILES = List.of(HISTORY_CSV, HISTORY_JSON, STEPS_CSV, PAGE);

    private TrainingReport() {
    }

    /**
     * Fails unless {@code directory}, an existing report path the run may overwrite, holds only a
     * report's files (and its hidden temporaries): replacing them leaves nothing of another kind
     * beside the new report, nor puts one into, say, a model's directory.
     */
    public static void checkReplaceable(String directory, String key, Configuration conf) {
        // Hidden names are the report's temporaries and the local file system's checksums
        AtomicDirectory.checkHoldsOnly(directory, key, name -> FILES.contains(name) || name.startsWith("."),
                "a training report", conf);
    }

    /**
     * Writes the four files into {@code directory}, creating it if needed. Each file is written
     * under a temporary name and then renamed, so a reader never sees a half-written one.
     *
     * @throws UncheckedIOException when the file system fails
     */
    public static void write(Contents contents, String directory, Configuration conf) {
        List<EpochRecord> history = contents.history();
        List<String> metrics = metricNames(history);
        List<Map.Entry<String, String>> files = List.of(
                Map.entry(HISTORY_CSV, csv(history, metrics)),
                Map.entry(HISTORY_JSON, json(history, metrics)),
                Map.entry(STEPS_CSV, StepsCsv.format(contents.steps())),
                Map.entry(PAGE, ReportPage.render(contents, metrics)));
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
            throw new FileSystemFailure("cannot write the training report to " + directory, e);
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

    /** Whether any epoch has its time recorded (models saved before sparkprop recorded it have none). */
    static boolean timed(List<EpochRecord> history) {
        return history.stream().anyMatch(r -> Double.isFinite(r.seconds()));
    }

    /**
     * One row per epoch, then {@value #SECONDS} and {@value #ROWS_PER_SECOND} where recorded; an
     * empty cell where the epoch lacks a value; values that parse back exactly.
     */
    private static String csv(List<EpochRecord> history, List<String> metrics) {
        boolean timed = timed(history);
        StringBuilder csv = new StringBuilder("epoch");
        for (String metric : metrics) {
            csv.append(',').append(csvField(metric));
        }
        csv.append(timed ? "," + SECONDS + "," + ROWS_PER_SECOND : "").append('\n');
        for (EpochRecord r : history) {
            csv.append(r.epoch());
            for (String metric : metrics) {
                Double v = r.metrics().get(metric);
                csv.append(',').append(v == null ? "" : Double.toString(v));
            }
            if (timed) {
                csv.append(',').append(csvNumber(r.seconds())).append(',').append(csvNumber(r.trainRowsPerSecond()));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    private static String csvNumber(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
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
                if (Double.isFinite(r.seconds())) {
                    out.writeNumberField(SECONDS, r.seconds());
                }
                if (Double.isFinite(r.trainRowsPerSecond())) {
                    out.writeNumberField(ROWS_PER_SECOND, r.trainRowsPerSecond());
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
