package dev.sparkprop.bench;

import static dev.sparkprop.bench.TimeToAccuracy.fmt;

import dev.sparkprop.driver.train.TrainingData;
import dev.sparkprop.nn.optim.OuterOptimizer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Time to accuracy for several values of training.local_steps (k) and of the outer optimizer,
 * the rest of the settings as {@link TimeToAccuracy}'s. With a validation split, they are
 * chosen without the test rows: each k (each k > 1 with each outer optimizer) trains on the
 * training rows less the split until the split's accuracy reaches the validation target, twice
 * when it does (the faster counts), and the fastest wins; then the chosen one and k = 1 race to
 * the test target on all training rows, once per seed (the median counts). Without one, every
 * one races on the test rows. The tables go to the output, with {@code result} lines for
 * scripts.
 */
final class LocalStepsSweep {

    /** One race of one k, outer optimizer and seed on {@code trainRows} rows. */
    record Run(int k, String outer, long seed, Race race, long trainRows) {

        /** "k=16 outer=average"; at k = 1 the outer optimizer plays no part and shows as "-". */
        String name() {
            return "k=" + k + " outer=" + (k == 1 ? "-" : outer);
        }

        /** Training rows per second of training up to the last check. */
        double rowsPerSecond() {
            Race.Check last = race.last();
            return last.step() * (double) trainRows / last.seconds();
        }

        /** Seconds to the target, or infinity when not reached (so that it sorts last). */
        double seconds() {
            return race.reached() ? race.last().seconds() : Double.POSITIVE_INFINITY;
        }
    }

    /**
     * @param validation the races on the validation split, in the order of --local-steps (empty without one)
     * @param chosen     the name of the one chosen on it, or null without one
     * @param test       the races on the test rows
     */
    record Result(List<Run> validation, String chosen, List<Run> test) {

        /** The median time to the test target over the seeds of the runs named {@code name}. */
        double medianTestSeconds(String name) {
            return median(test.stream().filter(r -> r.name().equals(name)).mapToDouble(Run::seconds).toArray());
        }

        /** The names of the test races, in order. */
        List<String> testNames() {
            return test.stream().map(Run::name).distinct().toList();
        }
    }

    private LocalStepsSweep() {
    }

    static Result run(SparkSession spark, TimeToAccuracy.Options o, PrintStream out) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TimeToAccuracy.progress("reading %s (%s of the training rows, %s of them held out for validation) into %d"
                + " partitions", o.data(), o.rows(), o.validation(), o.partitions());
        try (AccuracyData data = AccuracyData.load(spark, o.data(), TimeToAccuracy.INSTALL_HINT, o.rows(), o.seed(),
                o.partitions(), o.settings().network(), o.blockRows(), o.precision(), o.validation())) {
            List<Run> validation = new ArrayList<>();
            String chosen = null;
            List<Run> candidates = candidates(o);
            if (o.validation() > 0) {
                for (Run c : candidates) {
                    Run first = race(sc, o, c.k(), c.outer(), o.seed(), data.fit, data.validation, "validation",
                            o.validationTarget());
                    // Its epochs are the same every time (the same rows, seed and settings), its time is not:
                    // the machine's noise once chose k = 16 over k = 64 when both took 4 epochs
                    validation.add(first.race().reached() ? faster(first, race(sc, o, c.k(), c.outer(), o.seed(),
                            data.fit, data.validation, "validation", o.validationTarget())) : first);
                }
                Run best = choose(validation);
                chosen = best.name();
                TimeToAccuracy.progress("chosen on the validation split: %s", chosen);
                Run k1 = candidates.stream().filter(c -> c.k() == 1).findFirst().orElse(best);
                candidates = k1 == best || best.k() == 1 ? List.of(best) : List.of(k1, best);
            }
            List<Run> test = new ArrayList<>();
            for (Run c : candidates) {
                for (int s = 0; s < o.seeds(); s++) {
                    test.add(race(sc, o, c.k(), c.outer(), o.seed() + s, data.train, data.test, "test", o.target()));
                }
            }
            Result result = new Result(validation, chosen, test);
            print(out, o, result, data, sc);
            return result;
        }
    }

    /** Each k of --local-steps, k > 1 with each outer optimizer (k = 1 has none): runs yet to race. */
    private static List<Run> candidates(TimeToAccuracy.Options o) {
        List<Run> candidates = new ArrayList<>();
        for (int k : o.localSteps()) {
            for (String outer : k == 1 ? o.outerOptimizers().subList(0, 1) : o.outerOptimizers()) {
                // The canonical spec, as the results name it
                candidates.add(new Run(k, OuterOptimizer.parse(outer).name(), o.seed(), null, 0));
            }
        }
        return candidates;
    }

    private static Run race(JavaSparkContext sc, TimeToAccuracy.Options o, int k, String outer, long seed,
                            TrainingData train, TrainingData checked, String what, double target) {
        return new Run(k, outer, seed, SparkpropRace.run(sc, o.settings(k, outer, seed), train, checked, what,
                target), train.rows());
    }

    /** The one of two races of a setting that took less time to the target. */
    static Run faster(Run a, Run b) {
        return b.seconds() < a.seconds() ? b : a;
    }

    /**
     * The run that reached the target fastest; when none did, the one with the best accuracy.
     * Ties: the smaller k, then the first.
     */
    static Run choose(List<Run> runs) {
        Comparator<Run> fastest = Comparator.comparingDouble(Run::seconds);
        Comparator<Run> order = runs.stream().anyMatch(r -> r.race().reached()) ? fastest
                : Comparator.comparingDouble((Run r) -> -r.race().bestAccuracy());
        return runs.stream().min(order.thenComparingInt(Run::k)).orElseThrow();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void print(PrintStream out, TimeToAccuracy.Options o, Result r, AccuracyData data,
                              JavaSparkContext sc) {
        out.println();
        out.printf(Locale.ROOT, "local steps: %s on %s, %,d training rows, %,d test rows, %d partitions; Spark %s,"
                        + " %d cores%n", SparkpropRace.setting(o.settings()), o.data(), data.train.rows(),
                data.test.rows(), o.partitions(), sc.master(), sc.defaultParallelism());
        out.println("time = training wall time until the epoch whose accuracy reached the target, the per-epoch"
                + " checks left out; lower = the epoch before; rows/s = training rows per second of that time;"
                + " jobs = Spark jobs (k steps each)");
        if (!r.validation().isEmpty()) {
            out.printf(Locale.ROOT, "%nchoosing k: trained on %,d rows, validation accuracy on the other %,d"
                    + " (%.0f%% of the training rows, split by seed %d), target %.4f%n", data.fit.rows(),
                    data.validation.rows(), 100 * o.validation(), o.seed(), o.validationTarget());
            table(out, r.validation(), "validation");
            out.printf(Locale.ROOT, "chosen: %s (the fastest to the validation target, the faster of two races each)%n",
                    r.chosen());
        }
        out.printf(Locale.ROOT, "%ntest races: all %,d training rows, test accuracy target %.4f, seeds %d..%d%n",
                data.train.rows(), o.target(), o.seed(), o.seed() + o.seeds() - 1);
        table(out, r.test(), "test");
        for (String name : r.testNames()) {
            double median = r.medianTestSeconds(name);
            out.printf(Locale.ROOT, "%s: median time to test accuracy %.4f over %d seeds: %s%n", name, o.target(),
                    o.seeds(), Double.isFinite(median) ? fmt("%.1f s", median) : "not reached");
        }
        out.println();
        for (Run run : r.validation()) {
            out.println(machineLine("validation", run));
        }
        for (Run run : r.test()) {
            out.println(machineLine("test", run));
        }
        for (String name : r.testNames()) {
            out.printf(Locale.ROOT, "result phase=median %s seeds=%d median_seconds=%.6g target=%.4f chosen=%b%n",
                    name, o.seeds(), r.medianTestSeconds(name), o.target(), name.equals(r.chosen()));
        }
        out.flush();
    }

    private static void table(PrintStream out, List<Run> runs, String what) {
        Run base = runs.stream().filter(run -> run.k() == 1).findFirst().orElse(null);
        String head = "%4s %-40s %5s %10s %9s %6s %6s %10s %7s %8s %9s %9s%n";
        out.printf(Locale.ROOT, head, "k", "outer", "seed", "time (s)", "lower (s)", "epochs", "jobs", "rows/s", "x k=1",
                "time/k=1", what.equals("test") ? "test acc" : "valid acc", "other CPU");
        for (Run run : runs) {
            Race race = run.race();
            Race.Check last = race.last();
            boolean reached = race.reached();
            out.printf(Locale.ROOT, head, run.k(), run.k() == 1 ? "-" : run.outer(), run.seed(), reached ? fmt("%.2f", last.seconds()) : "not reached",
                    reached ? fmt("%.2f", race.lowerBoundSeconds()) : "-", last.step(), last.iterations(),
                    fmt("%,.0f", run.rowsPerSecond()),
                    base == null ? "-" : fmt("%.1f", run.rowsPerSecond() / base.rowsPerSecond()),
                    base == null || !reached || !base.race().reached() ? "-" : fmt("%.2f", run.seconds()
                            / base.seconds()), fmt("%.4f", reached ? last.accuracy() : race.bestAccuracy()),
                    fmt("%.2f", race.otherCores()));
        }
    }

    private static String machineLine(String phase, Run run) {
        Race race = run.race();
        Race.Check last = race.last();
        return fmt("result phase=%s %s seed=%d reached=%b seconds=%.6g lower_bound_s=%.6g epochs=%d jobs=%d"
                        + " rows_per_s=%.6g accuracy=%.4f best_accuracy=%.4f other_cpu_cores=%.3f", phase, run.name(),
                run.seed(), race.reached(), last.seconds(), race.lowerBoundSeconds(), last.step(), last.iterations(),
                run.rowsPerSecond(), last.accuracy(), race.bestAccuracy(), race.otherCores());
    }
}
