package dev.sparkprop.bench;

import dev.sparkprop.driver.spark.SparkSessions;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * How every benchmark main starts and ends: {@code --help} prints the usage; options that do
 * not parse print the problem and the usage and exit 2 before Spark starts; the benchmark runs
 * in one SparkSession, stopped at the end; bad data (an IllegalArgumentException) exits 2.
 */
final class BenchmarkMain {

    private BenchmarkMain() {
    }

    static <O> void run(String command, String usage, String[] args, Function<String[], O> parse,
                        BiConsumer<SparkSession, O> benchmark) {
        O options;
        try {
            if (List.of(args).contains("--help")) {
                System.out.println(usage);
                return;
            }
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(command + ": " + e.getMessage() + "\n" + usage);
            System.exit(2);
            return;
        }
        SparkSession spark = SparkSessions.getOrCreate("sparkprop-" + command);
        int status = 0;
        try {
            benchmark.accept(spark, options);
        } catch (IllegalArgumentException e) {
            System.err.println(command + ": " + e.getMessage());
            status = 2;
        } finally {
            spark.stop();
        }
        if (status != 0) {
            System.exit(status);
        }
    }
}
