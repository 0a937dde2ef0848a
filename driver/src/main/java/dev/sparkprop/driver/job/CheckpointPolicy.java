package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.CheckpointSection;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.TrainerState;
import dev.sparkprop.driver.train.TrainingDivergedException;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Writes a checkpoint whenever {@code training.checkpoint.*} says one is due, and remembers the
 * newest, so that a run that diverges can say where to resume from.
 */
final class CheckpointPolicy implements DistributedTrainer.StepListener {

    private final CheckpointSection settings;
    private final Configuration hadoop;
    private final ProgressLine progress;
    private final Function<TrainerState, Checkpoints.Checkpoint> snapshot;
    private String newest;
    /** The step count at the last state seen: a round of local steps takes several. */
    private long iteration;
    /** Other runs' checkpoints to replace ({@link Checkpoints#checkPath}): deleted once the run has one of its own. */
    private List<Path> replaced;
    /** The step count the run (re)started at: a resume's if more than 0. */
    private final long resumedAt;

    /**
     * @param snapshot  the checkpoint of the run at a state
     * @param iteration the steps taken before the run (re)starts
     * @param replaced  other runs' checkpoints under the path, to delete after the first write
     */
    CheckpointPolicy(CheckpointSection settings, Configuration hadoop, ProgressLine progress,
                     Function<TrainerState, Checkpoints.Checkpoint> snapshot, long iteration, List<Path> replaced) {
        this.iteration = iteration;
        this.resumedAt = iteration;
        this.replaced = replaced;
        this.settings = settings;
        this.hadoop = hadoop;
        this.progress = progress;
        this.snapshot = snapshot;
    }

    @Override
    public void stepTaken(TrainerState state, boolean epochEnded) {
        long before = iteration;
        iteration = state.iteration();
        if (settings.due(before, iteration, epochEnded)) {
            newest = Checkpoints.write(settings.path().orElseThrow(), settings.keep(), snapshot.apply(state), hadoop);
            progress.line("checkpoint " + newest);
            if (!replaced.isEmpty()) {
                // One of the same iteration was just replaced by the run's own
                String written = new Path(newest).getName();
                int deleted = Checkpoints.delete(replaced.stream().filter(p -> !p.getName().equals(written)).toList(),
                        hadoop);
                if (deleted > 0) {
                    progress.line("deleted " + deleted + " checkpoint" + (deleted == 1 ? "" : "s") + (resumedAt > 0
                            ? " past the one resumed" : " of another run") + " from " + settings.path().orElseThrow()
                            + " (output.overwrite = true)");
                }
                replaced = List.of();
            }
        }
    }

    /** {@code e}, told how to resume from the newest checkpoint when there is one. */
    TrainingDivergedException withResumeAdvice(TrainingDivergedException e) {
        if (newest == null) {
            return e;
        }
        return e.resumableFrom(newest);
    }
}
