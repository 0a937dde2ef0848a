package dev.sparkprop.driver.job;

import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The record of a run as it goes: every optimizer step, and at each epoch's end the metrics
 * (the training loss and accuracy the steps measured, the validation metrics measured here),
 * the epoch's line on the console, and early stopping's verdict.
 */
final class EpochMetrics implements DistributedTrainer.IterationListener, DistributedTrainer.EpochListener {

    private final JavaSparkContext sc;
    private final TrainingData validation;
    private final NetworkSpec spec;
    private final int blockRows;
    private final int epochs;
    private final ProgressLine progress;
    private final EarlyStopping stopping;
    private final List<EpochRecord> history = new ArrayList<>();
    private final List<DistributedTrainer.Iteration> steps = new ArrayList<>();

    /** @param validation null without validation rows */
    EpochMetrics(JavaSparkContext sc, TrainingData validation, NetworkSpec spec, int blockRows, int epochs,
                 ProgressLine progress, EarlyStopping stopping) {
        this.sc = sc;
        this.validation = validation;
        this.spec = spec;
        this.blockRows = blockRows;
        this.epochs = epochs;
        this.progress = progress;
        this.stopping = stopping;
    }

    /** Continues the record of the run a checkpoint is from. */
    void restore(Checkpoints.Checkpoint resume) {
        history.addAll(resume.model().metadata().history());
        steps.addAll(resume.steps());
    }

    @Override
    public void iterationDone(DistributedTrainer.Iteration step, int stepsPerEpoch) {
        steps.add(step);
        progress.step(step, stepsPerEpoch, epochs);
    }

    @Override
    public boolean epochEnded(int epoch, double[] params, double trainLoss, double trainAccuracy) {
        long validationStart = System.nanoTime();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", trainLoss);
        if (!Double.isNaN(trainAccuracy)) {
            metrics.put("train_accuracy", trainAccuracy);
        }
        if (validation != null) {
            Evaluation.of(sc, validation, spec, params, blockRows).metrics()
                    .forEach((name, value) -> metrics.put("validation_" + name, value));
        }
        EpochRecord record = record(epoch, metrics, (System.nanoTime() - validationStart) / 1e9);
        history.add(record);
        progress.line(String.format(Locale.ROOT, "epoch %d/%d %s seconds=%.2f rows_per_second=%.0f", epoch + 1,
                epochs, format(metrics), record.seconds(), record.trainRowsPerSecond()));
        return stopping.update(epoch + 1, metrics, params);
    }

    /** One record per epoch so far, the first first. */
    List<EpochRecord> history() {
        return history;
    }

    /** A copy of every step so far, the first first. */
    List<DistributedTrainer.Iteration> steps() {
        return List.copyOf(steps);
    }

    /**
     * An epoch's metrics with its time: its steps (whichever run took them) and its validation
     * pass; its rows/s over its steps' time.
     */
    private EpochRecord record(int epoch, Map<String, Double> metrics, double validationSeconds) {
        int first = steps.size();
        while (first > 0 && steps.get(first - 1).epoch() == epoch) {
            first--;
        }
        double stepSeconds = 0;
        long rows = 0;
        for (DistributedTrainer.Iteration step : steps.subList(first, steps.size())) {
            stepSeconds += step.seconds();
            rows += step.rows();
        }
        return new EpochRecord(epoch + 1, metrics, stepSeconds + validationSeconds, rows / stepSeconds);
    }

    static String format(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((name, value) -> sb.append(sb.length() == 0 ? "" : " ").append(name).append('=')
                .append(String.format(name.endsWith("loss") ? "%.12g" : "%.4f", value)));
        return sb.toString();
    }
}
