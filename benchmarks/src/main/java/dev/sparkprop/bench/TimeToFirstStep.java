package dev.sparkprop.bench;

import dev.sparkprop.driver.config.DataSection;
import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.job.DataSource;
import dev.sparkprop.driver.job.TrainJob;
import dev.sparkprop.driver.job.Training;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.spark.SparkSessions;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.TrainerState;
import dev.sparkprop.driver.train.TrainingSettings;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Time from the start of a training command to its first optimizer step, in phases, for the
 * Fashion-MNIST job ({@code conf/examples/fashion-mnist.conf}) on its CSV and on a Parquet copy
 * of it written first (not timed). Each run is a fresh JVM, as a user's command is, that goes the
 * way {@code sparkprop train} does: start Spark, read the data ({@link DataSource}), prepare it
 * ({@link Training#prepare}: validation split, column types, classes, statistics), encode and
 * cache it ({@link Training#cache}), then take the first step. The table goes to stdout: wall and
 * CPU seconds (all of the JVM's threads, executors included on local[*]) and Spark jobs per phase;
 * with {@code --jobs}, each Spark job goes to stderr. With {@code --class-archive}, a format's first
 * run writes a class-data sharing archive at exit and its later runs load classes from it, as
 * {@code bin/sparkprop}'s first {@code train} and later commands do.
 */
public final class TimeToFirstStep {

    static final String USAGE = """
            usage: java ... dev.sparkprop.bench.TimeToFirstStep [--data DIR] [--config FILE] [--formats F,...]
                                                            [--runs N] [--jobs] [--class-archive]
              --data DIR      holds train.csv (default data/fashion-mnist)
              --config FILE   the job (default conf/examples/fashion-mnist.conf); its data.path and
                              data.format are replaced by the measured file's
              --formats F     csv, parquet or both (default csv,parquet)
              --runs N        fresh JVMs per format (default 1); the table shows each run
              --jobs          lists each Spark job (phase, seconds, call site) on stderr
              --class-archive a format's first run writes a class-data sharing archive at exit
                              (-XX:ArchiveClassesAtExit), its later runs use it
            Runs on local[*] unless spark.master is set. JVM options are the parent's.""";

    /** The phases, in order; each ends where the next begins. */
    static final List<String> PHASES = List.of("start", "read", "prepare", "cache", "first step");

    private static final String CHILD = "--child";
    private static final String RESULT = "phase ";

    record Options(Path data, Path config, List<String> formats, int runs, boolean jobs, boolean classArchive) {

        static Options parse(String... args) {
            Path data = Path.of("data/fashion-mnist");
            Path config = Path.of("conf/examples/fashion-mnist.conf");
            List<String> formats = List.of("csv", "parquet");
            int runs = 1;
            boolean jobs = false;
            boolean classArchive = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--data" -> data = Path.of(value(args, ++i, arg));
                    case "--config" -> config = Path.of(value(args, ++i, arg));
                    case "--formats" -> formats = List.of(value(args, ++i, arg).split(","));
                    case "--runs" -> runs = Integer.parseInt(value(args, ++i, arg));
                    case "--jobs" -> jobs = true;
                    case "--class-archive" -> classArchive = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            if (runs < 1 || formats.isEmpty() || !List.of("csv", "parquet").containsAll(formats)) {
                throw new IllegalArgumentException("need --runs >= 1 and --formats of csv and parquet");
            }
            if (!Files.isRegularFile(data.resolve("train.csv"))) {
                throw new IllegalArgumentException("no " + data.resolve("train.csv") + "; "
                        + TimeToAccuracy.INSTALL_HINT);
            }
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("no job file " + config);
            }
            return new Options(data, config, formats, runs, jobs, classArchive);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }

    private TimeToFirstStep() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(CHILD)) {
            child(args[1], args[2], Path.of(args[3]), args[4].equals("jobs"));
            return;
        }
        Options options;
        try {
            if (List.of(args).contains("--help")) {
                System.out.println(USAGE);
                return;
            }
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("time-to-first-step: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        Path temp = Files.createTempDirectory("sparkprop-first-step");
        try {
            Map<String, String> paths = new LinkedHashMap<>();
            for (String format : options.formats()) {
                paths.put(format, format.equals("csv") ? options.data().resolve("train.csv").toString()
                        : writeParquet(options, temp.resolve("train.parquet")));
            }
            String load = loadAverage();
            List<String> rows = new ArrayList<>();
            for (String format : options.formats()) {
                for (int run = 1; run <= options.runs(); run++) {
                    progress("%s run %d of %d", format, run, options.runs());
                    List<String> flags = List.of();
                    String classes = "jars";
                    if (options.classArchive()) {
                        Path archive = temp.resolve(format + ".jsa");
                        // The JVM's warnings about classes it cannot archive go to stdout
                        flags = List.of(run == 1 ? "-XX:ArchiveClassesAtExit=" + archive
                                : "-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
                        classes = run == 1 ? "jars>jsa" : "jsa";
                    }
                    rows.add(String.format(Locale.ROOT, "%-8s %3d %-8s %s", format, run, classes, runChild(format,
                            paths.get(format), options, flags)));
                }
            }
            print(options, paths, rows, load);
        } finally {
            try (Stream<Path> files = Files.walk(temp)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** The Parquet copy of train.csv, as the job reads it (without the malformed-line column); not timed. */
    private static String writeParquet(Options options, Path target) {
        progress("writing a Parquet copy of %s to %s", options.data().resolve("train.csv"), target);
        SparkSession spark = SparkSessions.getOrCreate("sparkprop-time-to-first-step-parquet");
        try {
            DataSection data = config(options.config(), options.data().resolve("train.csv").toString(), "csv").data();
            Dataset<Row> rows = DataSource.read(spark, "data.path", data.path(), "csv", data.csvHeader(),
                    data.csvDelimiter());
            rows.drop(Columns.MALFORMED).write().parquet(target.toString());
        } finally {
            spark.stop();
        }
        return target.toString();
    }

    /** One measurement in a fresh JVM with this one's options and classpath; its phases' table cells. */
    private static String runChild(String format, String path, Options options, List<String> flags)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TimeToFirstStep.class.getName(), CHILD,
                format, path, options.config().toString(), options.jobs() ? "jobs" : "-"));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String[]> phases = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(RESULT)) {
                    String[] f = line.substring(RESULT.length()).split("\t");
                    phases.put(f[0], f);
                }
            }
        }
        if (child.waitFor() != 0 || !phases.keySet().containsAll(PHASES)) {
            throw new IllegalStateException("the " + format + " measurement failed (exit " + child.exitValue()
                    + "); its messages are above");
        }
        StringBuilder cells = new StringBuilder();
        double wall = 0;
        double cpu = 0;
        for (String phase : PHASES) {
            String[] f = phases.get(phase);
            wall += Double.parseDouble(f[1]);
            cpu += Double.parseDouble(f[2]);
            cells.append(String.format(Locale.ROOT, " %6.1f %6.1f %3s", Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]), f[3]));
        }
        return cells.append(String.format(Locale.ROOT, "  %6.1f %6.1f", wall, cpu)).toString();
    }

    private static void print(Options options, Map<String, String> paths, List<String> rows, String load) {
        System.out.println();
        System.out.printf("time to the first step of %s on local[*] (%d cores), each run a fresh JVM%n",
                options.config(), Runtime.getRuntime().availableProcessors());
        paths.forEach((format, path) -> System.out.printf("  %s: %s%n", format, path));
        System.out.println("phases: start = JVM and Spark session; read = the reader, its schema and, for numbers,"
                + " the pass that fills the NumericTable (else, for a CSV, type inference); prepare = validation split, column types, classes, statistics;"
                + " cache = encoding the training and validation rows into cached blocks; first step = the first"
                + " optimizer step");
        System.out.println("wall and CPU seconds per phase (CPU: every thread of the JVM, local executors included),"
                + " and its Spark jobs");
        System.out.println("classes: loaded from the jars, from the jars writing an archive at exit (jars>jsa),"
                + " or from that archive (jsa)");
        StringBuilder head = new StringBuilder(String.format("%-8s %3s %-8s", "format", "run", "classes"));
        for (String phase : PHASES) {
            head.append(String.format(" %-17s", phase));
        }
        System.out.println(head.append(String.format("  %-13s", "total")));
        StringBuilder sub = new StringBuilder(String.format("%-8s %3s %-8s", "", "", ""));
        for (int i = 0; i < PHASES.size(); i++) {
            sub.append(String.format(" %6s %6s %3s", "wall", "cpu", "job"));
        }
        System.out.println(sub.append(String.format("  %6s %6s", "wall", "cpu")));
        rows.forEach(System.out::println);
        System.out.println("load average (1, 5, 15 min) before the runs: " + load + "; after: " + loadAverage()
                + " (the machine may be shared: other work slows the wall times; CPU seconds suffer less)");
    }

    /** The measurement itself, in its own JVM: one {@code phase} line per phase on stdout. */
    private static void child(String format, String path, Path configFile, boolean listJobs) throws Exception {
        Clock clock = new Clock(ManagementFactory.getRuntimeMXBean().getStartTime());
        SparkSession spark = SparkSessions.getOrCreate("sparkprop-time-to-first-step");
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Jobs jobs = new Jobs();
            sc.sc().addSparkListener(jobs);
            clock.end("start");
            JobConfig config = config(configFile, path, format);
            DataSection data = config.data();
            DataSource.Rows all = DataSource.readToTrain(spark, "data.path", data.path(), data.format(),
                    data.csvHeader(), data.csvDelimiter());
            clock.end("read");
            Training.Prepared prepared = Training.prepare(config, all, null, TrainJob.columns(data, all.rows()), null)
                    .releasing(List.of(all));
            clock.end("prepare");
            try (Training.Cached cached = Training.cache(prepared)) {
                clock.end("cache");
                TrainingSettings settings = prepared.settings();
                try {
                    new DistributedTrainer(sc, settings).fit(cached.train(),
                            TrainerState.start(settings.initialParameters(), settings.initialOptimizerState()),
                            (iteration, perEpoch) -> {
                                throw new FirstStepTaken();
                            }, (epoch, params, loss, accuracy) -> true, (state, ended) -> { });
                    throw new IllegalStateException("training ended without a step");
                } catch (FirstStepTaken expected) {
                    clock.end("first step");
                }
            }
            // The listener bus is asynchronous: wait for it to deliver every job's events.
            spark.sparkContext().listenerBus().waitUntilEmpty();
            clock.print(jobs);
            if (listJobs) {
                jobs.list(clock);
            }
        } finally {
            spark.stop();
        }
    }

    private static JobConfig config(Path file, String path, String format) {
        return JobConfigLoader.load(file.toString(), List.of("data.path=" + path, "data.format=" + format));
    }

    /** Ends the first step's training: the measurement needs no more. */
    private static final class FirstStepTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FirstStepTaken() {
            super(null, null, false, false);
        }
    }

    /** Each phase's end, wall and process CPU time; printed once the listener bus has caught up. */
    private static final class Clock {
        private record Phase(String name, long endMillis, double wall, double cpu) {
        }

        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final List<Phase> phases = new ArrayList<>();
        private long wallMillis;
        private long cpuNanos;

        /** The first phase starts with the JVM, which has used no CPU before it. */
        Clock(long jvmStartMillis) {
            this.wallMillis = jvmStartMillis;
        }

        void end(String phase) {
            long now = System.currentTimeMillis();
            long cpu = os.getProcessCpuTime();
            phases.add(new Phase(phase, now, (now - wallMillis) / 1e3, (cpu - cpuNanos) / 1e9));
            wallMillis = now;
            cpuNanos = cpu;
        }

        String phaseAt(long millis) {
            return phases.stream().filter(p -> millis <= p.endMillis()).map(Phase::name).findFirst().orElse("after");
        }

        /** One line per phase: name, wall seconds, CPU seconds, Spark jobs started in it. */
        void print(Jobs jobs) {
            for (Phase p : phases) {
                long count = jobs.starts().stream().filter(start -> phaseAt(start).equals(p.name())).count();
                System.out.printf(Locale.ROOT, RESULT + "%s\t%.3f\t%.3f\t%d%n", p.name(), p.wall(), p.cpu(), count);
            }
            System.out.flush();
        }
    }

    /** Every Spark job's start, end and call site (its result stage's name). */
    private static final class Jobs extends SparkListener {
        private record Job(long start, String site, int tasks) {
        }

        private final Map<Integer, Job> started = new ConcurrentHashMap<>();
        private final Map<Integer, Long> ended = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            List<StageInfo> stages = scala.jdk.javaapi.CollectionConverters.asJava(start.stageInfos());
            StageInfo last = stages.stream().max(Comparator.comparingInt(StageInfo::stageId)).orElseThrow();
            int tasks = stages.stream().mapToInt(StageInfo::numTasks).sum();
            started.put(start.jobId(), new Job(start.time(), last.name(), tasks));
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd end) {
            ended.put(end.jobId(), end.time());
        }

        List<Long> starts() {
            return started.values().stream().map(Job::start).toList();
        }

        void list(Clock clock) {
            started.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                Job j = e.getValue();
                Long end = ended.get(e.getKey());
                System.err.printf(Locale.ROOT, "job %3d  %-10s %7.2f s  %4d tasks  %s%n", e.getKey(),
                        clock.phaseAt(j.start()), end == null ? Double.NaN : (end - j.start()) / 1e3, j.tasks(),
                        j.site());
            });
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "time-to-first-step: " + format + "%n", args);
    }
}
