package dev.sparkprop.driver.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.report.StepsCsv;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.TrainerState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checkpoints of a training run, each a directory {@code checkpoint-<iteration>} under
 * training.checkpoint.path: a model directory of the weights so far (so evaluate and predict
 * read it), plus {@value #RESUME} (the position in the run and early stopping's best, doubles
 * as exact hex), the optimizer state and best weights in weights.bin's checked format, and
 * {@value #STEPS}, the record of every step so far, so that the resumed run's report still
 * describes the whole run. The whole directory is written under a temporary name and renamed,
 * so it is complete or absent.
 */
public final class Checkpoints {

    static final String RESUME = "resume.json";
    static final String OPTIMIZER = "optimizer.bin";
    static final String BEST = "best.bin";
    static final String STEPS = "steps.csv";
    private static final int FORMAT = 1;
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("format", "iteration", "epoch", "step_in_epoch", "epoch_loss",
            "epoch_correct", "epoch_weight", "finished", "best_epoch", "best_value", "optimizer_values",
            "best_values");

    /**
     * A checkpoint: the model so far (its metadata holds config, preprocessing and epoch
     * history), the loop's state, early stopping's best epoch (0 for none), value and weights,
     * and the steps taken so far (empty when a checkpoint from before sparkprop kept them is read).
     */
    public record Checkpoint(SavedModel model, TrainerState state, int bestEpoch, double bestValue,
                             double[] bestParams, List<DistributedTrainer.Iteration> steps) {
    }

    private Checkpoints() {
    }

    /** Writes {@code checkpoint} under {@code root} and deletes all but the newest {@code keep}. */
    static String write(String root, int keep, Checkpoint checkpoint, Configuration conf) {
        TrainerState state = checkpoint.state();
        String dir = new Path(root, String.format("checkpoint-%010d", state.iteration())).toString();
        try {
            ModelDirectory.write(checkpoint.model(), dir, true, conf, temporary -> {
                ModelDirectory.writeDoubles(new Path(temporary, OPTIMIZER).toString(), state.optimizerState(), conf);
                double[] best = checkpoint.bestParams() == null ? new double[0] : checkpoint.bestParams();
                ModelDirectory.writeDoubles(new Path(temporary, BEST).toString(), best, conf);
                Path resume = new Path(temporary, RESUME);
                try (OutputStream out = resume.getFileSystem(conf).create(resume, false)) {
                    out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(resumeJson(checkpoint, best)));
                }
                Path steps = new Path(temporary, STEPS);
                try (OutputStream out = steps.getFileSystem(conf).create(steps, false)) {
                    out.write(StepsCsv.format(checkpoint.steps()).getBytes(StandardCharsets.UTF_8));
                }
            });
            prune(root, keep, conf);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a checkpoint directory, or the newest checkpoint under a training.checkpoint.path.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static Checkpoint read(String path, Configuration conf) {
        try {
            Path dir = new Path(path);
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                throw new IllegalArgumentException("checkpoint " + path + " does not exist");
            }
            if (!fs.exists(new Path(dir, RESUME))) {
                List<Path> all = checkpoints(fs, dir);
                if (all.isEmpty()) {
                    throw new IllegalArgumentException(path + " is neither a checkpoint (it has no " + RESUME
                            + ") nor a directory of checkpoint-<iteration> directories");
                }
                dir = all.get(all.size() - 1);
            }
            SavedModel model = ModelDirectory.read(dir.toString(), conf);
            Path resumeFile = new Path(dir, RESUME);
            JsonNode json;
            try (InputStream in = fs.open(resumeFile)) {
                json = JSON.readTree(in.readNBytes(1 << 20));
            }
            return parse(json, resumeFile.toString(), model, dir, conf);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode resumeJson(Checkpoint c, double[] best) {
        TrainerState s = c.state();
        ObjectNode json = JSON.createObjectNode();
        json.put("format", FORMAT);
        json.put("iteration", s.iteration());
        json.put("epoch", s.epoch());
        json.put("step_in_epoch", s.stepInEpoch());
        json.put("epoch_loss", Double.toHexString(s.epochLoss()));
        json.put("epoch_correct", Double.toHexString(s.epochCorrect()));
        json.put("epoch_weight", Double.toHexString(s.epochWeight()));
        json.put("finished", s.finished());
        json.put("best_epoch", c.bestEpoch());
        json.put("best_value", Double.toHexString(c.bestValue()));
        json.put("optimizer_values", s.optimizerState().length);
        json.put("best_values", best.length);
        return json;
    }

    private static Checkpoint parse(JsonNode json, String source, SavedModel model, Path dir, Configuration conf)
            throws IOException {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException(source + " is not a JSON object");
        }
        json.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(source + " has an unknown field '" + f + "'");
            }
        });
        for (String f : FIELDS) {
            if (!json.has(f)) {
                throw new IllegalArgumentException(source + " has no field '" + f + "'");
            }
        }
        if (json.get("format").asInt() != FORMAT) {
            throw new IllegalArgumentException(source + " is checkpoint format " + json.get("format")
                    + "; this sparkprop reads format " + FORMAT);
        }
        int optimizerValues = nonNegative(json, "optimizer_values", source);
        int bestValues = nonNegative(json, "best_values", source);
        double[] optimizer = ModelDirectory.readDoubles(new Path(dir, OPTIMIZER).toString(), optimizerValues,
                source + " says optimizer_values = " + optimizerValues, conf);
        double[] best = ModelDirectory.readDoubles(new Path(dir, BEST).toString(), bestValues,
                source + " says best_values = " + bestValues, conf);
        TrainerState state = new TrainerState(model.params(), optimizer, json.get("iteration").asLong(),
                nonNegative(json, "epoch", source), nonNegative(json, "step_in_epoch", source),
                hex(json, "epoch_loss", source), hex(json, "epoch_correct", source), hex(json, "epoch_weight", source),
                json.get("finished").asBoolean());
        return new Checkpoint(model, state, nonNegative(json, "best_epoch", source), hex(json, "best_value", source),
                best.length == 0 ? null : best, steps(dir, state.iteration(), conf));
    }

    /** The checkpoint's record of the steps before it; none from a checkpoint that predates it. */
    private static List<DistributedTrainer.Iteration> steps(Path dir, long iterations, Configuration conf)
            throws IOException {
        Path file = new Path(dir, STEPS);
        FileSystem fs = file.getFileSystem(conf);
        if (!fs.exists(file)) {
            return List.of();
        }
        String text;
        try (InputStream in = fs.open(file)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<DistributedTrainer.Iteration> steps = StepsCsv.parse(text, file.toString());
        long last = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).iteration();
        if (!steps.isEmpty() && last != iterations) {
            throw new IllegalArgumentException(file + " records steps up to iteration " + last + " but the checkpoint"
                    + " is at iteration " + iterations);
        }
        return steps;
    }

    private static int nonNegative(JsonNode json, String field, String source) {
        JsonNode v = json.get(field);
        if (!v.canConvertToInt() || v.asInt() < 0) {
            throw new IllegalArgumentException(source + ": " + field + " must be a whole number ≥ 0, got " + v);
        }
        return v.asInt();
    }

    private static double hex(JsonNode json, String field, String source) {
        try {
            return Double.parseDouble(json.get(field).asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": " + field + " must be a number, got " + json.get(field));
        }
    }

    /** The checkpoint directories under {@code root}, oldest first. */
    private static List<Path> checkpoints(FileSystem fs, Path root) throws IOException {
        List<Path> found = new ArrayList<>();
        for (FileStatus status : fs.listStatus(root)) {
            Matcher m = NAME.matcher(status.getPath().getName());
            if (status.isDirectory() && m.matches()) {
                found.add(status.getPath());
            }
        }
        found.sort(Comparator.comparingLong(p -> Long.parseLong(p.getName().substring("checkpoint-".length()))));
        return found;
    }

    private static void prune(String root, int keep, Configuration conf) throws IOException {
        Path dir = new Path(root);
        FileSystem fs = dir.getFileSystem(conf);
        List<Path> all = checkpoints(fs, dir);
        for (int i = 0; i < all.size() - keep; i++) {
            fs.delete(all.get(i), true);
        }
    }

    static String describe(Checkpoint c) {
        TrainerState s = c.state();
        return "iteration " + s.iteration() + " (epoch " + (s.epoch() + 1) + ", step " + s.stepInEpoch() + ")"
                + (s.finished() ? ", finished" : "");
    }
}
