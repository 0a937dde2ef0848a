package dev.sparkprop.driver.job;

import dev.sparkprop.driver.FileSystemFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkprop.driver.model.AtomicDirectory;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.model.StrictJson;
import dev.sparkprop.driver.model.WeightsCodec;
import dev.sparkprop.driver.report.StepsCsv;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.TrainerState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * so it is complete or absent ({@link AtomicDirectory}, which writes no Hadoop {@code .crc}
 * files); {@value #RESUME} is read as strictly as a model's metadata ({@link StrictJson}).
 */
public final class Checkpoints {

    static final String RESUME = "resume.json";
    static final String OPTIMIZER = "optimizer.bin";
    static final String BEST = "best.bin";
    static final String STEPS = "steps.csv";
    static final int FORMAT = 1;
    private static final long MAX_RESUME_BYTES = 1L << 20;
    private static final String WHOLE = "sparkprop checkpoint";
    /** What a resume takes, for the messages refusing a path that is not it. */
    private static final String WHAT_TO_GIVE = "give a checkpoint-<iteration> directory, or the"
            + " training.checkpoint.path a run wrote its checkpoints to";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");

    /**
     * A checkpoint: the model so far (its metadata holds config, preprocessing and epoch
     * history), the loop's state, early stopping's best epoch (0 for none), value and weights,
     * the steps taken so far (empty when a checkpoint from before sparkprop kept them is read),
     * and the partitions the run trained on (0 when a checkpoint from before it kept them is
     * read): with spark.partitions = 0 their count is the machine's, and it shapes the training.
     */
    public record Checkpoint(SavedModel model, TrainerState state, int bestEpoch, double bestValue,
                             double[] bestParams, List<DistributedTrainer.Iteration> steps, int partitions) {
    }

    private Checkpoints() {
    }

    /**
     * The checkpoints under {@code root} that are not of the run about to start there: for a run
     * resumed at iteration {@code resumedAt}, those past it (the rest of the run it left, or
     * another run's); for a new run ({@code resumedAt} = -1), all. Oldest first; none when
     * {@code root} does not exist.
     */
    private static List<Path> strangers(String root, long resumedAt, Configuration conf) {
        Path dir = new Path(root);
        try {
            FileSystem fs = AtomicDirectory.fileSystem(dir, conf);
            if (AtomicDirectory.statusOrNull(fs, dir) == null) {
                return List.of();
            }
            return checkpoints(fs, dir).stream().filter(p -> iteration(p) > resumedAt).toList();
        } catch (IOException e) {
            throw new FileSystemFailure("cannot list the checkpoints in " + root, e);
        }
    }

    /**
     * How a caller names what {@link #checkPath} speaks of: the checkpoint path's setting, how a
     * run is resumed from a checkpoint, and how other checkpoints there are replaced.
     */
    public record PathNames(String key, String resumeFrom, String replace) {

        /** The CLI's: {@code --resume}, and output.overwrite (given now, on a resume). */
        static PathNames cli(boolean resuming) {
            return new PathNames("training.checkpoint.path", "--resume", resuming
                    ? "add --set output.overwrite=true to delete them" : "set output.overwrite = true to delete them");
        }
    }

    /**
     * Refuses a run whose checkpoint path holds {@link #strangers} unless {@code replace}; then
     * returns them, for the run to delete once it has written its own first checkpoint. Left
     * there, their iterations would interleave with the run's: pruning keeps the highest, so it
     * would delete the run's own checkpoints as it wrote them, and a resume of the path would
     * continue the other run.
     */
    public static List<Path> checkPath(String root, long resumedAt, boolean replace, PathNames names,
                                       Configuration conf) {
        List<Path> strangers = strangers(root, resumedAt, conf);
        if (strangers.isEmpty() || replace) {
            return strangers;
        }
        String newest = strangers.get(strangers.size() - 1).getName();
        String count = strangers.size() == 1 ? "a checkpoint" : strangers.size() + " checkpoints";
        String held = resumedAt < 0 ? "already holds " + count + " of another run (the newest " + newest
                + "); continue that run (" + names.resumeFrom() + " " + root + ")"
                : "holds " + count + " past the one resumed, at iteration " + resumedAt + " (the newest " + newest
                + "); resume from the newest";
        throw new IllegalArgumentException(names.key() + " " + root + " " + held + ", give an empty directory, or "
                + names.replace());
    }

    /**
     * Writes {@code checkpoint} under {@code root} and deletes all but the newest {@code keep}
     * up to it; a checkpoint past it is not the run's ({@link #checkPath}) and is left alone.
     */
    static String write(String root, int keep, Checkpoint checkpoint, Configuration conf) {
        TrainerState state = checkpoint.state();
        String dir = new Path(root, String.format("checkpoint-%010d", state.iteration())).toString();
        try {
            ModelDirectory.write(checkpoint.model(), dir, true, conf, (fs, temporary) -> {
                WeightsCodec.write(fs, new Path(temporary, OPTIMIZER), state.optimizerState());
                double[] best = checkpoint.bestParams() == null ? new double[0] : checkpoint.bestParams();
                WeightsCodec.write(fs, new Path(temporary, BEST), best);
                AtomicDirectory.writeFile(fs, new Path(temporary, RESUME),
                        StrictJson.bytes(resumeJson(checkpoint, best)));
                AtomicDirectory.writeFile(fs, new Path(temporary, STEPS),
                        StepsCsv.format(checkpoint.steps()).getBytes(StandardCharsets.UTF_8));
            });
            prune(root, keep, state.iteration(), conf);
            return dir;
        } catch (IOException e) {
            throw new FileSystemFailure("cannot write a checkpoint to " + dir, e);
        } catch (FileSystemFailure e) {
            // The model directory's own failure says "cannot save the model"
            throw new FileSystemFailure("cannot write a checkpoint to " + dir, e.getCause());
        }
    }

    /**
     * Reads a checkpoint directory, or the newest checkpoint under a training.checkpoint.path.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static Checkpoint read(String path, Configuration conf) {
        Path dir = new Path(path);
        List<Path> all = List.of();
        try {
            FileSystem fs = AtomicDirectory.fileSystem(dir, conf);
            if (!fs.exists(dir)) {
                throw new IllegalArgumentException("checkpoint " + path + " does not exist; " + WHAT_TO_GIVE);
            }
            if (!fs.exists(new Path(dir, RESUME))) {
                all = checkpoints(fs, dir);
                if (all.isEmpty()) {
                    throw new IllegalArgumentException(path + " is neither a checkpoint (it has no " + RESUME
                            + ") nor a directory of checkpoint-<iteration> directories; " + WHAT_TO_GIVE);
                }
                // Named under the path as given, so messages spell it as the user did
                dir = new Path(dir, all.get(all.size() - 1).getName());
            }
            return read(fs, dir, conf);
        } catch (IOException | IllegalArgumentException e) {
            String message = e instanceof IOException ? "cannot read the checkpoint " + dir + ": " + e.getMessage()
                    : e.getMessage();
            // Checkpoints are written whole or not at all, but one copied in part or damaged since need
            // not have harmed the ones before it
            if (all.size() > 1) {
                message += "; the checkpoint before it, " + new Path(path, all.get(all.size() - 2).getName())
                        + ", may be whole: give it to --resume";
            }
            throw new IllegalArgumentException(message, e);
        }
    }

    private static Checkpoint read(FileSystem fs, Path dir, Configuration conf) throws IOException {
        SavedModel model = ModelDirectory.read(dir.toString(), conf);
        Path resumeFile = new Path(dir, RESUME);
        String source = resumeFile.toString();
        Resume resume = StrictJson.parse(StrictJson.readFile(fs, resumeFile, MAX_RESUME_BYTES,
                "a checkpoint's position"), source, Checkpoints::resume);
        double[] optimizer = WeightsCodec.read(fs, AtomicDirectory.requireFile(fs, new Path(dir, OPTIMIZER), WHOLE),
                resume.optimizerValues(), source + " says optimizer_values = " + resume.optimizerValues());
        double[] best = WeightsCodec.read(fs, AtomicDirectory.requireFile(fs, new Path(dir, BEST), WHOLE),
                resume.bestValues(), source + " says best_values = " + resume.bestValues());
        TrainerState state = new TrainerState(model.params(), optimizer, resume.iteration(), resume.epoch(),
                resume.stepInEpoch(), resume.epochSteps(), resume.epochLoss(), resume.epochCorrect(),
                resume.epochWeight(), resume.stopped());
        return new Checkpoint(model, state, resume.bestEpoch(), resume.bestValue(), best.length == 0 ? null : best,
                steps(fs, dir, state.iteration()), resume.partitions());
    }

    /** What {@value #RESUME} holds: the loop's position, early stopping's best, the lengths of the arrays beside it. */
    private record Resume(long iteration, int epoch, int stepInEpoch, int epochSteps, double epochLoss,
                          double epochCorrect, double epochWeight, boolean stopped, int bestEpoch, double bestValue,
                          int optimizerValues, int bestValues, int partitions) {
    }

    private static ObjectNode resumeJson(Checkpoint c, double[] best) {
        TrainerState s = c.state();
        ObjectNode json = StrictJson.object();
        json.put("format", FORMAT);
        json.put("iteration", s.iteration());
        json.put("epoch", s.epoch());
        json.put("step_in_epoch", s.stepInEpoch());
        if (s.epochSteps() != s.stepInEpoch()) {
            // Only when a step of the epoch so far did not count in its loss (skipped, or of weight 0)
            json.put("epoch_steps", s.epochSteps());
        }
        json.put("epoch_loss", Double.toHexString(s.epochLoss()));
        json.put("epoch_correct", Double.toHexString(s.epochCorrect()));
        json.put("epoch_weight", Double.toHexString(s.epochWeight()));
        // Format 1's name for it. Checkpoints written before it meant only a stop said true at the end of
        // the last epoch too; such a one reads as a stop, so resumed it trains nothing, as it always did.
        json.put("finished", s.stopped());
        json.put("best_epoch", c.bestEpoch());
        json.put("best_value", Double.toHexString(c.bestValue()));
        json.put("optimizer_values", s.optimizerState().length);
        json.put("best_values", best.length);
        if (c.partitions() > 0) {
            json.put("partitions", c.partitions());
        }
        return json;
    }

    private static Resume resume(StrictJson.Fields json) {
        // The format first: another format may legitimately have other fields.
        int format = json.read("format", StrictJson::whole);
        if (format != FORMAT) {
            throw new IllegalArgumentException("checkpoint format " + format + " is not supported by this sparkprop"
                    + " (reads " + FORMAT + "); resume with a matching sparkprop, or train afresh");
        }
        json.allowOnly("format", "iteration", "epoch", "step_in_epoch", "epoch_steps", "epoch_loss", "epoch_correct",
                "epoch_weight", "finished", "best_epoch", "best_value", "optimizer_values", "best_values", "partitions");
        int stepInEpoch = json.read("step_in_epoch", StrictJson::nonNegative);
        // Written when not every step's loss counted (since 2026-12-05; before, all did)
        int epochSteps = json.readOrAbsent("epoch_steps", StrictJson::nonNegative, stepInEpoch);
        if (epochSteps > stepInEpoch) {
            throw new IllegalArgumentException("epoch_steps " + epochSteps + " is more than step_in_epoch " + stepInEpoch
                    + ": the steps whose loss counted are some of the epoch's; the file was changed after it was"
                    + " written");
        }
        return new Resume(json.read("iteration", StrictJson::count), json.read("epoch", StrictJson::nonNegative),
                stepInEpoch, epochSteps,
                json.read("epoch_loss", Checkpoints::exact),
                json.read("epoch_correct", Checkpoints::exact), json.read("epoch_weight", Checkpoints::exact),
                json.read("finished", StrictJson::bool), json.read("best_epoch", StrictJson::nonNegative),
                json.read("best_value", Checkpoints::exact), json.read("optimizer_values", StrictJson::nonNegative),
                json.read("best_values", StrictJson::nonNegative),
                // Written since 2026-12-05; absent, unknown (0)
                json.readOrAbsent("partitions", StrictJson::nonNegative, 0));
    }

    /** A double as {@link Double#toHexString} wrote it, which reads back to the identical value, NaN too. */
    private static double exact(JsonNode v, String at) {
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.textValue());
            } catch (NumberFormatException e) {
                // said below
            }
        }
        throw StrictJson.mustBe(at, "a double as a string, e.g. \"0x1.8p1\" or \"NaN\"", v);
    }

    /** The checkpoint's record of the steps before it; none from a checkpoint that predates it. */
    private static List<DistributedTrainer.Iteration> steps(FileSystem fs, Path dir, long iterations)
            throws IOException {
        Path file = new Path(dir, STEPS);
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

    /** The checkpoint directories under {@code root}, oldest first. */
    private static List<Path> checkpoints(FileSystem fs, Path root) throws IOException {
        List<Path> found = new ArrayList<>();
        for (FileStatus status : fs.listStatus(root)) {
            Matcher m = NAME.matcher(status.getPath().getName());
            if (status.isDirectory() && m.matches()) {
                found.add(status.getPath());
            }
        }
        found.sort(Comparator.comparingLong(Checkpoints::iteration));
        return found;
    }

    private static void prune(String root, int keep, long written, Configuration conf) throws IOException {
        Path dir = new Path(root);
        FileSystem fs = AtomicDirectory.fileSystem(dir, conf);
        List<Path> upTo = checkpoints(fs, dir).stream().filter(p -> iteration(p) <= written).toList();
        for (int i = 0; i < upTo.size() - keep; i++) {
            fs.delete(upTo.get(i), true);
        }
    }

    /** Deletes checkpoint directories (found by {@link #checkPath}); returns how many were there to delete. */
    static int delete(List<Path> checkpoints, Configuration conf) {
        int deleted = 0;
        for (Path p : checkpoints) {
            try {
                if (AtomicDirectory.fileSystem(p, conf).delete(p, true)) {
                    deleted++;
                }
            } catch (IOException e) {
                throw new FileSystemFailure("cannot delete the checkpoint " + p, e);
            }
        }
        return deleted;
    }

    private static long iteration(Path checkpoint) {
        return Long.parseLong(checkpoint.getName().substring("checkpoint-".length()));
    }

    /** Where {@code c} stands in a run of {@code epochs} epochs, and whether that run has ended there. */
    static String describe(Checkpoint c, int epochs) {
        TrainerState s = c.state();
        return "iteration " + s.iteration() + " (epoch " + (s.epoch() + 1) + ", step " + s.stepInEpoch() + ")"
                + (s.stopped() ? ", finished: it stopped early (early stopping or convergence), which more"
                + " training.epochs do not undo" : s.finished(epochs) ? ", finished" : "");
    }
}
