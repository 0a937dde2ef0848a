package dev.sparkprop.driver.cli;

import dev.sparkprop.driver.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The application's entry point: {@code spark-submit --class dev.sparkprop.driver.cli.Main app.jar
 * <subcommand> ...}, or {@code bin/sparkprop <subcommand> ...} locally.
 */
@Command(name = "sparkprop", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Data-parallel training of dense neural networks on Apache Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, GradcheckCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code: 0 success, 1 failure, 2 bad usage, 130 interrupted. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (shuttingDown()) {
                // Ctrl-C or a signal: Spark's shutdown hook has stopped the SparkContext under the
                // command, whose failure, of whatever kind (a read's message included), says only
                // that; the outputs are written at the end, if at all.
                commandLine.getErr().println("error: interrupted; the command stopped before writing its output"
                        + (commandLine.getCommandName().equals("train")
                        ? " (with training.checkpoint.path set, train --resume <that path> continues from its"
                        + " newest checkpoint)" : ""));
                return INTERRUPTED;
            }
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            if (e instanceof TrainingDivergedException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** The exit status of a command stopped by Ctrl-C, as a shell reports a process SIGINT ended. */
    static final int INTERRUPTED = 130;

    /** Whether the JVM is running its shutdown hooks: they can no longer be added then. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {dev.sparkprop.driver.Version.describe(), "on Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
                    + ", Scala " + scala.util.Properties$.MODULE$.versionNumberString() + ", Java "
                    + System.getProperty("java.version")};
        }
    }
}
