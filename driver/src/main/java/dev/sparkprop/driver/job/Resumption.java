package dev.sparkprop.driver.job;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.NetworkSection;
import dev.sparkprop.driver.config.SparkSection;
import dev.sparkprop.driver.config.TrainingSection;
import dev.sparkprop.driver.train.TrainerState;
import dev.sparkprop.driver.train.TrainingSettings;
import dev.sparkprop.nn.Spec;
import java.util.List;

/**
 * What resuming from a checkpoint takes from it beyond its state, and what it refuses before
 * the data is read: one set of rules for {@code train --resume} and the estimators' resumeFrom.
 */
public final class Resumption {

    private Resumption() {
    }

    /**
     * The settings a run resumed from {@code c} keeps unless they are given: with
     * spark.partitions = 0 in {@code config} (one per core, another count on another machine),
     * the partitions the checkpointed run trained on, which shape its training.
     */
    public static List<String> kept(Checkpoints.Checkpoint c, JobConfig config) {
        return config.spark().partitions() == 0 && c.partitions() > 0
                ? List.of(SparkSection.PARTITIONS.key() + "=" + c.partitions()) : List.of();
    }

    /** The job config {@code c} was saved with, as its run trained. */
    public static JobConfig checkpointed(Checkpoints.Checkpoint c) {
        return LoadedModel.config(c.model(), List.of());
    }

    /**
     * Refuses {@code resumed}, the config a run resumed from {@code c} would train with, when the
     * checkpoint's weights and optimizer state are not for it ({@link #checkNetwork},
     * {@link #checkOptimizerState}): before any output or pass over the data.
     *
     * @param checkpointed {@code c}'s own config ({@link #checkpointed})
     */
    public static void check(Checkpoints.Checkpoint c, JobConfig checkpointed, JobConfig resumed) {
        checkNetwork(c, checkpointed, resumed);
        checkOptimizerState(c, checkpointed, resumed);
        checkEpochs(c, resumed);
    }

    /**
     * Refuses a training.epochs the checkpoint has already trained past: the run would end at once
     * with a model of more epochs than its saved config says. As many as it has trained (a
     * finished run's) writes the model as it is.
     */
    private static void checkEpochs(Checkpoints.Checkpoint c, JobConfig resumed) {
        TrainerState s = c.state();
        int epochs = resumed.training().epochs();
        // An early-stopped run's too: more epochs would not undo the stop, fewer would misname the model
        if (s.epoch() > epochs || s.epoch() == epochs && s.stepInEpoch() > 0) {
            boolean partial = s.stepInEpoch() > 0;
            int least = s.epoch() + (partial ? 1 : 0);
            throw new IllegalArgumentException(TrainingSection.EPOCHS.key() + " = " + epochs + " on resume, but the"
                    + " checkpoint has trained " + Prose.count(s.epoch(), "epoch")
                    + (partial ? " and " + Prose.count(s.stepInEpoch(), "step") + " of the next" : "") + "; give "
                    + least + " or more" + (partial ? "" : " (" + least + " writes the model it holds)"));
        }
    }

    /**
     * Refuses {@code resumed} when its network is not the checkpoint's: the checkpoint's weights
     * and optimizer state are that network's, and another with as many parameters would train
     * on silently from them.
     */
    private static void checkNetwork(Checkpoints.Checkpoint c, JobConfig checkpointed, JobConfig resumed) {
        NetworkSection saved = checkpointed.network();
        NetworkSection network = resumed.network();
        if (!network.layers().equals(saved.layers())
                || network.inputWidth().isPresent() && !network.inputWidth().equals(saved.inputWidth())) {
            throw new IllegalArgumentException("network.layers cannot change on resume; the checkpoint has "
                    + c.model().metadata().layers());
        }
    }

    /**
     * Refuses {@code resumed}, the config a run resumed from {@code c} would train with, when its
     * optimizer state is not the checkpoint's: another shape (another optimizer, or local steps
     * with an outer optimizer that keeps state), else the run would fail only after reading the
     * data; or the same length from another optimizer.kind (say sgd's outer Nesterov velocity
     * read as momentum's), which would train on silently from the wrong state.
     */
    private static void checkOptimizerState(Checkpoints.Checkpoint c, JobConfig checkpointed, JobConfig resumed) {
        int n = c.model().params().length;
        // The same kind keeps the same inner state, so an equal length also means the same outer state
        if (TrainingSettings.optimizerStateLength(resumed, n) == c.state().optimizerState().length
                && kindOf(checkpointed).equals(kindOf(resumed))) {
            return;
        }
        TrainingSection t = checkpointed.training();
        throw new IllegalArgumentException("the checkpoint's optimizer state is that of optimizer.kind = "
                + checkpointed.optimizer().kind().name() + " with training.local_steps = " + t.localSteps()
                + (t.localSteps() > 1 ? " and training.outer_optimizer = " + t.outerOptimizer().name() : "")
                + ", which cannot change on resume to one with another state; keep them (their other settings, such"
                + " as the learning rate, may change)");
    }

    /** optimizer.kind without its arguments: "adam" of "adam(beta1=0.9,beta2=0.999,eps=1e-8)". */
    private static String kindOf(JobConfig config) {
        return Spec.read(config.optimizer().kind().name()).name();
    }
}
