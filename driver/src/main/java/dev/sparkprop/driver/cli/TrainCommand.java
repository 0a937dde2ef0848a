package dev.sparkprop.driver.cli;

import dev.sparkprop.driver.config.ConfigException;
import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.job.TrainJob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkprop train}: one job file (plus overrides) in, a model directory and a report out. */
// Descriptions come as lines that fit the help's columns: picocli wraps a longer one where
// Java's BreakIterator allows, which includes inside dotted words ("digits. conf", "e. g.").
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a dense network on tabular data with Spark from a job file.",
                "Prints the effective config, then train (and validation) metrics per epoch,",
                "with a live progress line on a terminal (SPARKPROP_PROGRESS=terminal, plain",
                "or auto); writes the model directory and a report (history.csv, history.json,",
                "steps.csv, report.html). The last line, 'final ...', is for scripts.",
                "Every key, its default and meaning: dev/sparkprop/reference.conf in the jar",
                "(in the source tree, driver/src/main/resources/dev/sparkprop/reference.conf)."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "<job.conf>", description = {"The job file (HOCON), for example",
            "conf/examples/digits.conf."})
    String config;

    @Option(names = "--set", paramLabel = "key=value", description = {"Overrides one key after the job file;",
            "repeatable, for example --set training.epochs=30."})
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", paramLabel = "<checkpoint>", description = {"Continues the job a checkpoint belongs",
            "to (a checkpoint-<iteration> directory, or a",
            "training.checkpoint.path, whose newest is taken),",
            "with the job's own config: it ends in the model the",
            "uninterrupted run would have. --set changes a key",
            "of it, for example a lower learning rate after a",
            "step went NaN."})
    String resume;

    @Override
    public Integer call() {
        if (resume != null) {
            if (resume.isBlank()) {
                throw new IllegalArgumentException("--resume needs a checkpoint path");
            }
            if (config != null) {
                throw new IllegalArgumentException("--resume continues the checkpointed job with its own config;"
                        + " give no --config (--set still changes a key)");
            }
            Sessions.run("sparkprop train", spark -> TrainJob.resuming(resume, overrides, spark, System.out).run());
            return 0;
        }
        JobConfig job;
        try {
            job = JobConfigLoader.load(config, overrides);
        } catch (ConfigException e) {
            if (config != null || !e.lacksRequiredKey()) {
                throw e;
            }
            throw new IllegalArgumentException("no job file given; give it with --config <job.conf> (e.g. --config"
                    + " conf/examples/digits.conf), or set every required key with --set\n" + e.getMessage(), e);
        }
        Sessions.run("sparkprop train", spark -> new TrainJob(job, spark, System.out).run());
        return 0;
    }
}
