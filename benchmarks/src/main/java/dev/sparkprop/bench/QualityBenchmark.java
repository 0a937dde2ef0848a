package dev.sparkprop.bench;

import dev.sparkprop.driver.config.DataSection;
import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.job.DataSource;
import dev.sparkprop.driver.job.EvaluateJob;
import dev.sparkprop.driver.job.TrainJob;
import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.train.DataColumns;
import dev.sparkprop.driver.train.Evaluation;
import dev.sparkprop.nn.LayerSpec;
import dev.sparkprop.nn.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Test-set quality and training time of sparkprop against MLlib's MLP, logistic/linear
 * regression, random forest and gradient-boosted trees on real datasets, in one run. Each
 * dataset is a job file, conf/examples/quality/&lt;name&gt;.conf, whose data.path is the dataset's
 * train.csv; test.csv beside it is scored, and only here. sparkprop trains as
 * {@code bin/sparkprop train} does with that file (TrainJob) and is scored as
 * {@code bin/sparkprop evaluate} scores (EvaluateJob); MLlib's models get the same columns, read
 * by the same reader. Run it with bin/benchmark-quality; {@code --help} lists the options.
 */
public final class QualityBenchmark {

    /** The datasets, named in the README before any setting was chosen. */
    static final List<String> DATASETS = List.of("digits", "diabetes", "spam", "hmda", "cps1988", "ticdata");
    static final String INSTALL_HINT = "install the datasets with: bin/install-data --quality-datasets";

    record Options(List<String> datasets, boolean quick, boolean warmUp, Path confDir, Path out, long seed) {

        static final String USAGE = """
                usage: bin/benchmark-quality [--datasets NAME,...] [--quick] [--no-warm-up] [--conf-dir DIR]
                                           [--out DIR] [--seed N]
                  --datasets NAMES  comma-separated, of: %s (default all)
                  --quick           for development: sparkprop 3 epochs, MLlib MLP maxIter 30, 20 trees, 20 rounds
                  --no-warm-up      skip the untimed warm-up run on the first dataset (the JIT then warms up
                                    during the first dataset's timed fits)
                  --conf-dir DIR    the job files <name>.conf (default conf/examples/quality)
                  --out DIR         models and sparkprop's logs (default target/benchmark-quality)
                  --seed N          MLlib's seed (default 1; sparkprop's is training.seed in the job file)
                Runs on local[*] unless spark.master is set.""".formatted(String.join(", ", DATASETS));

        static Options parse(String... args) {
            List<String> datasets = DATASETS;
            boolean quick = false;
            boolean warmUp = true;
            Path confDir = Path.of("conf/examples/quality");
            Path out = Path.of("target/benchmark-quality");
            long seed = 1;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--datasets" -> datasets = List.of(value(args, ++i, arg).split(","));
                    case "--quick" -> quick = true;
                    case "--no-warm-up" -> warmUp = false;
                    case "--conf-dir" -> confDir = Path.of(value(args, ++i, arg));
                    case "--out" -> out = Path.of(value(args, ++i, arg));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            for (String name : datasets) {
                if (!DATASETS.contains(name)) {
                    throw new IllegalArgumentException("unknown dataset '" + name + "'; choose from "
                            + String.join(", ", DATASETS));
                }
                if (!Files.isRegularFile(confDir.resolve(name + ".conf"))) {
                    throw new IllegalArgumentException(confDir.resolve(name + ".conf") + " does not exist");
                }
            }
            return new Options(datasets, quick, warmUp, confDir, out, seed);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }

    /**
     * One dataset's results. {@code jobSeconds}: sparkprop's whole train job (reading the CSV,
     * statistics, caching, training, writing the model); its Score's seconds are the epochs'.
     */
    record Result(String dataset, String task, long trainRows, long testRows, int inputs, Score sparkprop,
                  double jobSeconds, List<Score> mllib, double otherCores) {

        Score bestMllib() {
            return mllib.stream().max(Comparator.comparingDouble(Score::rank)).orElseThrow();
        }

        Score mllib(String model) {
            return mllib.stream().filter(s -> s.model().equals(model)).findFirst().orElse(null);
        }
    }

    private QualityBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkMain.run("benchmark-quality", Options.USAGE, args, Options::parse,
                (spark, options) -> run(spark, options, System.out));
    }

    static List<Result> run(SparkSession spark, Options options, PrintStream out) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String loadBefore = loadAverage();
        // Untimed: the JIT compiles Spark's, MLlib's and sparkprop's paths on a short run first, so
        // that the first dataset's times are not a fresh JVM's.
        if (options.warmUp()) {
            progress("warm-up (untimed): %s, sparkprop 1 epoch, MLlib 2 iterations/trees/rounds",
                    options.datasets().get(0));
            runDataset(spark, sc, options, options.datasets().get(0), true);
        }
        List<Result> results = new ArrayList<>();
        for (String name : options.datasets()) {
            Result r = runDataset(spark, sc, options, name, false);
            results.add(r);
            printRows(out, r);
        }
        printSummary(out, results, options, sc, loadBefore);
        return results;
    }

    private static Result runDataset(SparkSession spark, JavaSparkContext sc, Options options, String name,
                                     boolean warmUp) {
        Path modelPath = options.out().resolve("models").resolve(name);
        List<String> overrides = new ArrayList<>(List.of("output.model_path=" + modelPath, "output.report_path=",
                "output.overwrite=true"));
        if (warmUp || options.quick()) {
            overrides.add("training.epochs=" + (warmUp ? 1 : 3));
        }
        JobConfig job = JobConfigLoader.load(options.confDir().resolve(name + ".conf").toString(), overrides);
        DataSection data = job.data();
        Path trainCsv = Path.of(data.path());
        Path testCsv = trainCsv.resolveSibling("test.csv");
        for (Path csv : List.of(trainCsv, testCsv)) {
            if (!Files.isRegularFile(csv)) {
                throw new IllegalArgumentException(csv + " does not exist; " + INSTALL_HINT);
            }
        }
        boolean classes = job.network().task().kind() != Task.Kind.REGRESSION;
        CpuMeter cpu = CpuMeter.start();

        progress("%s: sparkprop, %s (log: %s)", name, options.confDir().resolve(name + ".conf"),
                options.out().resolve(name + "-sparkprop.log"));
        Score sparkprop;
        double jobSeconds;
        try (PrintStream log = log(options.out(), name + (warmUp ? "-warm-up" : "") + "-sparkprop.log")) {
            long t0 = System.nanoTime();
            SavedModel model = new TrainJob(job, spark, log).run();
            jobSeconds = (System.nanoTime() - t0) / 1e9;
            List<EpochRecord> history = model.metadata().history();
            double trainSeconds = history.stream().mapToDouble(EpochRecord::seconds).sum();
            Evaluation test = EvaluateJob.run(spark, modelPath.toString(), testCsv.toString(), null, null, log);
            String setting = setting(model, history.size());
            sparkprop = classes ? Score.classes("sparkprop", setting, test.accuracy(), test.get("macro_f1"),
                    trainSeconds) : Score.regression("sparkprop", setting, test.r2(), trainSeconds);
        }
        progress("%s: sparkprop %s in %.1f s of training (%.1f s the whole job)", name, sparkprop.metrics(),
                sparkprop.seconds(), jobSeconds);

        Dataset<Row> trainRows = read(spark, data, trainCsv);
        Dataset<Row> testRows = read(spark, data, testCsv);
        DataColumns columns = TrainJob.columns(data, trainRows);
        MllibContenders mllib = new MllibContenders(trainRows, testRows, columns.features(), columns.categorical(),
                data.labels().get(0), classes, sc.defaultParallelism());
        List<LayerSpec> layers = job.network().layers();
        int[] hidden = layers.subList(0, layers.size() - 1).stream().mapToInt(LayerSpec::units).toArray();
        MllibContenders.Settings settings = warmUp ? new MllibContenders.Settings(2, 2, 5, 2)
                : options.quick() ? MllibContenders.Settings.QUICK : MllibContenders.Settings.FULL;
        List<Score> scores = mllib.run(hidden, settings, options.seed());
        long trainCount = trainRows.count();
        long testCount = testRows.count();
        int inputs = mllib.inputs();
        mllib.close();
        String task = classes ? job.network().outputWidth() == 1 ? "2 classes" : job.network().outputWidth()
                + " classes" : "regression";
        return new Result(name, task, trainCount, testCount, inputs, sparkprop, jobSeconds, scores,
                cpu.otherCores());
    }

    private static Dataset<Row> read(SparkSession spark, DataSection data, Path csv) {
        return DataSource.read(spark, "data.path", csv.toString(), data.format(), data.csvHeader(),
                data.csvDelimiter());
    }

    private static String setting(SavedModel model, int epochs) {
        Map<String, String> config = model.metadata().config();
        String batch = config.get("training.batch_rows");
        // The effective config holds specs as quoted HOCON strings.
        String optimizer = config.get("optimizer.kind").replace("\"", "");
        return String.format(Locale.ROOT, "%s, %s, %s, %d epochs", model.metadata().layers(), optimizer,
                "0".equals(batch) ? "full batch" : "batch " + batch, epochs);
    }

    private static PrintStream log(Path dir, String file) {
        try {
            Files.createDirectories(dir);
            return new PrintStream(dir.resolve(file).toFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** One line per model as each dataset finishes, so a partial run still reports. */
    private static void printRows(PrintStream out, Result r) {
        out.printf(Locale.ROOT, "%n%s (%s; %,d training rows, %,d test rows, %d inputs after one-hot;"
                        + " other processes used %.2f cores meanwhile)%n", r.dataset(), r.task(), r.trainRows(),
                r.testRows(), r.inputs(), r.otherCores());
        List<Score> all = new ArrayList<>();
        all.add(r.sparkprop());
        all.addAll(r.mllib());
        for (Score s : all) {
            out.printf(Locale.ROOT, "  %-10s %-15s %8.1f s  %s%n", s.model(), s.metrics(), s.seconds(), s.setting());
            out.printf(Locale.ROOT, "result dataset=%s model=%s accuracy=%.6f macro_f1=%.6f r2=%.6f seconds=%.3f%n",
                    r.dataset(), s.model().replace(' ', '_'), s.accuracy(), s.macroF1(), s.r2(), s.seconds());
        }
        out.flush();
    }

    private static void printSummary(PrintStream out, List<Result> results, Options options, JavaSparkContext sc,
                                     String loadBefore) {
        out.printf(Locale.ROOT, "%nSpark %s, %d cores; load average before %s, after %s%s%n", sc.master(),
                sc.defaultParallelism(), loadBefore, loadAverage(), options.quick() ? "; --quick" : "");
        out.println("metric: test accuracy/macro-F1 for classes, test R² for regression; s: training seconds"
                + " (sparkprop: its epochs, validation passes included; MLlib: fit on cached, encoded rows);"
                + " best: MLlib's best by macro-F1 or R²");
        out.println();
        out.println("| dataset | task | sparkprop | s | MLP | s | LR | s | RF | s | GBT | s | best MLlib"
                + " | sparkprop − best |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            StringBuilder row = new StringBuilder();
            row.append("| ").append(r.dataset()).append(" | ").append(r.task()).append(" | ")
                    .append(r.sparkprop().metrics()).append(" | ").append(fmt("%.1f", r.sparkprop().seconds()));
            for (String model : List.of("MLlib MLP", "MLlib LR", "MLlib RF", "MLlib GBT")) {
                Score s = r.mllib(model);
                row.append(" | ").append(s == null ? "–" : s.metrics()).append(" | ")
                        .append(s == null ? "–" : fmt("%.1f", s.seconds()));
            }
            Score best = r.bestMllib();
            double delta = r.sparkprop().isRegression() ? r.sparkprop().r2() - best.r2()
                    : r.sparkprop().macroF1() - best.macroF1();
            row.append(" | ").append(best.model().replace("MLlib ", "")).append(" | ")
                    .append(fmt("%+.4f", delta)).append(" |");
            out.println(row);
        }
        out.println();
        for (Result r : results) {
            out.printf(Locale.ROOT, "%s: sparkprop %s; whole train job %.1f s%n", r.dataset(), r.sparkprop().setting(),
                    r.jobSeconds());
        }
        out.flush();
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "benchmark-quality: " + format + "%n", args);
    }
}
