package dev.sparkprop.bench;

import dev.sparkprop.driver.train.TrainingSettings;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Time to a test accuracy on Fashion-MNIST: sparkprop (Adam, mini-batches) against MLlib's
 * MultilayerPerceptronClassifier (L-BFGS) in one run, on the same standardised rows. Run it with
 * bin/benchmark-accuracy; {@code --help} lists the options. The table goes to stdout, progress to
 * stderr; the last lines ({@code result ...}) are for scripts.
 */
public final class TimeToAccuracy {

    static final String INSTALL_HINT = "install Fashion-MNIST with: bin/install-data --fashion-mnist";

    /**
     * @param localSteps null for the race against MLlib; else the local-steps comparison of these
     *                   values of training.local_steps ({@link LocalStepsSweep})
     */
    record Options(Path data, double target, double rows, String layers, int batchRows, double learningRate,
                   int maxEpochs, int blockRows, Precision precision, int partitions, int[] mllibLayers,
                   int mllibBlockSize, int mllibMaxIter, long seed, int[] localSteps, List<String> outerOptimizers,
                   double validation, double validationTarget, int seeds) {

        static final String USAGE = """
                usage: bin/benchmark-accuracy [--target A] [--rows F] [--max-epochs N] [--batch-rows N]
                                              [--learning-rate LR] [--layers L] [--precision P] [--partitions N]
                                              [--mllib-layers L] [--mllib-max-iter N] [--mllib-block-size N]
                                              [--block-rows N] [--seed N] [--data DIR]
                                              [--local-steps K,... [--outer-optimizer O]... [--validation F]
                                               [--validation-target A] [--seeds N]]
                  --target A            test accuracy to reach (default 0.88)
                  --rows F              fraction of the training rows to use, e.g. 0.1 for a quick run (default 1;
                                        the test rows are always all used)
                  sparkprop (Adam, he_uniform, cross-entropy; test accuracy checked after every epoch):
                  --max-epochs N        give up after N epochs (default 30)
                  --batch-rows N        rows per mini-batch, over all partitions (default 1024)
                  --learning-rate LR    Adam's learning rate (default 0.004)
                  --layers L            network (default 784,256:relu,10:softmax)
                  --precision P         float32 (default) or float64
                  --block-rows N        GEMM block height (default 1024)
                  --partitions N        partitions of the data, for both contestants (default 2)
                  MLlib (l-bfgs; fits from scratch with maxIter 10, 20, 40, ... up to the cap):
                  --mllib-layers L      layer widths, hidden ones sigmoid (default 784,256,10)
                  --mllib-max-iter N    the cap (default 320)
                  --mllib-block-size N  MLlib's blockSize (default 128)
                  --seed N              row sample and both initial weights (default 1)
                  --data DIR            holds train.csv and test.csv (default data/fashion-mnist)
                  local steps instead of MLlib (bin/benchmark-steps runs it; no MLlib race then):
                  --local-steps K,...   compare these training.local_steps values, e.g. 1,4,16,64
                  --outer-optimizer O   training.outer_optimizer for k > 1 (default average); given more than
                                        once, each is tried with each k > 1
                  --validation F        choose k and the outer optimizer on a validation split of F of the
                                        training rows (default 0.2): each trained on the rest until the split's
                                        accuracy reaches --validation-target; the fastest is chosen, then it and
                                        k = 1 race to --target on the test rows; 0: every one races on them
                  --validation-target A (default: --target)
                  --seeds N             test races per k, seeds --seed, --seed + 1, ...; the median counts
                                        (default 1)
                Runs on local[*] unless spark.master is set.""";

        static Options parse(String... args) {
            Path data = Path.of("data/fashion-mnist");
            double target = 0.88;
            double rows = 1;
            String layers = "784,256:relu,10:softmax";
            int batchRows = 1024;
            double learningRate = 0.004;
            int maxEpochs = 30;
            int blockRows = 1024;
            Precision precision = Precision.FLOAT32;
            int partitions = 2;
            int[] mllibLayers = {784, 256, 10};
            int mllibBlockSize = 128;
            int mllibMaxIter = 320;
            long seed = 1;
            int[] localSteps = null;
            List<String> outerOptimizers = new ArrayList<>();
            double validation = 0.2;
            double validationTarget = Double.NaN;
            int seeds = 1;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--data" -> data = Path.of(value(args, ++i, arg));
                    case "--target" -> target = Double.parseDouble(value(args, ++i, arg));
                    case "--rows" -> rows = Double.parseDouble(value(args, ++i, arg));
                    case "--layers" -> layers = value(args, ++i, arg);
                    case "--batch-rows" -> batchRows = Integer.parseInt(value(args, ++i, arg));
                    case "--learning-rate" -> learningRate = Double.parseDouble(value(args, ++i, arg));
                    case "--max-epochs" -> maxEpochs = Integer.parseInt(value(args, ++i, arg));
                    case "--block-rows" -> blockRows = Integer.parseInt(value(args, ++i, arg));
                    case "--precision" -> precision = Precision.parse(value(args, ++i, arg));
                    case "--partitions" -> partitions = Integer.parseInt(value(args, ++i, arg));
                    case "--mllib-layers" -> mllibLayers = Arrays.stream(value(args, ++i, arg).split(","))
                            .mapToInt(w -> Integer.parseInt(w.trim())).toArray();
                    case "--mllib-block-size" -> mllibBlockSize = Integer.parseInt(value(args, ++i, arg));
                    case "--mllib-max-iter" -> mllibMaxIter = Integer.parseInt(value(args, ++i, arg));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
                    case "--local-steps" -> localSteps = Arrays.stream(value(args, ++i, arg).split(","))
                            .mapToInt(k -> Integer.parseInt(k.trim())).toArray();
                    case "--outer-optimizer" -> outerOptimizers.add(value(args, ++i, arg));
                    case "--validation" -> validation = Double.parseDouble(value(args, ++i, arg));
                    case "--validation-target" -> validationTarget = Double.parseDouble(value(args, ++i, arg));
                    case "--seeds" -> seeds = Integer.parseInt(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            if (!(target > 0 && target <= 1) || !(rows > 0 && rows <= 1) || maxEpochs < 1 || partitions < 1
                    || mllibMaxIter < 1 || mllibBlockSize < 1 || mllibLayers.length < 2) {
                throw new IllegalArgumentException("need 0 < --target <= 1, 0 < --rows <= 1, --max-epochs,"
                        + " --partitions, --mllib-max-iter and --mllib-block-size >= 1, and at least two"
                        + " --mllib-layers");
            }
            NetworkSpec spec = NetworkSpec.parse(layers, "cross_entropy");
            // MLlib's layers matter only in the race against it
            if (localSteps == null && mllibLayers[0] != spec.inputWidth() || mllibLayers[mllibLayers.length - 1] != spec.outputWidth()) {
                throw new IllegalArgumentException("--mllib-layers must start with " + spec.inputWidth()
                        + " and end with " + spec.outputWidth() + ", as --layers " + layers + " does");
            }
            if (Double.isNaN(validationTarget)) {
                validationTarget = target;
            }
            if (!(validation >= 0 && validation < 1) || !(validationTarget > 0 && validationTarget <= 1) || seeds < 1
                    || localSteps != null && localSteps.length == 0) {
                throw new IllegalArgumentException("need 0 <= --validation < 1, 0 < --validation-target <= 1,"
                        + " --seeds >= 1 and at least one --local-steps value");
            }
            if (outerOptimizers.isEmpty()) {
                outerOptimizers.add("average");
            }
            Options options = new Options(data, target, rows, layers, batchRows, learningRate, maxEpochs, blockRows,
                    precision, partitions, mllibLayers, mllibBlockSize, mllibMaxIter, seed, localSteps,
                    List.copyOf(outerOptimizers), validation, validationTarget, seeds);
            for (int k : localSteps == null ? new int[] {1} : localSteps) {
                for (String outer : outerOptimizers) {
                    options.settings(k, outer, seed);
                }
            }
            return options;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        /** Validates the sparkprop settings too, with TrainingSettings' own messages. */
        TrainingSettings settings() {
            return settings(1, outerOptimizers.get(0), seed);
        }

        /** The settings with {@code k} local steps, outer optimizer {@code outer} and another seed. */
        TrainingSettings settings(int k, String outer, long seed) {
            return TrainingSettings.builder(layers, "cross_entropy").initializer("he_uniform").optimizer("adam")
                    .learningRate(learningRate).epochs(maxEpochs).batchRows(batchRows).blockRows(blockRows)
                    .precision(precision.specName()).seed(seed).localSteps(k).outerOptimizer(outer)
                    .build();
        }
    }

    /** Both races, and the data they ran on. */
    record Result(Race sparkprop, Race mllib, long trainRows, long testRows, double blockSeconds) {

        /** MLlib's time over sparkprop's; NaN unless both reached the target. */
        double ratio() {
            return sparkprop.reached() && mllib.reached() ? mllib.last().seconds() / sparkprop.last().seconds()
                    : Double.NaN;
        }

        /**
         * The least ratio the checks allow: MLlib's lower bound over sparkprop's time, or, when MLlib
         * never reached the target, its last fit's time (it needed more); NaN unless sparkprop reached it.
         */
        double ratioLowerBound() {
            if (!sparkprop.reached()) {
                return Double.NaN;
            }
            return (mllib.reached() ? mllib.lowerBoundSeconds() : mllib.last().seconds()) / sparkprop.last().seconds();
        }
    }

    private TimeToAccuracy() {
    }

    public static void main(String[] args) {
        BenchmarkMain.run("benchmark-accuracy", Options.USAGE, args, a -> {
            Options options = Options.parse(a);
            options.settings();
            // Before Spark starts: a missing download should not take seconds to report.
            AccuracyData.requireFiles(options.data(), INSTALL_HINT);
            return options;
        }, (spark, options) -> {
            if (options.localSteps() == null) {
                run(spark, options, options.settings(), System.out);
            } else {
                LocalStepsSweep.run(spark, options, System.out);
            }
        });
    }

    /** Runs both races on the same rows, prints the table to {@code out} and returns the result. */
    static Result run(SparkSession spark, Options options, TrainingSettings settings, PrintStream out) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        progress("reading %s (%s of the training rows) into %d partitions", options.data(), options.rows(),
                options.partitions());
        try (AccuracyData data = AccuracyData.load(spark, options.data(), INSTALL_HINT, options.rows(),
                options.seed(), options.partitions(), settings.network(), options.blockRows(), options.precision(),
                0)) {
            progress("%d training rows, %d test rows; sparkprop: %s", data.train.rows(), data.test.rows(),
                    SparkpropRace.setting(settings));
            Race sparkprop = SparkpropRace.run(sc, settings, data, options.target());
            progress("MLlib: %s", MllibRace.setting(options.mllibLayers(), options.mllibBlockSize()));
            Race mllib = MllibRace.run(data, options.mllibLayers(), options.mllibBlockSize(), options.mllibMaxIter(),
                    options.seed(), options.target());
            Result result = new Result(sparkprop, mllib, data.train.rows(), data.test.rows(), data.blockSeconds);
            print(out, options, result, sc);
            return result;
        }
    }

    private static void print(PrintStream out, Options options, Result r, JavaSparkContext sc) {
        String blas = Backprop.blasImplementation();
        out.println();
        out.printf(Locale.ROOT, "time to test accuracy %.4f: %,d training rows (%s), %,d test rows, %d partitions;"
                        + " Spark %s, %d cores, BLAS %s%n", options.target(), r.trainRows(), options.data(),
                r.testRows(), options.partitions(), sc.master(), sc.defaultParallelism(), blas);
        out.printf(Locale.ROOT, "both train on the same values: pixels standardised by the training rows' mean and"
                + " std, as sparkprop's blocks hold them (%s); MLlib computes in float64%n",
                options.precision().specName());
        out.println("sparkprop: time = training wall time until the epoch whose test accuracy reached the target,"
                + " the per-epoch test evaluations left out (\"with checks\" keeps them in); the rows were already"
                + " in cached blocks (building them took " + fmt("%.1f", r.blockSeconds()) + " s, not counted)");
        out.println("MLlib: time = wall time of the first fit from scratch, maxIter " + MllibRace.schedule(
                options.mllibMaxIter()).stream().map(String::valueOf).collect(Collectors.joining(", "))
                + ", whose test accuracy reached the target; MLlib's setup (stacking and caching its blocks) is"
                + " included; \"with checks\" is every fit and evaluation of the schedule");
        out.println("the true time lies between the check before (\"lower bound\") and the reported one");
        out.println();
        for (Race race : List.of(r.sparkprop(), r.mllib())) {
            out.printf(Locale.ROOT, "%-9s %s: %s%n", race.contestant(), race.step(), race.checks().stream()
                    .map(c -> fmt("%d %.4f (%.1f s)", c.step(), c.accuracy(), c.seconds()))
                    .collect(Collectors.joining(", ")));
        }
        out.println();
        int width = Math.max(r.sparkprop().setting().length(), r.mllib().setting().length());
        String head = "%-9s  %-" + width + "s %11s %9s %13s  %-22s %9s %9s%n";
        out.printf(Locale.ROOT, head, "", "setting", "time (s)", "lower (s)", "w/ checks (s)", "reached at",
                "accuracy", "other CPU");
        for (Race race : List.of(r.sparkprop(), r.mllib())) {
            Race.Check last = race.last();
            out.printf(Locale.ROOT, head, race.contestant(), race.setting(),
                    race.reached() ? fmt("%.1f", last.seconds()) : "not reached",
                    race.reached() ? fmt("%.1f", race.lowerBoundSeconds()) : "-", fmt("%.1f", race.wallSeconds()),
                    fmt("%s %d (%d it)", race.step(), last.step(), last.iterations()),
                    fmt("%.4f", race.reached() ? last.accuracy() : race.bestAccuracy()),
                    fmt("%.2f", race.otherCores()));
        }
        out.println(verdict(r));
        out.println("(it: optimizer steps; other CPU: cores' worth of CPU other processes took meanwhile, above"
                + " about 0.1 the times are disturbed)");
        out.println();
        out.println(machineLine(r.sparkprop(), "layers=" + options.layers() + " batch_rows=" + options.batchRows()
                + " learning_rate=" + options.learningRate() + " precision=" + options.precision().specName()
                + " setup_block_s=" + fmt("%.3f", r.blockSeconds())));
        out.println(machineLine(r.mllib(), "layers=" + Arrays.stream(options.mllibLayers()).mapToObj(String::valueOf)
                .collect(Collectors.joining(",")) + " block_size=" + options.mllibBlockSize()));
        out.printf(Locale.ROOT, "result ratio=%.4g ratio_lower_bound=%.4g target=%.4f train_rows=%d test_rows=%d"
                        + " partitions=%d%n", r.ratio(), r.ratioLowerBound(), options.target(), r.trainRows(),
                r.testRows(), options.partitions());
        out.flush();
    }

    private static String verdict(Result r) {
        Race sp = r.sparkprop();
        Race ml = r.mllib();
        if (!sp.reached()) {
            return fmt("sparkprop did not reach %.4f within %d epochs (best %.4f): no ratio", sp.target(),
                    sp.last().step(), sp.bestAccuracy());
        }
        if (!ml.reached()) {
            Race.Check last = ml.last();
            String stop = last.iterations() < last.step()
                    ? fmt("L-BFGS converged after %d iterations", last.iterations())
                    : fmt("within maxIter %d", last.step());
            return fmt("MLlib did not reach %.4f (%s; best %.4f): MLlib time / sparkprop time > %.2f", ml.target(),
                    stop, ml.bestAccuracy(), r.ratioLowerBound());
        }
        // A first check has no lower bound, so the ratio has none above.
        String range = sp.lowerBoundSeconds() > 0
                ? fmt(" (%.2f to %.2f between the lower bounds and the times)", r.ratioLowerBound(),
                ml.last().seconds() / sp.lowerBoundSeconds()) : "";
        return fmt("MLlib time / sparkprop time = %.2f%s", r.ratio(), range);
    }

    private static String machineLine(Race race, String extra) {
        Race.Check last = race.last();
        return fmt("result contestant=%s reached=%b seconds=%.6g lower_bound_s=%.6g seconds_with_checks=%.6g %s=%d"
                        + " iterations=%d accuracy=%.4f best_accuracy=%.4f other_cpu_cores=%.3f %s",
                race.contestant().toLowerCase(Locale.ROOT), race.reached(), last.seconds(), race.lowerBoundSeconds(),
                race.wallSeconds(), race.step().equals("epoch") ? "epochs" : "max_iter", last.step(),
                last.iterations(), last.accuracy(), race.bestAccuracy(), race.otherCores(), extra);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "benchmark-accuracy: " + format + "%n", args);
    }
}
