package dev.sparkprop.bench;

import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.TrainerState;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.driver.train.TrainingSettings;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.DoubleArrays;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Where the time of one exact-mode optimizer step (training.local_steps = 1) goes, beside a bare
 * Spark job of the same size measured in the same run: a fresh broadcast of the P float32
 * weights and a depth-1 treeAggregate of one P-double array per partition
 * ({@link SparkCosts#broadcastAndAggregate}). Two sizes: a small tabular network (about 10k
 * parameters, 256-row batches) and a Fashion-MNIST-sized one (200k parameters, 1024-row
 * batches), both on synthetic rows cached in float32 over 2 partitions, trained with Adam;
 * {@code --small-only} measures the small one alone (bin/benchmark-steps' run on its cluster).
 *
 * <p>Empty jobs, bare jobs and training epochs alternate, round after round, so a change in the machine's
 * load falls on all. Each job's phases come from Spark's listener (wall-clock ms, so single
 * jobs are rounded but the means over hundreds are not biased): the driver before submitting
 * (broadcast, closure), submission to the first task's launch (stage and task set, task binary),
 * the tasks' span (per task: deserialize, run, serialize the result), the last task's end to the
 * job's end (result fetch, deserialization and whatever the job's result handler does: today's
 * treeAggregate merges there), and the job's end to the step's (the driver's step, broadcast
 * destroy, bookkeeping). Driver-side terms are also timed alone. Other processes share the
 * machine: compare the figures of one run, as ratios.
 */
public final class StepCosts {

    /** One measured size: rows per batch, partitions, optimizer steps (and bare jobs) per round. */
    record Size(String name, String layers, int batchRows, int partitions) {
        NetworkSpec spec() {
            return NetworkSpec.parse(layers, LOSS);
        }
    }

    static final Size SMALL = new Size("small", "9,128:relu,64:relu,7:softmax", 256, 2);
    static final Size FASHION = new Size("fashion", "784,256:relu,10:softmax", 1024, 2);

    private static final String LOSS = "cross_entropy";
    private static final Precision PRECISION = Precision.FLOAT32;
    private static final int BLOCK_ROWS = 1024;
    private static final int PEAK_GEMM_SIZE = 1024;

    record Options(boolean quick, boolean smallOnly) {
        static final String USAGE = """
                usage: StepCosts [--quick] [--small-only]
                  --quick        fewer rounds (about a minute instead of several)
                  --small-only   the small network alone (bin/benchmark-steps' run on its cluster)
                Runs on local[*] unless spark.master is set (spark-submit --master ...). The table goes to
                stdout, progress and Spark's log to stderr.""";

        static Options parse(String... args) {
            boolean quick = false;
            boolean smallOnly = false;
            for (String arg : args) {
                if (arg.equals("--quick")) {
                    quick = true;
                } else if (arg.equals("--small-only")) {
                    smallOnly = true;
                } else {
                    throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            return new Options(quick, smallOnly);
        }

        /**
         * Rounds after the warm-up one; each round is {@link #steps} bare jobs, then an epoch of as many
         * steps (two for the small size, then two epochs at k = {@value StepCosts#LOCAL_STEPS}).
         */
        int rounds(Size size) {
            return quick ? 3 : (size == SMALL ? 8 : 5);
        }

        /**
         * The small network's epochs are whole rounds at k = {@value StepCosts#LOCAL_STEPS}: with
         * 100 steps the epoch's seventh job would take 4 steps for a whole job's cost, and the
         * throughput would measure where the epoch ends as much as the rounds.
         */
        int steps(Size size) {
            return size == SMALL ? (quick ? 64 : 96) : (quick ? 20 : 30);
        }
    }

    /** Mean ms of each phase of some jobs, and the mean and best of their whole time. */
    record Phases(int jobs, double mean, double best, double beforeSubmit, double toLaunch, double tasks,
                  double toJobEnd, double afterJob, TaskTimes.Job perTask) {

        /** Per-step intervals [start, end] (wall ms) matched, in order, with their jobs' timelines. */
        static Phases of(List<double[]> intervals, List<TaskTimes.Timeline> jobs, TaskTimes.Job perTask) {
            if (intervals.size() != jobs.size()) {
                throw new IllegalStateException(intervals.size() + " steps but " + jobs.size() + " Spark jobs");
            }
            int n = jobs.size();
            double[] whole = new double[n];
            double[] sums = new double[5];
            for (int i = 0; i < n; i++) {
                double start = intervals.get(i)[0];
                double end = intervals.get(i)[1];
                TaskTimes.Timeline t = jobs.get(i);
                whole[i] = end - start;
                sums[0] += t.submitted() - start;
                sums[1] += t.toLaunch();
                sums[2] += t.tasks();
                sums[3] += t.toEnd();
                sums[4] += end - t.ended();
            }
            return new Phases(n, Arrays.stream(whole).average().orElseThrow(), Arrays.stream(whole).min().orElseThrow(),
                    sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, sums[4] / n, perTask);
        }
    }

    /** One size's figures: an empty job's, the bare job's and the step's phases, and the driver's terms timed alone (ms). */
    record Measured(Size size, int params, Phases empty, Phases bare, Phases step, Phases rounds, double exactMerge,
                    double orderedMerge, double update, double matrixAtPeak, Throughput throughput) {
    }

    /**
     * Training rows per second at k = 1 and at k = {@value #LOCAL_STEPS} local steps, the same
     * rows and rounds: of each fit's second epoch (its first epoch's end to its second's), so
     * that a fit's setup and the first jobs' warm-up are left out, as they are once per run;
     * null for a size where it was not measured.
     */
    record Throughput(double exactRowsPerSecond, double localRowsPerSecond) {
        double ratio() {
            return localRowsPerSecond / exactRowsPerSecond;
        }
    }

    /** The k of issue 14's throughput target: local steps' rows/s at least 10x exact mode's. */
    static final int LOCAL_STEPS = 16;

    private StepCosts() {
    }

    public static void main(String[] args) {
        BenchmarkMain.run("step-costs", Options.USAGE, args, Options::parse,
                (spark, options) -> run(JavaSparkContext.fromSparkContext(spark.sparkContext()), options, System.out));
    }

    static List<Measured> run(JavaSparkContext sc, Options options, PrintStream out) {
        TaskTimes times = TaskTimes.register(sc);
        double peak;
        try (LocalCompute local = new LocalCompute(FASHION.partitions())) {
            progress("%s peak: %d concurrent %d^3 products", LocalCompute.peakName(PRECISION), local.threads(),
                    PEAK_GEMM_SIZE);
            peak = local.peakGflops(PEAK_GEMM_SIZE, PRECISION);
        }
        List<Measured> measured = new ArrayList<>();
        for (Size size : options.smallOnly() ? List.of(SMALL) : List.of(SMALL, FASHION)) {
            measured.add(measure(sc, times, size, options, peak));
        }
        print(out, sc, options, measured, peak);
        return measured;
    }

    private static Measured measure(JavaSparkContext sc, TaskTimes times, Size size, Options options, double peak) {
        NetworkSpec spec = size.spec();
        int params = spec.layout().size();
        int steps = options.steps(size);
        long rows = (long) size.batchRows() * steps;
        SyntheticData generator = new SyntheticData(spec, rows, 1);
        TrainingSettings settings = TrainingSettings.builder(size.layers(), LOSS).optimizer("adam")
                .batchRows(size.batchRows()).epochs(size == SMALL ? 2 : 1).blockRows(BLOCK_ROWS).precision(PRECISION.specName()).seed(1)
                .build();
        SparkCosts spark = new SparkCosts(sc, size.partitions(), 1);
        float[] weights = SparkCosts.gaussianFloats(params);
        WallClock clock = new WallClock();
        List<double[]> emptyIntervals = new ArrayList<>();
        List<double[]> bareIntervals = new ArrayList<>();
        List<double[]> stepIntervals = new ArrayList<>();
        List<double[]> roundIntervals = new ArrayList<>();
        String emptyGroup = "empty " + size.name();
        String bareGroup = "bare " + size.name();
        String stepGroup = "step " + size.name();
        String roundGroup = "local steps " + size.name();
        boolean throughput = size == SMALL;
        TrainingSettings local = settings.toBuilder().localSteps(LOCAL_STEPS).build();
        double[] secondEpochs = new double[2];
        try (TrainingData data = TrainingData.fromBlocks(generator.rdd(sc, size.partitions(), BLOCK_ROWS, PRECISION),
                PRECISION)) {
            for (int round = 0; round <= options.rounds(size); round++) {
                boolean warmUp = round == 0;
                progress("%s (%,d parameters): round %d of %d, %d bare jobs and %d epochs of %d steps%s%s", size.name(),
                        params, round, options.rounds(size), steps, settings.epochs(), steps,
                        throughput ? ", at k = 1 and at k = " + LOCAL_STEPS : "", warmUp ? " (warm-up)" : "");
                timeJobs(sc, clock, (warmUp ? "warm-up " : "") + emptyGroup, steps, spark::emptyJobOnce,
                        warmUp ? new ArrayList<>() : emptyIntervals);
                timeJobs(sc, clock, (warmUp ? "warm-up " : "") + bareGroup, steps,
                        () -> spark.broadcastAndAggregate(weights), warmUp ? new ArrayList<>() : bareIntervals);
                double[] exactEnds = timeFit(sc, clock, (warmUp ? "warm-up " : "") + stepGroup, settings, data,
                        warmUp ? new ArrayList<>() : stepIntervals);
                if (throughput) {
                    double[] localEnds = timeFit(sc, clock, (warmUp ? "warm-up " : "") + roundGroup, local, data,
                            warmUp ? new ArrayList<>() : roundIntervals);
                    if (!warmUp) {
                        secondEpochs[0] += exactEnds[1] - exactEnds[0];
                        secondEpochs[1] += localEnds[1] - localEnds[0];
                    }
                }
            }
        }
        // the rows of all the second epochs measured, per ms
        double epochRows = 1e3 * rows * options.rounds(size);
        Throughput rowsPerSecond = throughput
                ? new Throughput(epochRows / secondEpochs[0], epochRows / secondEpochs[1]) : null;
        Phases empty = Phases.of(emptyIntervals, times.timelines(sc, emptyGroup, 0), times.mean(sc, emptyGroup, 0));
        Phases bare = Phases.of(bareIntervals, times.timelines(sc, bareGroup, 0), times.mean(sc, bareGroup, 0));
        Phases step = Phases.of(stepIntervals, times.timelines(sc, stepGroup, 0), times.mean(sc, stepGroup, 0));
        Phases rounds = throughput
                ? Phases.of(roundIntervals, times.timelines(sc, roundGroup, 0), times.mean(sc, roundGroup, 0)) : null;
        progress("%s: driver terms alone", size.name());
        List<GradientSum> parts = partitionSums(spec, generator, size, settings.initialParameters());
        double exact = medianMs(200, () -> {
            GradientSum total = GradientSum.empty();
            parts.forEach(total::merge);
            total.gradient();
        });
        double ordered = medianMs(200, () -> GradientSum.inPartitionOrder(parts).gradient());
        double update = 1e3 * ScalingBenchmark.driverStep(settings, 200).median();
        double matrix = 1e3 * CompareWithMllib.gemmFlops(spec, size.batchRows()) / (peak * 1e9);
        return new Measured(size, params, empty, bare, step, rounds, exact, ordered, update, matrix, rowsPerSecond);
    }

    /** One batch's partition sums, as the tasks of a step return them (real gradients: ExactSum skips zeros). */
    private static List<GradientSum> partitionSums(NetworkSpec spec, SyntheticData generator, Size size,
                                                   double[] params) {
        Backprop backprop = new Backprop(spec, BLOCK_ROWS, PRECISION, true);
        float[] w = DoubleArrays.narrow(params);
        List<GradientSum> sums = new ArrayList<>();
        for (List<Block> part : generator.partitionsLocally(size.partitions(), BLOCK_ROWS, PRECISION)) {
            GradientSum sum = new GradientSum(params.length);
            Block block = part.get(0);
            sum.add(backprop, w, block.slice(0, Math.min(block.rows(), size.batchRows() / size.partitions())), null);
            sums.add(sum);
        }
        return sums;
    }

    private static void print(PrintStream out, JavaSparkContext sc, Options options, List<Measured> measured,
                              double peak) {
        out.println();
        out.printf(Locale.ROOT, "sparkprop exact-mode step (training.local_steps = 1) beside a bare Spark job of the"
                + " same size, on %s, %s, Adam, synthetic rows%s%n", sc.master(), PRECISION.specName(),
                options.quick() ? " (--quick)" : "");
        out.printf(Locale.ROOT, "empty job: one number back from each partition; bare job: broadcast of P float32"
                + " weights read by every task + depth-1 treeAggregate of one P-double array per partition; %s"
                + " peak %.1f GFLOPS on %d threads%n", LocalCompute.peakName(PRECISION), peak, FASHION.partitions());
        out.println();
        out.printf(Locale.ROOT, "%-8s %-6s %5s %7s %7s | %7s %7s %7s %7s %7s | %6s %6s %6s %6s %9s%n", "size", "job",
                "jobs", "mean", "best", "submit", "launch", "tasks", "results", "after", "t.deser", "t.run", "t.ser",
                "t.gc", "result_kB");
        for (Measured m : measured) {
            row(out, m.size().name(), "empty", m.empty());
            row(out, m.size().name(), "bare", m.bare());
            row(out, m.size().name(), "step", m.step());
            if (m.rounds() != null) {
                row(out, m.size().name(), "k=" + LOCAL_STEPS, m.rounds());
            }
        }
        out.println("(ms; submit: driver before the job is submitted; launch: to the first task's launch; tasks: first"
                + " launch to last finish; results: last finish to the job's end on the driver; after: job end to"
                + " the step's end. t.*: per task, deserialize / run / serialize result / GC)");
        out.println();
        out.printf(Locale.ROOT, "%-8s %9s %12s %12s %12s %12s%n", "size", "params", "exact_merge", "ordered_sum",
                "adam_update", "gemm@peak");
        for (Measured m : measured) {
            out.printf(Locale.ROOT, "%-8s %,9d %12.3f %12.3f %12.3f %12.3f%n", m.size().name(), m.params(),
                    m.exactMerge(), m.orderedMerge(), m.update(), m.matrixAtPeak());
        }
        out.println("(ms, timed alone on the driver: merging the partitions' sums as ExactSums, or adding them in"
                + " partition order in doubles; the Adam update with the float32 copy for the next broadcast;"
                + " a batch's matrix products at that peak)");
        out.println();
        Measured small = measured.get(0);
        out.printf(Locale.ROOT, "small step: mean %.2f ms (target <= 10), %.2f x the bare job's mean %.2f ms"
                        + " (target <= 1.25); best %.2f ms, %.2f x the bare job's best %.2f ms%n", small.step().mean(),
                small.step().mean() / small.bare().mean(), small.bare().mean(), small.step().best(),
                small.step().best() / small.bare().best(), small.bare().best());
        Throughput t = small.throughput();
        out.printf(Locale.ROOT, "small epochs: %,.0f training rows/s at k = %d local steps, %,.0f at k = 1: %.1f x"
                + " (target >= 10)%n", t.localRowsPerSecond(), LOCAL_STEPS, t.exactRowsPerSecond(), t.ratio());
        out.printf(Locale.ROOT, "result size=small local_steps=%d exact_rows_per_s=%.1f local_rows_per_s=%.1f"
                + " ratio=%.3f%n", LOCAL_STEPS, t.exactRowsPerSecond(), t.localRowsPerSecond(), t.ratio());
        if (measured.size() < 2) {
            return;
        }
        Measured fashion = measured.get(1);
        double floor = fashion.matrixAtPeak() + fashion.bare().mean();
        out.printf(Locale.ROOT, "fashion step: mean %.2f ms, %.2f x (gemm at peak %.2f + bare job %.2f = %.2f ms)"
                        + " (target <= 1.5); best %.2f ms%n", fashion.step().mean(), fashion.step().mean() / floor,
                fashion.matrixAtPeak(), fashion.bare().mean(), floor, fashion.step().best());
    }

    private static void row(PrintStream out, String size, String job, Phases p) {
        out.printf(Locale.ROOT, "%-8s %-6s %5d %7.2f %7.2f | %7.2f %7.2f %7.2f %7.2f %7.2f | %6.2f %6.2f %6.2f %6.2f"
                        + " %9.1f%n", size, job, p.jobs(), p.mean(), p.best(), p.beforeSubmit(), p.toLaunch(),
                p.tasks(), p.toJobEnd(), p.afterJob(), 1e3 * p.perTask().deserialize(), 1e3 * p.perTask().run(),
                1e3 * p.perTask().serializeResult(), 1e3 * p.perTask().gc(), p.perTask().resultBytes() / 1e3);
    }

    /**
     * Trains on {@code data} in {@code group}, adding each job's [start, end] (wall ms) to
     * {@code intervals}; returns each epoch's end (wall ms).
     */
    private static double[] timeFit(JavaSparkContext sc, WallClock clock, String group, TrainingSettings settings,
                                    TrainingData data, List<double[]> intervals) {
        double[] ends = new double[settings.epochs()];
        inGroup(sc, group, () -> new DistributedTrainer(sc, settings).fit(data,
                TrainerState.start(settings.initialParameters(), settings.initialOptimizerState()),
                (iteration, perEpoch) -> {
                    double end = clock.nowMs();
                    intervals.add(new double[] {end - 1e3 * iteration.seconds(), end});
                }, (epoch, p, loss, accuracy) -> {
                    ends[epoch] = clock.nowMs();
                    return true;
                }, (state, epochEnded) -> { }));
        return ends;
    }

    /** Runs {@code job} {@code n} times in {@code group}, adding each run's [start, end] (wall ms) to {@code intervals}. */
    private static void timeJobs(JavaSparkContext sc, WallClock clock, String group, int n, Runnable job,
                                 List<double[]> intervals) {
        inGroup(sc, group, () -> {
            for (int i = 0; i < n; i++) {
                double start = clock.nowMs();
                job.run();
                intervals.add(new double[] {start, clock.nowMs()});
            }
        });
    }

    /** Median ms of {@code reps} runs after as many warm-up runs. */
    private static double medianMs(int reps, Runnable work) {
        double[] ms = new double[reps];
        for (int i = -reps; i < reps; i++) {
            long t0 = System.nanoTime();
            work.run();
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return LocalCompute.median(ms);
    }

    private static void inGroup(JavaSparkContext sc, String group, Runnable work) {
        sc.setJobGroup(group, group, false);
        try {
            work.run();
        } finally {
            sc.clearJobGroup();
        }
    }

    /** Wall-clock ms on Spark's clock (System.currentTimeMillis), at nanoTime's resolution. */
    private static final class WallClock {
        private final long baseMs = System.currentTimeMillis();
        private final long baseNs = System.nanoTime();

        double nowMs() {
            return baseMs + (System.nanoTime() - baseNs) / 1e6;
        }
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "step-costs: " + format + "%n", args);
    }
}
