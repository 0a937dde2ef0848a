package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.SparkSection;
import dev.sparkprop.driver.config.TrainingSection;
import dev.sparkprop.driver.train.TrainingSettings;
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

    /**
     * Refuses {@code resumed}, the config a run resumed from {@code c} would train with, when its
     * optimizer state has another shape than the checkpoint's (another optimizer, or local steps
     * with an outer optimizer that keeps state): else the run would fail only after reading the data.
     */
    public static void checkOptimizerState(Checkpoints.Checkpoint c, JobConfig resumed) {
        int n = c.model().params().length;
        if (TrainingSettings.optimizerStateLength(resumed, n) == c.state().optimizerState().length) {
            return;
        }
        JobConfig checkpointed = LoadedModel.config(c.model(), List.of());
        TrainingSection t = checkpointed.training();
        throw new IllegalArgumentException("the checkpoint's optimizer state is that of optimizer.kind = "
                + checkpointed.optimizer().kind().name() + " with training.local_steps = " + t.localSteps()
                + (t.localSteps() > 1 ? " and training.outer_optimizer = " + t.outerOptimizer().name() : "")
                + ", which cannot change on resume to one with another state; keep them (their other settings, such"
                + " as the learning rate, may change)");
    }
}
