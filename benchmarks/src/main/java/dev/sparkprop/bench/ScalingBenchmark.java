package dev.sparkprop.bench;

import dev.sparkprop.bench.SparkCosts.Timing;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.driver.train.TrainingSettings;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.DoubleArrays;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.optim.Updater;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The terms of sparkprop's per-iteration cost, each measured alone on whatever master it runs
 * on, then a full training iteration to check their sum against: Spark's fixed cost of a job
 * over the E partitions (one per core), the float32 weight broadcast, the treeAggregate of the
 * P-double gradient sums, the driver's O(P) step, and the forward + backprop compute (the same
 * rows through the kernel without Spark). Networks span P = 10k to 10M at a fixed amount of
 * GEMM work per iteration, so compute stays about constant while communication grows with P.
 * Run by bin/scaling-benchmark (local[*] or a throwaway standalone cluster); docs/cost-model.md
 * is the model these figures fill in. Tables go to stdout, progress to stderr, and the
 * {@code result ...} lines are for scripts.
 */
public final class ScalingBenchmark {

    /** From about 11k to about 10M parameters; in → two ReLU layers → 10-class softmax. */
    static final List<String> DEFAULT_NETWORKS = List.of(
            "100,64:relu,64:relu,10:softmax",
            "200,256:relu,256:relu,10:softmax",
            "500,800:relu,800:relu,10:softmax",
            "1000,1400:relu,1400:relu,10:softmax",
            "1000,2500:relu,3000:relu,10:softmax");

    private static final String LOSS = "cross_entropy";
    private static final Precision PRECISION = Precision.FLOAT32;
    private static final int BLOCK_ROWS = 1024;
    private static final int KERNEL_ROUNDS = 5;
    /** Training iterations left out of the median: JIT, and the first task on each executor. */
    private static final int WARM_UP_ITERATIONS = 2;
    /** The per-task cost comes from empty jobs over E and this many times E partitions. */
    private static final int MANY_TASKS_FACTOR = 16;

    /** @param partitions 0 for Spark's default parallelism */
    record Options(List<String> networks, double gflopPerIteration, int iterations, int reps, long seed,
                   int partitions) {

        static final String USAGE = """
                usage: ScalingBenchmark [--network LAYERS]... [--gflop G] [--iterations N] [--reps N] [--seed N]
                                        [--partitions N]
                  --network LAYERS  a network to measure (repeatable); default five from 11k to 10M parameters:
                                    %s
                  --gflop G         GEMM work per training iteration: rows = G / (GEMM FLOPs per row), the same
                                    rows whatever the master (default 20)
                  --iterations N    full-batch training iterations per network; the first %d are warm-up
                                    (default 6)
                  --reps N          repetitions of each Spark-only job, after one warm-up (default 7)
                  --seed N          data, teacher and initial weights (default 1)
                  --partitions N    E, the partitions of every job: one per executor core (default: Spark's
                                    default parallelism, which is at least 2 even on one core)
                Runs on local[*] unless spark.master is set (spark-submit --master ...).""".formatted(
                String.join("\n                                    ", DEFAULT_NETWORKS), WARM_UP_ITERATIONS);

        static Options parse(String... args) {
            List<String> networks = new ArrayList<>();
            double gflop = 20;
            int iterations = 6;
            int reps = 7;
            long seed = 1;
            int partitions = 0;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--network" -> networks.add(value(args, ++i, arg));
                    case "--gflop" -> gflop = Double.parseDouble(value(args, ++i, arg));
                    case "--iterations" -> iterations = Integer.parseInt(value(args, ++i, arg));
                    case "--reps" -> reps = Integer.parseInt(value(args, ++i, arg));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
                    case "--partitions" -> partitions = Integer.parseInt(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            if (!(gflop > 0) || iterations <= WARM_UP_ITERATIONS || reps < 1 || partitions < 0) {
                throw new IllegalArgumentException("need --gflop > 0, --iterations > " + WARM_UP_ITERATIONS
                        + ", --reps >= 1 and --partitions >= 0");
            }
            networks.forEach(layers -> NetworkSpec.parse(layers, LOSS));
            return new Options(networks.isEmpty() ? DEFAULT_NETWORKS : List.copyOf(networks), gflop, iterations,
                    reps, seed, partitions);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }

    /**
     * Where the run happened: E partitions, one per core, over {@code executors} JVMs;
     * {@code moreTasks}: what an empty job over 16E partitions adds to one over E.
     */
    record Cluster(String master, int executors, int partitions, int depth, Timing emptyJob, Timing moreTasks,
                   List<Long> pids) {

        /** Extra seconds of one more task in a job. */
        double perTaskSeconds() {
            return moreTasks.median() / ((MANY_TASKS_FACTOR - 1) * partitions);
        }
    }

    /**
     * One network's terms (seconds per iteration) and its measured iterations. Broadcast and
     * aggregate are what their jobs add to the empty job.
     */
    record Measured(String layers, int params, long rows, double gflop, Timing broadcast, Timing aggregate,
                    Timing update, double kernelSerial, double kernelParallel, Timing iteration,
                    TaskTimes.Job trainTasks, TaskTimes.Job aggregateTasks, double driverGc, double otherCores) {

        /** The sum of the terms, with the kernel as Spark would run it: one thread per partition. */
        double model(Cluster c) {
            return c.emptyJob().median() + broadcast.median() + aggregate.median() + update.median() + kernelParallel;
        }

        double gflopsPerThread() {
            return gflop / kernelSerial;
        }

        /** What the iteration spent outside its tasks: scheduling, the driver's serialization and merging, the step. */
        double driverSide() {
            return iteration.median() - trainTasks.duration();
        }
    }

    private ScalingBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkMain.run("scaling-benchmark", Options.USAGE, args, Options::parse,
                (spark, options) -> run(JavaSparkContext.fromSparkContext(spark.sparkContext()), options, System.out));
    }

    static List<Measured> run(JavaSparkContext sc, Options options, PrintStream out) {
        long started = System.nanoTime();
        int partitions = options.partitions() > 0 ? options.partitions() : sc.defaultParallelism();
        List<Long> pids = benchmarkPids(sc, partitions);
        CpuMeter wholeRun = CpuMeter.start(pids);
        SparkCosts costs = new SparkCosts(sc, partitions, options.reps());
        TaskTimes times = TaskTimes.register(sc);
        progress("%s: %d executor JVMs, %d partitions; empty jobs", sc.master(), executors(sc), partitions);
        Cluster cluster = new Cluster(sc.master(), executors(sc), partitions, aggregationDepth(partitions),
                costs.emptyJob(), costs.moreTasks(MANY_TASKS_FACTOR), pids);
        List<Measured> measured = new ArrayList<>();
        try (LocalCompute serial = new LocalCompute(1); LocalCompute parallel = new LocalCompute(partitions)) {
            for (String layers : options.networks()) {
                measured.add(measure(sc, costs, times, cluster, serial, parallel, layers, options));
            }
        }
        print(out, options, cluster, measured, wholeRun.otherCores(), (System.nanoTime() - started) / 1e9);
        return measured;
    }

    private static Measured measure(JavaSparkContext sc, SparkCosts costs, TaskTimes times, Cluster cluster,
                                    LocalCompute serial, LocalCompute parallel, String layers, Options options) {
        CpuMeter cpu = CpuMeter.start(cluster.pids());
        NetworkSpec spec = NetworkSpec.parse(layers, LOSS);
        int params = spec.layout().size();
        progress("%s (%,d parameters): broadcast, aggregate, driver step", layers, params);
        Timing broadcast = costs.broadcast(params);
        Timing aggregate = inGroup(sc, "aggregate " + layers, () -> costs.aggregate(params, cluster.depth()));
        TrainingSettings settings = TrainingSettings.builder(layers, LOSS).optimizer("adam")
                .epochs(options.iterations()).blockRows(BLOCK_ROWS).precision(PRECISION.specName())
                .seed(options.seed()).build();
        Timing update = driverStep(settings, options.reps());

        double flopsPerRow = CompareWithMllib.gemmFlops(spec, 1);
        long rows = Math.max(cluster.partitions(), Math.round(options.gflopPerIteration() * 1e9 / flopsPerRow));
        SyntheticData generator = new SyntheticData(spec, rows, options.seed());
        progress("%s: training %d full-batch iterations on %,d rows", layers, options.iterations(), rows);
        double[] seconds;
        double gcBefore = driverGcSeconds();
        try (TrainingData data = TrainingData.fromBlocks(generator.rdd(sc, cluster.partitions(), BLOCK_ROWS,
                PRECISION), PRECISION)) {
            seconds = inGroup(sc, "train " + layers, () -> new DistributedTrainer(sc, settings).fit(data)).history()
                    .stream().skip(WARM_UP_ITERATIONS).mapToDouble(DistributedTrainer.Iteration::seconds).toArray();
        }
        double driverGc = (driverGcSeconds() - gcBefore) / options.iterations();
        TaskTimes.Job trainTasks = times.mean(sc, "train " + layers, WARM_UP_ITERATIONS);
        // The first aggregate job is SparkCosts' warm-up.
        TaskTimes.Job aggregateTasks = times.mean(sc, "aggregate " + layers, 1);
        progress("%s: the same rows through the kernel, no Spark, 1 and %d threads", layers, parallel.threads());
        List<List<Block>> blocks = generator.partitionsLocally(cluster.partitions(), BLOCK_ROWS, PRECISION);
        double[] initial = settings.initialParameters();
        double kernelSerial = serial.kernelPassSeconds(spec, initial, blocks, BLOCK_ROWS, PRECISION, KERNEL_ROUNDS);
        double kernelParallel = parallel.kernelPassSeconds(spec, initial, blocks, BLOCK_ROWS, PRECISION,
                KERNEL_ROUNDS);
        Measured m = new Measured(layers, params, rows, flopsPerRow * rows / 1e9, broadcast, aggregate, update,
                kernelSerial, kernelParallel, Timing.of(seconds), trainTasks, aggregateTasks, driverGc,
                cpu.otherCores());
        progress("%s: iteration %.3f s, model %.3f s, other processes %.2f cores", layers, m.iteration().median(),
                m.model(cluster), m.otherCores());
        return m;
    }

    /** Runs {@code work} with its Spark jobs in {@code group}, for {@link TaskTimes}. */
    private static <T> T inGroup(JavaSparkContext sc, String group, Supplier<T> work) {
        sc.setJobGroup(group, group, false);
        try {
            return work.get();
        } finally {
            sc.clearJobGroup();
        }
    }

    /**
     * The driver's O(P) work in an iteration besides Spark's: dividing the gradient sum by the
     * weight, the Adam step (Updater, as DistributedTrainer calls it), and the float32 copy of
     * the weights that the next broadcast ships, {@code reps} times after a warm-up.
     */
    static Timing driverStep(TrainingSettings settings, int reps) {
        Updater updater = settings.updater();
        double[] params = settings.initialParameters();
        double[] state = updater.newState();
        SplittableRandom random = new SplittableRandom(3);
        double[] gradient = random.doubles(params.length, -1, 1).toArray();
        // Not 1, so the division cannot be compiled away; its drift over a few steps does not matter.
        double inverseWeight = 1 / (1 + 1e-9);
        double[] seconds = new double[reps];
        float sink = 0;
        for (int i = -1; i < reps; i++) {
            long t0 = System.nanoTime();
            for (int j = 0; j < gradient.length; j++) {
                gradient[j] *= inverseWeight;
            }
            updater.update(params, gradient, state, i + 1);
            float[] weights = DoubleArrays.narrow(params);
            sink += weights[weights.length - 1];
            if (i >= 0) {
                seconds[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        if (Float.isNaN(sink)) {
            throw new IllegalStateException("the Adam step gave NaN weights");
        }
        return Timing.of(seconds);
    }

    /** DistributedTrainer's default depth for the partition count (every network here fits maxResultSize). */
    static int aggregationDepth(int partitions) {
        return DistributedTrainer.aggregationDepth(partitions, 0, 1, 0);
    }

    /** GC time of this (the driver's) JVM so far; in local mode the executor's too. */
    static double driverGcSeconds() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum() / 1e3;
    }

    /** Executor JVMs (in local mode the driver is the one executor). */
    private static int executors(JavaSparkContext sc) {
        int infos = sc.sc().statusTracker().getExecutorInfos().length;
        return infos > 1 ? infos - 1 : 1;
    }

    /**
     * The driver's pid and those of the executors, which all run on this machine: a job of many
     * small tasks reports the pid of each JVM it ran on, repeated until every executor answered.
     * Their CPU is the benchmark's; the rest of the machine's is other load.
     */
    private static List<Long> benchmarkPids(JavaSparkContext sc, int partitions) {
        TreeSet<Long> pids = new TreeSet<>();
        int executors = executors(sc);
        for (int attempt = 0; attempt < 5 && pids.size() < executors; attempt++) {
            int tasks = 8 * partitions;
            pids.addAll(sc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                    .map(i -> ProcessHandle.current().pid()).collect());
        }
        if (pids.size() < executors) {
            progress("found %d of %d executor pids; the other-CPU figures count the rest as other load", pids.size(),
                    executors);
        }
        pids.add(ProcessHandle.current().pid());
        return List.copyOf(pids);
    }

    /**
     * Seconds per parameter b of the least-squares line seconds = b * parameters through the
     * networks' figures. Through the origin, because the terms are already net of the empty
     * job; the largest networks, where the per-parameter cost stands out of the noise, weigh most.
     */
    static double slope(List<Measured> measured, ToDoubleFunction<Measured> seconds) {
        double sxy = 0;
        double sxx = 0;
        for (Measured m : measured) {
            sxy += m.params() * seconds.applyAsDouble(m);
            sxx += (double) m.params() * m.params();
        }
        return sxy / sxx;
    }

    private static void print(PrintStream out, Options options, Cluster c, List<Measured> measured,
                              double otherCores, double seconds) {
        String blas = Backprop.blasImplementation();
        out.println();
        out.printf(Locale.ROOT, "sparkprop per-iteration costs on %s: %d executor JVMs, %d partitions (one per core),"
                        + " treeAggregate depth %d, %s, block %d rows%n", c.master(), c.executors(), c.partitions(),
                c.depth(), PRECISION.specName(), BLOCK_ROWS);
        out.printf(Locale.ROOT, "BLAS %s (OPENBLAS_NUM_THREADS=%s); %d cores on this machine%n",
                blas.substring(blas.lastIndexOf('.') + 1), System.getenv("OPENBLAS_NUM_THREADS"),
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "empty job over %d partitions, after %d of them: %.1f ms (%.1f..%.1f); over %d, %.1f ms"
                        + " more: %.2f ms per extra task%n", c.partitions(), SparkCosts.WARM_UP_JOBS,
                1e3 * c.emptyJob().median(), 1e3 * c.emptyJob().min(),
                1e3 * c.emptyJob().max(), MANY_TASKS_FACTOR * c.partitions(), 1e3 * c.moreTasks().median(),
                1e3 * c.perTaskSeconds());
        out.printf(Locale.ROOT, "Spark-only jobs: median of %d differences to an empty job run just before, after a"
                + " warm-up; training: median of iterations %d..%d, full batch, adam, about %.0f GFLOP of GEMMs per"
                + " iteration%n", options.reps(),
                WARM_UP_ITERATIONS + 1, options.iterations(), options.gflopPerIteration());
        out.println();
        String head = "%-38s %11s %9s %8s %8s %8s %8s %8s %8s %8s %15s %6s %6s%n";
        String row = "%-38s %,11d %,9d %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %7.3f..%-6.3f %6.2f %6.2f%n";
        out.printf(Locale.ROOT, head, "network", "params", "rows", "bcast", "agg", "update", "kern 1t",
                "kern Et", "model", "iter", "iter range", "it/mdl", "other");
        for (Measured m : measured) {
            out.printf(Locale.ROOT, row, m.layers(), m.params(), m.rows(), m.broadcast().median(),
                    m.aggregate().median(), m.update().median(), m.kernelSerial(),
                    m.kernelParallel(), m.model(c), m.iteration().median(), m.iteration().min(), m.iteration().max(),
                    m.iteration().median() / m.model(c), m.otherCores());
        }
        out.println("(seconds per iteration. bcast: float32 weights broadcast and read by every task; agg:"
                + " treeAggregate"
                + " of one P-double GradientSum per partition; update: the driver's divide + Adam + float32 copy;"
                + " kern 1t / Et: the rows through the kernel without Spark on 1 thread / one thread per partition;"
                + " model = empty job + bcast + agg + update + kern Et; other: cores' worth of CPU that processes"
                + " other than this driver and its executors used meanwhile)");
        out.println();
        out.println("inside an iteration, from Spark's task metrics (seconds, mean per task; training: iterations after"
                + " the warm-up; aggregate: the Spark-only treeAggregate jobs)");
        String head2 = "%-38s %8s %8s %8s %8s %8s %8s %9s %8s %9s   %8s %8s %8s%n";
        String row2 = "%-38s %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f %9.1f %8.4f %9.4f   %8.4f %8.4f %8.4f%n";
        out.printf(Locale.ROOT, head2, "network", "iter", "task", "deser", "run", "res ser", "GC", "result MB",
                "driver", "driver GC", "agg task", "deser", "res ser");
        for (Measured m : measured) {
            TaskTimes.Job t = m.trainTasks();
            TaskTimes.Job a = m.aggregateTasks();
            out.printf(Locale.ROOT, row2, m.layers(), m.iteration().median(), t.duration(), t.deserialize(), t.run(),
                    t.serializeResult(), t.gc(), t.resultBytes() / 1e6, m.driverSide(), m.driverGc(), a.duration(),
                    a.deserialize(), a.serializeResult());
        }
        out.println("(task: launch to end as the driver saw it, result fetched and deserialized; deser: deserializing"
                + " the task and its closure;"
                + " run: its body, including the broadcast fetch; GC: executor JVM GC during the task;"
                + " driver = iter - task: scheduling, the driver's serialization, fetching and merging of results,"
                + " and its step; driver GC: the driver JVM's GC time per training iteration, warm-up included)");
        out.println();
        out.println("per-parameter costs, least-squares line through the origin and the networks"
                + " (seconds = b x params):");
        String[] names = {"broadcast", "aggregate", "update"};
        List<ToDoubleFunction<Measured>> terms = List.of(m -> m.broadcast().median(),
                m -> m.aggregate().median(), m -> m.update().median());
        double[] slopes = new double[names.length];
        for (int i = 0; i < names.length; i++) {
            slopes[i] = slope(measured, terms.get(i));
            out.printf(Locale.ROOT, "  %-9s b = %6.2f ns per parameter%n", names[i], 1e9 * slopes[i]);
        }
        out.printf(Locale.ROOT, "other CPU over the whole run: %.2f cores; run took %.0f s%n", otherCores, seconds);
        out.println();
        out.printf(Locale.ROOT, "result kind=cluster master=%s executors=%d partitions=%d depth=%d empty_job_s=%.6g"
                        + " empty_job_min_s=%.6g empty_job_max_s=%.6g more_tasks=%d more_tasks_added_s=%.6g"
                        + " per_task_s=%.6g other_cpu_cores=%.3f seconds=%.1f blas=%s%n", c.master(), c.executors(),
                c.partitions(), c.depth(), c.emptyJob().median(), c.emptyJob().min(), c.emptyJob().max(),
                MANY_TASKS_FACTOR * c.partitions(), c.moreTasks().median(), c.perTaskSeconds(), otherCores, seconds,
                blas.substring(blas.lastIndexOf('.') + 1));
        for (Measured m : measured) {
            TaskTimes.Job t = m.trainTasks();
            TaskTimes.Job a = m.aggregateTasks();
            out.printf(Locale.ROOT, "result kind=network master=%s partitions=%d layers=%s params=%d rows=%d gflop=%.4g"
                            + " %s %s %s kernel_1thread_s=%.6g kernel_parallel_s=%.6g kernel_gflops_per_thread=%.4g"
                            + " model_s=%.6g %s task_s=%.6g task_deserialize_s=%.6g task_run_s=%.6g"
                            + " task_result_serialize_s=%.6g task_gc_s=%.6g task_result_bytes=%.0f driver_side_s=%.6g"
                            + " driver_gc_s=%.6g aggregate_task_s=%.6g aggregate_task_deserialize_s=%.6g"
                            + " aggregate_task_result_serialize_s=%.6g other_cpu_cores=%.3f%n", c.master(),
                    c.partitions(), m.layers(), m.params(), m.rows(), m.gflop(), keys("broadcast", m.broadcast()),
                    keys("aggregate", m.aggregate()), keys("update", m.update()),
                    m.kernelSerial(), m.kernelParallel(), m.gflopsPerThread(), m.model(c),
                    keys("iteration", m.iteration()), t.duration(), t.deserialize(), t.run(), t.serializeResult(),
                    t.gc(), t.resultBytes(), m.driverSide(), m.driverGc(), a.duration(), a.deserialize(),
                    a.serializeResult(), m.otherCores());
        }
        for (int i = 0; i < names.length; i++) {
            out.printf(Locale.ROOT, "result kind=fit master=%s partitions=%d term=%s s_per_param=%.6g%n", c.master(),
                    c.partitions(), names[i], slopes[i]);
        }
        out.flush();
    }

    /** {@code NAME_s=median NAME_min_s=... NAME_max_s=...} */
    private static String keys(String name, Timing t) {
        return String.format(Locale.ROOT, "%1$s_s=%2$.6g %1$s_min_s=%3$.6g %1$s_max_s=%4$.6g", name, t.median(),
                t.min(), t.max());
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "scaling-benchmark: " + format + "%n", args);
    }
}
