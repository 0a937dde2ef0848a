package dev.sparkprop.bench;

import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.driver.train.TrainingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * sparkprop trained until its accuracy on held-out rows (the test rows, or a validation split),
 * checked after every epoch, first reaches the target. The training time leaves the checks out:
 * each is timed and subtracted.
 */
final class SparkpropRace {

    static final int WARM_UP_ITERATIONS = 32;

    /** Numbers the races' job groups apart. */
    private static final AtomicInteger RACES = new AtomicInteger();

    private SparkpropRace() {
    }

    static Race run(JavaSparkContext sc, TrainingSettings settings, AccuracyData data, double target) {
        return run(sc, settings, data.train, data.test, "test", target);
    }

    /**
     * @param checked the held-out rows whose accuracy is checked after each epoch
     * @param what    what they are, for the progress lines: "test" or "validation"
     */
    static Race run(JavaSparkContext sc, TrainingSettings settings, TrainingData train, TrainingData checked,
                    String what, double target) {
        DistributedTrainer trainer = new DistributedTrainer(sc, settings);
        double[] initial = settings.initialParameters();
        // Untimed warm-up of the JIT on the training loop and the evaluation, since MLlib's timed fit
        // follows earlier fits: the first few dozen iterations of a fresh JVM take about twice as long.
        int warmUpBatch = (int) Math.max(1, (train.rows() + WARM_UP_ITERATIONS - 1) / WARM_UP_ITERATIONS);
        new DistributedTrainer(sc, settings.toBuilder().epochs(1).batchRows(warmUpBatch).build()).fit(train);
        accuracy(sc, settings, checked, initial);
        List<double[]> epochs = new ArrayList<>();
        double[] checkSeconds = {0};
        TaskTimes times = TaskTimes.register(sc);
        String group = "race " + RACES.incrementAndGet();
        sc.setJobGroup(group, "timed training", false);
        CpuMeter cpu = CpuMeter.start();
        long started = System.nanoTime();
        try {
            DistributedTrainer.Result result = trainer.fit(train, initial, (epoch, params, trainLoss, trainAcc) -> {
                double trained = (System.nanoTime() - started) / 1e9 - checkSeconds[0];
                long t0 = System.nanoTime();
                sc.clearJobGroup();
                double accuracy = accuracy(sc, settings, checked, params);
                sc.setJobGroup(group, "timed training", false);
                checkSeconds[0] += (System.nanoTime() - t0) / 1e9;
                epochs.add(new double[] {trained, accuracy});
                TimeToAccuracy.progress("sparkprop k=%d epoch %d: %.1f s training, train loss %.4f, %s accuracy %.4f",
                        settings.localSteps(), epoch + 1, trained, trainLoss, what, accuracy);
                return accuracy < target;
            });
            double wall = (System.nanoTime() - started) / 1e9;
            sc.clearJobGroup();
            if (!epochs.isEmpty()) {
                TimeToAccuracy.progress("sparkprop k=%d, %s race: %s", settings.localSteps(), what, jobParts(
                        times.timelines(sc, group, 0), times.mean(sc, group, 0), epochs.get(epochs.size() - 1)[0]));
            }
            List<Race.Check> checks = new ArrayList<>();
            for (int e = 0; e < epochs.size(); e++) {
                int epoch = e;
                long iterations = result.history().stream().filter(it -> it.epoch() <= epoch).count();
                checks.add(new Race.Check(e + 1, iterations, epochs.get(e)[0], epochs.get(e)[1]));
            }
            return new Race("sparkprop", setting(settings), "epoch", target, checks, wall, cpu.otherCores());
        } finally {
            sc.clearJobGroup();
            sc.sc().removeSparkListener(times);
        }
    }

    /**
     * Where the timed training's seconds went, per job, from Spark's listener: before the first
     * task started (scheduling, the task's serialization), the tasks (first start to last end;
     * their mean run beside it, so the gap is the slowest task's lead), after the last task
     * (fetching and reading the results), and the driver's own time between jobs (the step it
     * takes, the next broadcast).
     */
    static String jobParts(List<TaskTimes.Timeline> jobs, TaskTimes.Job tasks, double trainedSeconds) {
        if (jobs.isEmpty()) {
            return "no Spark job was timed";
        }
        double n = jobs.size();
        double before = jobs.stream().mapToLong(TaskTimes.Timeline::toLaunch).sum() / n;
        double span = jobs.stream().mapToLong(TaskTimes.Timeline::tasks).sum() / n;
        double after = jobs.stream().mapToLong(TaskTimes.Timeline::toEnd).sum() / n;
        double whole = jobs.stream().mapToLong(TaskTimes.Timeline::whole).sum() / n;
        double between = (trainedSeconds * 1e3 - whole * n) / n;
        return String.format(Locale.ROOT, "%d training jobs of %.1f ms: %.1f before the first task, %.1f of tasks (each"
                + " running %.1f on average), %.1f after the last; the driver's own %.1f ms per job between them",
                jobs.size(), whole, before, span, tasks.run() * 1e3, after, between);
    }

    private static double accuracy(JavaSparkContext sc, TrainingSettings settings, TrainingData checked,
                                   double[] params) {
        return Evaluation.of(sc, checked, settings.network(), params, settings.blockRows()).accuracy();
    }

    static String setting(TrainingSettings s) {
        String local = s.localSteps() == 1 ? "" : String.format(Locale.ROOT, ", %d local steps, outer %s",
                s.localSteps(), s.outerOptimizer().name());
        return String.format(Locale.ROOT, "%s %s, %s lr %s, batch %d, %s%s", s.network().layersSpec(),
                s.initializer().specName(), s.optimizer().kind().name(), s.learningRate(), s.batchRows(),
                s.numberType().specName(), local);
    }
}
