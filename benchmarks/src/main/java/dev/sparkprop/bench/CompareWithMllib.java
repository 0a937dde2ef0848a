package dev.sparkprop.bench;

import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.driver.train.TrainingSettings;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.Task;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * sparkprop against MLlib's MultilayerPerceptronClassifier in one run, on the same cached
 * synthetic rows, plus how close sparkprop's compute gets to the machine's GEMM peak and what
 * Spark costs on top of the bare kernel. Run it with bin/benchmark; {@code --help} lists the
 * options. Tables go to stdout, progress to stderr; the last lines ({@code result job=...}) are
 * for scripts.
 */
public final class CompareWithMllib {

    /**
     * The jobs. Hidden layers of a and b are sigmoid with a softmax output, because that is the
     * network MLlib's MLP trains: both sides do the same work. c is a regression, which MLlib's
     * MLP cannot do, so only sparkprop runs it, with the usual ReLU.
     */
    enum Job {
        A(200_000, "100,128:sigmoid,64:sigmoid,10:softmax", "cross_entropy"),
        B(60_000, "784,512:sigmoid,512:sigmoid,10:softmax", "cross_entropy"),
        C(2_000_000, "100,256:relu,256:relu,1:identity", "mse");

        final long rows;
        final String layers;
        final String loss;

        Job(long rows, String layers, String loss) {
            this.rows = rows;
            this.layers = layers;
            this.loss = loss;
        }

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @param partitions 0 for one per Spark core */
    record Options(List<Job> jobs, double scale, int partitions, int iterations, String solver, long seed,
                   int blockRows, Precision precision) {

        static final String USAGE = """
                usage: bin/benchmark [a] [b] [c] [--scale F] [--partitions N] [--iterations N]
                                     [--solver gd|l-bfgs] [--seed N] [--block-rows N] [--precision P]
                  a  200,000 x 100, 100,128,64,10 classification (sparkprop and MLlib)
                  b  60,000 x 784, 784,512,512,10 classification (sparkprop and MLlib)
                  c  2,000,000 x 100, 100,256,256,1 regression (sparkprop only: MLlib has no MLP regressor)
                  --scale F        multiply every job's rows by F, e.g. 0.05 for a quick run (default 1)
                  --partitions N   partitions of the data (default: one per Spark core)
                  --iterations N   sparkprop iterations and MLlib maxIter (default 10; MLlib also runs 2N)
                  --solver S       MLlib's solver, gd or l-bfgs (default gd: one pass per iteration, like sparkprop)
                  --seed N         data, teacher and initial weights (default 1)
                  --block-rows N   sparkprop's GEMM block height (default 1024)
                  --precision P    sparkprop's float32 (default, as in training) or float64 (what MLlib
                                   computes in); the peak is then float32's (the faster
                                   of sgemm and the engine's vector tiles) or dgemm's
                Runs on local[*] unless spark.master is set.""";

        static Options parse(String... args) {
            List<Job> jobs = new ArrayList<>();
            double scale = 1;
            int partitions = 0;
            int iterations = 10;
            String solver = "gd";
            long seed = 1;
            int blockRows = 1024;
            Precision precision = Precision.FLOAT32;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "a", "b", "c" -> jobs.add(Job.valueOf(arg.toUpperCase(Locale.ROOT)));
                    case "all" -> jobs.addAll(List.of(Job.values()));
                    case "--scale" -> scale = Double.parseDouble(value(args, ++i, arg));
                    case "--partitions" -> partitions = Integer.parseInt(value(args, ++i, arg));
                    case "--iterations" -> iterations = Integer.parseInt(value(args, ++i, arg));
                    case "--solver" -> solver = value(args, ++i, arg);
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
                    case "--block-rows" -> blockRows = Integer.parseInt(value(args, ++i, arg));
                    case "--precision" -> precision = Precision.parse(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            if (!(scale > 0) || partitions < 0 || iterations < 1 || blockRows < 1
                    || !(solver.equals("gd") || solver.equals("l-bfgs"))) {
                throw new IllegalArgumentException("need --scale > 0, --partitions >= 0, --iterations >= 1,"
                        + " --block-rows >= 1 and --solver gd or l-bfgs");
            }
            return new Options(jobs.isEmpty() ? List.of(Job.values()) : List.copyOf(jobs), scale, partitions,
                    iterations, solver, seed, blockRows, precision);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }

    /**
     * One job's measurements, NaN in the MLlib fields when MLlib did not run. MLlib's time per
     * iteration three ways: the median iteration (the statistic sparkprop's time is, and what the
     * ratio uses), (fit(2N) - fit(N)) / N, and fit(N) / N with the setup left in.
     * {@code otherCores}: CPU other processes took during the job, in cores. {@code kernelSeconds}:
     * the best kernel pass, set against the best-of peak; {@code kernelMedianSeconds}: the median
     * pass, set against the median iteration.
     */
    record Result(String job, long rows, String widths, int partitions, double sparkpropSeconds,
                  double mllibSeconds, double mllibDeltaSeconds, double mllibFitSeconds,
                  double mllibPassesPerIteration, double gemmFlops, double nominalFlops, double kernelSeconds,
                  double kernelMedianSeconds, double otherCores, long cacheBytes, long rawFeatureBytes,
                  double peakGflops) {

        Result withPeak(double gflops) {
            return new Result(job, rows, widths, partitions, sparkpropSeconds, mllibSeconds, mllibDeltaSeconds,
                    mllibFitSeconds, mllibPassesPerIteration, gemmFlops, nominalFlops, kernelSeconds,
                    kernelMedianSeconds, otherCores, cacheBytes, rawFeatureBytes, gflops);
        }

        double sparkpropRowsPerSecond() {
            return rows / sparkpropSeconds;
        }

        double mllibRowsPerSecond() {
            return rows / mllibSeconds;
        }

        /** MLlib's median time per iteration over sparkprop's: how many times faster sparkprop is. */
        double speedup() {
            return mllibSeconds / sparkpropSeconds;
        }

        /**
         * The speed-up sparkprop would have if its iteration ran the GEMM work at the measured
         * peak and nothing else: the most this BLAS and these cores allow against this MLlib time.
         */
        double speedupAtPeak() {
            return mllibSeconds / (gemmFlops / (peakGflops * 1e9));
        }

        /** What the cached training blocks take over the raw float32 features (rows x inputs x 4 bytes). */
        double cacheRatio() {
            return cacheBytes / (double) rawFeatureBytes;
        }

        double kernelGflops() {
            return gemmFlops / kernelSeconds / 1e9;
        }

        double iterationGflops() {
            return gemmFlops / sparkpropSeconds / 1e9;
        }

        /**
         * Share of a Spark iteration not spent in the kernel: scheduling, broadcast, aggregation,
         * update. Medians both: the iteration's time is one.
         */
        double sparkOverhead() {
            return 1 - kernelMedianSeconds / sparkpropSeconds;
        }

        String machineLine(Precision precision, String blas) {
            return String.format(Locale.ROOT, "result job=%s rows=%d layers=%s partitions=%d precision=%s"
                            + " sparkprop_s_per_iter=%.6g sparkprop_rows_per_s=%.6g mllib_s_per_iter=%.6g"
                            + " mllib_rows_per_s=%.6g mllib_delta_fit_s_per_iter=%.6g mllib_fit_s_per_iter=%.6g"
                            + " mllib_passes_per_iter=%.4g speedup=%.4g speedup_at_peak=%.4g gflop_per_iter=%.6g"
                            + " gflop_per_iter_nominal=%.6g cache_bytes=%d raw_float32_feature_bytes=%d cache_ratio=%.4g"
                            + " kernel_s_per_pass=%.6g peak_gflops=%.6g peak_fraction_kernel=%.4g"
                            + " peak_fraction_iteration=%.4g spark_overhead=%.4g other_cpu_cores=%.3f blas=%s",
                    job, rows, widths, partitions, precision.specName(), sparkpropSeconds, sparkpropRowsPerSecond(),
                    mllibSeconds,
                    mllibRowsPerSecond(), mllibDeltaSeconds, mllibFitSeconds, mllibPassesPerIteration, speedup(),
                    speedupAtPeak(), gemmFlops / 1e9, nominalFlops / 1e9, cacheBytes, rawFeatureBytes, cacheRatio(),
                    kernelSeconds, peakGflops, kernelGflops() / peakGflops,
                    iterationGflops() / peakGflops, sparkOverhead(), otherCores, blas);
        }
    }

    private static final int PEAK_GEMM_SIZE = 1024;
    private static final int WARM_UP_ITERATIONS = 2;
    private static final int WARM_UP_JOBS = 300;
    private static final int WARM_UP_BLOCKS = 4;
    /**
     * In the benchmark's JVM, after Spark's and MLlib's runs, the first passes ran up to 1.5× the
     * later ones (0.161 s against 0.110 for job a on the Intel host): two are left out.
     */
    private static final int KERNEL_WARM_UPS = 2;
    private static final int KERNEL_ROUNDS = 8;

    private CompareWithMllib() {
    }

    public static void main(String[] args) {
        BenchmarkMain.run("benchmark", Options.USAGE, args, Options::parse,
                (spark, options) -> run(spark, options, System.out));
    }

    /** Runs the chosen jobs, prints the tables to {@code out} and returns the results. */
    static List<Result> run(SparkSession spark, Options options, PrintStream out) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int cores = sc.defaultParallelism();
        int partitions = options.partitions() > 0 ? options.partitions() : cores;
        JobLog jobLog = JobLog.register(sc);
        List<Result> measured = new ArrayList<>();
        double peak = 0;
        double sgemmPeak;
        try (LocalCompute local = new LocalCompute(cores)) {
            // Measured before and after every job, keeping the best: other work only lowers it.
            peak = peak(local, options.precision(), peak);
            for (Job job : options.jobs()) {
                measured.add(runJob(spark, sc, jobLog, local, job, options, partitions));
                peak = peak(local, options.precision(), peak);
            }
            sgemmPeak = local.bestSgemmPeak();
        }
        double best = peak;
        List<Result> results = measured.stream().map(r -> r.withPeak(best)).toList();
        printTables(out, options, results, sc.master(), cores, peak, sgemmPeak);
        return results;
    }

    private static double peak(LocalCompute local, Precision precision, double best) {
        double gflops = local.peakGflops(PEAK_GEMM_SIZE, precision);
        progress("%s peak: %d concurrent %d^3 products, %.1f GFLOPS", gemm(precision), local.threads(),
                PEAK_GEMM_SIZE, gflops);
        return Math.max(best, gflops);
    }

    private static String gemm(Precision precision) {
        return LocalCompute.peakName(precision);
    }

    /** One job's measurements, with the GEMM peak still to fill in. */
    private static Result runJob(SparkSession spark, JavaSparkContext sc, JobLog jobLog, LocalCompute local,
                                 Job job, Options options, int partitions) {
        CpuMeter cpu = CpuMeter.start();
        NetworkSpec spec = NetworkSpec.parse(job.layers, job.loss);
        long rows = Math.max(partitions, Math.round(job.rows * options.scale()));
        SyntheticData generator = new SyntheticData(spec, rows, options.seed());
        TrainingSettings settings = TrainingSettings.builder(job.layers, job.loss).optimizer("adam")
                .epochs(options.iterations()).blockRows(options.blockRows()).precision(options.precision().specName())
                .seed(options.seed()).build();
        progress("job %s: generating %d rows x %d features in %d partitions", job.id(), rows, spec.inputWidth(),
                partitions);
        double sparkpropSeconds;
        long cacheBytes;
        double[] mllib = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        try (TrainingData data = TrainingData.fromBlocks(generator.rdd(sc, partitions, options.blockRows(),
                options.precision()), options.precision())) {
            // MLlib's input is made from sparkprop's cached blocks: the very same rows (in float32, the
            // same rounded values).
            Dataset<Row> frame = spec.task().kind() == Task.Kind.MULTICLASS ? mllibFrame(spark, data.blocks()) : null;
            cacheBytes = data.cachedBytes();
            warmUp(sc, settings, spec, job, partitions, options);
            sparkpropSeconds = sparkprop(sc, settings, data, job);
            if (frame != null) {
                mllib = mllib(sc, jobLog, frame, spec, options, job);
                frame.unpersist(true);
            }
        }
        // Regenerated here rather than collected: the same rows, without a copy through Spark.
        progress("job %s: the same rows through Backprop + GradientSum on %d threads, no Spark", job.id(),
                local.threads());
        double[] passes = local.kernelPasses(spec, settings.initialParameters(),
                generator.partitionsLocally(partitions, options.blockRows(), options.precision()), options.blockRows(),
                options.precision(), KERNEL_WARM_UPS, KERNEL_ROUNDS);
        // The best pass, as the peak is the best of its rounds: a pass that other work on the
        // machine (or the JIT) slowed says nothing about the kernel, and the two sides of the
        // ratio are then measured alike. The median goes against the median iteration (overhead).
        double kernelSeconds = Arrays.stream(passes).min().orElseThrow();
        double otherCores = cpu.otherCores();
        progress("job %s: kernel %.3f s per pass at best, median %.3f, of %d passes; other processes used %.2f"
                + " cores meanwhile", job.id(), kernelSeconds, LocalCompute.median(passes), passes.length, otherCores);
        return new Result(job.id(), rows, widths(spec), partitions, sparkpropSeconds, mllib[0], mllib[1], mllib[2],
                mllib[3], gemmFlops(spec, rows), nominalFlops(spec, rows), kernelSeconds, LocalCompute.median(passes),
                otherCores, cacheBytes, rows * spec.inputWidth() * 4L, Double.NaN);
    }

    /**
     * Untimed: {@value #WARM_UP_JOBS} iterations on a few blocks per partition, so that the JIT has
     * compiled Spark's scheduling path and the kernel before sparkprop is timed, as MLlib's timed
     * passes come after its earlier fits. Without it the first few dozen iterations of a fresh JVM
     * run 20-60% slower, their tasks waiting for the CPU the compiler threads take. After 50 such
     * iterations job a's compiler threads still took 140-290 ms of CPU per timed iteration (on 2
     * cores, a fifth of the tasks' CPU); after 300, 24-34 ms.
     */
    private static void warmUp(JavaSparkContext sc, TrainingSettings settings, NetworkSpec spec, Job job,
                               int partitions, Options options) {
        long rows = (long) partitions * WARM_UP_BLOCKS * options.blockRows();
        SyntheticData small = new SyntheticData(spec, rows, options.seed() + 1);
        progress("job %s: warm-up, %d iterations on %d rows", job.id(), WARM_UP_JOBS, rows);
        try (TrainingData warm = TrainingData.fromBlocks(small.rdd(sc, partitions, options.blockRows(),
                options.precision()), options.precision())) {
            new DistributedTrainer(sc, settings.toBuilder().epochs(WARM_UP_JOBS).build()).fit(warm);
        }
    }

    /** Median seconds per sparkprop iteration, skipping the warm-up iterations when there are more. */
    private static double sparkprop(JavaSparkContext sc, TrainingSettings settings, TrainingData data, Job job) {
        progress("job %s: sparkprop, adam, full batch, %s, %d iterations", job.id(), settings.numberType().specName(),
                settings.epochs());
        // The JIT's and the GC's time in the timed run: on 2 cores their threads take CPU from the
        // tasks, so a run with much of either shows more "Spark overhead" than Spark costs.
        double jit0 = jitSeconds();
        double gc0 = ScalingBenchmark.driverGcSeconds();
        long t0 = System.nanoTime();
        DistributedTrainer.Result result = new DistributedTrainer(sc, settings).fit(data);
        double wall = (System.nanoTime() - t0) / 1e9;
        List<DistributedTrainer.Iteration> history = result.history();
        int skip = history.size() > WARM_UP_ITERATIONS ? WARM_UP_ITERATIONS : 0;
        double[] seconds = history.subList(skip, history.size()).stream()
                .mapToDouble(DistributedTrainer.Iteration::seconds).toArray();
        progress("job %s: sparkprop loss %.4g -> %.4g, median %.3f s per iteration; in the %.1f s run the JIT"
                        + " compiled for %.2f s and GC took %.2f s", job.id(), history.get(0).loss(), result.finalLoss(),
                LocalCompute.median(seconds), wall, jitSeconds() - jit0, ScalingBenchmark.driverGcSeconds() - gc0);
        return LocalCompute.median(seconds);
    }

    /** Time this JVM's JIT compiler threads have spent compiling so far (NaN where not measured). */
    private static double jitSeconds() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() / 1e3
                : Double.NaN;
    }

    /** features (ml Vector) and label (class index) of every row of the blocks, cached: MLlib's input. */
    static Dataset<Row> mllibFrame(SparkSession spark, JavaRDD<Block> blocks) {
        JavaRDD<Row> rows = blocks.flatMap(block -> {
            List<Row> out = new ArrayList<>(block.rows());
            for (int r = 0; r < block.rows(); r++) {
                out.add(RowFactory.create(Vectors.dense(SyntheticData.features(block, r)),
                        (double) block.targetClass(r)));
            }
            return out.iterator();
        });
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        Dataset<Row> frame = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_AND_DISK());
        frame.count();
        return frame;
    }

    /**
     * MLlib's seconds per iteration, and its passes over the data per iteration. A fit also
     * stacks and caches its input and runs setup jobs, so fit(N) / N overstates the iteration.
     * Fitting N and 2N iterations and taking the difference over N removes the setup, but its
     * jitter (a second or so here) stays, divided by N only. So the figure used is the median
     * gap between the starts of the passes that fit(2N) ran beyond fit(N), times the passes per
     * iteration: the same statistic as sparkprop's median iteration. A short fit first warms up
     * the JIT for MLlib's code.
     *
     * @return {median, (fit(2N) - fit(N)) / N, fit(N) / N, passes per iteration}
     */
    private static double[] mllib(JavaSparkContext sc, JobLog jobLog, Dataset<Row> frame, NetworkSpec spec,
                                  Options options, Job job) {
        int n = options.iterations();
        int[] layers = new int[spec.depth() + 1];
        for (int l = 0; l <= spec.depth(); l++) {
            layers[l] = spec.width(l);
        }
        // tol 0: run every iteration asked for instead of stopping at a convergence test.
        MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier().setLayers(layers)
                .setSolver(options.solver()).setTol(0.0).setSeed(options.seed());
        fit(sc, mlp, frame, 2, job);
        double once = fit(sc, mlp, frame, n, job);
        double twice = fit(sc, mlp, frame, 2 * n, job);
        List<Long> starts = jobLog.starts(sc, group(job, 2 * n));
        int passes = starts.size() - jobLog.starts(sc, group(job, n)).size();
        double[] gaps = new double[passes];
        for (int k = 0; k < passes; k++) {
            int j = starts.size() - passes + k;
            gaps[k] = (starts.get(j) - starts.get(j - 1)) / 1e3;
        }
        double perPass = passes > 0 ? LocalCompute.median(gaps) : Double.NaN;
        double perIteration = perPass * passes / n;
        progress("job %s: MLlib %s: %.2f passes and median %.3f s per iteration; fit(%d) %.2f s, fit(%d) %.2f s,"
                + " difference %.3f s per iteration", job.id(), options.solver(), passes / (double) n, perIteration,
                n, once, 2 * n, twice, (twice - once) / n);
        return new double[] {perIteration, (twice - once) / n, once / n, passes / (double) n};
    }

    private static double fit(JavaSparkContext sc, MultilayerPerceptronClassifier mlp, Dataset<Row> frame,
                              int maxIter, Job job) {
        sc.setJobGroup(group(job, maxIter), "MLlib MLP maxIter=" + maxIter, false);
        try {
            long t0 = System.nanoTime();
            MultilayerPerceptronClassificationModel model = mlp.copy(mlp.extractParamMap())
                    .setMaxIter(maxIter).fit(frame);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[] objective = model.summary().objectiveHistory();
            progress("job %s: MLlib maxIter=%d: %.2f s, %d objective values, loss %.4g -> %.4g", job.id(), maxIter,
                    seconds, objective.length, objective[0], objective[objective.length - 1]);
            return seconds;
        } finally {
            sc.clearJobGroup();
        }
    }

    private static String group(Job job, int maxIter) {
        return "mllib-" + job.id() + "-" + maxIter;
    }

    /**
     * GEMM FLOPs of one full-batch pass as Backprop performs them: per layer 2 (forward) + 2
     * (weight gradient) x rows x fanIn x fanOut, plus 2 for W^T delta on every layer but the
     * first, whose input needs no gradient.
     */
    static double gemmFlops(NetworkSpec spec, long rows) {
        double flops = 0;
        for (int l = 1; l <= spec.depth(); l++) {
            flops += (l == 1 ? 4.0 : 6.0) * rows * spec.width(l - 1) * spec.width(l);
        }
        return flops;
    }

    /** The textbook count, 6 x rows x Σ fanIn x fanOut, which includes the first layer's W^T delta. */
    static double nominalFlops(NetworkSpec spec, long rows) {
        double flops = 0;
        for (int l = 1; l <= spec.depth(); l++) {
            flops += 6.0 * rows * spec.width(l - 1) * spec.width(l);
        }
        return flops;
    }

    private static String widths(NetworkSpec spec) {
        StringBuilder sb = new StringBuilder().append(spec.width(0));
        for (int l = 1; l <= spec.depth(); l++) {
            sb.append(',').append(spec.width(l));
        }
        return sb.toString();
    }

    private static void printTables(PrintStream out, Options options, List<Result> results, String master,
                                    int cores, double peak, double sgemmPeak) {
        String blas = Backprop.blasImplementation();
        String coreType = System.getenv("OPENBLAS_CORETYPE");
        int n = options.iterations();
        out.println();
        out.printf(Locale.ROOT, "sparkprop (%s) vs MLlib MultilayerPerceptronClassifier (float64): full-batch training,"
                + " same cached rows%n", options.precision().specName());
        out.printf(Locale.ROOT, "Spark %s, %d cores; BLAS %s (OPENBLAS_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s)%n",
                master, cores, blas, System.getenv("OPENBLAS_NUM_THREADS"), coreType == null ? "unset" : coreType);
        out.printf(Locale.ROOT, "%s peak: %d concurrent %d^3 products, one per core, best of the runs before and"
                + " after each job: %.1f GFLOPS (%.1f per core)%s%n", gemm(options.precision()), cores, PEAK_GEMM_SIZE,
                peak, peak / cores, sgemmPeak > 0 ? fmt("; sgemm alone %.1f GFLOPS", sgemmPeak) : "");
        out.printf(Locale.ROOT, "sparkprop: %s, adam, %d iterations, block %d rows; s/it = median of iterations %s%n",
                options.precision().specName(), n, options.blockRows(),
                n > WARM_UP_ITERATIONS ? (WARM_UP_ITERATIONS + 1) + ".." + n : "1.." + n);
        out.printf(Locale.ROOT, "MLlib: solver %s, blockSize 128, tol 0; s/it = median gap between the starts of"
                + " the passes fit(maxIter=%d) ran beyond fit(maxIter=%d), x passes/it%n", options.solver(), 2 * n, n);
        out.printf(Locale.ROOT, "       cross-checks: Δfit = (time of fit(%d) - time of fit(%d)) / %d (setup removed,"
                + " its jitter not); fit/N = time of fit(%d) / %d (setup included)%n", 2 * n, n, n, n, n);
        out.println("rows/s = rows per epoch (one full-batch iteration) / s per iteration;"
                + " speed-up = MLlib s/it / sparkprop s/it; at peak = MLlib s/it / (GEMM work / peak), the most"
                + " these cores and this BLAS allow");
        out.println();
        String head = "%-4s %10s  %-15s %5s %8s %10s %8s %10s %9s %9s %6s %8s %8s%n";
        String row = "%-4s %,10d  %-15s %5d %8.4f %,10.0f %8s %10s %9s %9s %6s %8s %8s%n";
        out.printf(Locale.ROOT, head, "job", "rows", "layers", "parts", "sp s/it", "sp rows/s", "ML s/it",
                "ML rows/s", "ML Δfit", "ML fit/N", "ML p/it", "speed-up", "at peak");
        for (Result r : results) {
            boolean mllib = !Double.isNaN(r.mllibSeconds());
            out.printf(Locale.ROOT, row, r.job(), r.rows(), r.widths(), r.partitions(), r.sparkpropSeconds(),
                    r.sparkpropRowsPerSecond(), mllib ? fmt("%.4f", r.mllibSeconds()) : "-",
                    mllib ? fmt("%,.0f", r.mllibRowsPerSecond()) : "-",
                    mllib ? fmt("%.4f", r.mllibDeltaSeconds()) : "-", mllib ? fmt("%.4f", r.mllibFitSeconds()) : "-",
                    mllib ? fmt("%.2f", r.mllibPassesPerIteration()) : "-", mllib ? fmt("%.2fx", r.speedup()) : "-",
                    mllib ? fmt("%.2fx", r.speedupAtPeak()) : "-");
        }
        out.println("(sp: sparkprop; ML: MLlib, s per iteration; ML p/it: Spark jobs, i.e. passes over the data,"
                + " per MLlib iteration; c: MLlib has no MLP regressor)");
        out.println();
        out.println("sparkprop compute efficiency. GFLOP/it: GEMM work Backprop does (6 x rows x fanIn x fanOut per layer,"
                + " 4 for the first); kernel: the same rows through Backprop + GradientSum on "
                + cores + " threads without Spark (the best of " + KERNEL_ROUNDS + " passes after " + KERNEL_WARM_UPS
                + ", as the peak is the best of its rounds); overhead = 1 - the median pass / iteration");
        out.println();
        String head2 = "%-4s %9s %10s %10s %13s %10s %11s %15s %9s %10s %11s%n";
        String row2 = "%-4s %9.2f %10.4f %10.1f %12.1f%% %10.1f %10.1f%% %14.1f%% %9.1f %9.3fx %11.2f%n";
        out.printf(Locale.ROOT, head2, "job", "GFLOP/it", "kernel s", "kernel GF", "kernel %peak", "iter GF",
                "iter %peak", "Spark overhead", "cache MB", "cache/raw", "other CPU");
        for (Result r : results) {
            out.printf(Locale.ROOT, row2, r.job(), r.gemmFlops() / 1e9, r.kernelSeconds(), r.kernelGflops(),
                    100 * r.kernelGflops() / peak, r.iterationGflops(), 100 * r.iterationGflops() / peak,
                    100 * r.sparkOverhead(), r.cacheBytes() / 1e6, r.cacheRatio(), r.otherCores());
        }
        if (sgemmPeak > 0) {
            out.println("(kernel % of sgemm's peak alone: " + results.stream()
                    .map(r -> r.job() + " " + fmt("%.1f%%", 100 * r.kernelGflops() / sgemmPeak))
                    .collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
        out.println("(cache: what Spark's storage reports for the cached training blocks, memory and disk; raw: rows x"
                + " inputs x 4 bytes)");
        out.println("(other CPU: cores' worth of CPU other processes took while the job ran; the figures of a job"
                + " with more than about 0.1 are disturbed: run it again on a quiet machine)");
        out.println();
        for (Result r : results) {
            out.println(r.machineLine(options.precision(), blas.substring(blas.lastIndexOf('.') + 1)));
        }
        out.flush();
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "benchmark: " + format + "%n", args);
    }
}
