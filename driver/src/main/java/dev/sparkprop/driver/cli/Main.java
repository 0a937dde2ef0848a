package dev.sparkprop.driver.cli;

import dev.sparkprop.driver.FileSystemFailure;
import dev.sparkprop.driver.Throwables;
import dev.sparkprop.driver.Version;
import dev.sparkprop.driver.spark.SparkSessions;
import dev.sparkprop.driver.train.TrainingDivergedException;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import picocli.CommandLine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The application's entry point: {@code spark-submit --class dev.sparkprop.driver.cli.Main app.jar
 * <subcommand> ...}, or {@code bin/sparkprop <subcommand> ...} locally.
 */
@Command(name = "sparkprop", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Data-parallel training of dense neural networks on Apache Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, GradcheckCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (OutOfMemoryError e) {
            // The driver's own work: picocli hands only Exceptions to the handler
            System.err.println("error: " + outOfMemoryMessage(true, false));
            status = 1;
        }
        System.exit(status);
    }

    /** Runs a command line and returns its exit code: 0 success, 1 failure, 2 bad usage, 130 interrupted. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, given) -> {
            // One line as every other usage error, naming the command's --help (picocli's own takes two
            // lines, and counts a mistyped option's value among the unknown options)
            CommandLine where = e.getCommandLine();
            boolean top = where.getCommandName().equals("sparkprop");
            String problem = e.getMessage().replace(System.lineSeparator(), " ");
            String closest = null;
            if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
                String first = u.getUnmatched().get(0);
                problem = (first.startsWith("-") ? "unknown option '" : top ? "unknown command '"
                        : "unexpected argument '") + first + "'";
                // picocli's closest first
                closest = u.getSuggestions().isEmpty() ? null : u.getSuggestions().get(0);
                // --set key value: the value, in an argument of its own, reads as an unexpected one
                for (int at = 2; at < given.length; at++) {
                    if (given[at].equals(first) && given[at - 2].equals("--set") && !given[at - 1].contains("=")) {
                        // --set key = value and --set key =value too
                        String value = !first.equals("=") ? first.replaceFirst("^=", "")
                                : at + 1 < given.length ? given[at + 1] : "<value>";
                        where.getErr().println("error: --set " + given[at - 1] + " " + first + ": --set takes"
                                + " key=value as one argument; write --set " + given[at - 1] + "=" + value);
                        return 2;
                    }
                }
            }
            where.getErr().println("error: " + problem + (closest == null ? "" : "; did you mean " + closest + "?")
                    + (top ? " (sparkprop --help lists the commands)"
                    : " (sparkprop " + where.getCommandName() + " --help lists the options)"));
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (outOfMemory(e)) {
                // sparkprop's tasks fail on an OutOfMemoryError (PartitionJob); in Spark's own tasks it
                // also makes Spark exit the JVM (local mode runs tasks in it), which would otherwise read
                // as an interrupt
                commandLine.getErr().println("error: " + outOfMemoryMessage(thrownHere(e),
                        commandLine.getCommandName().equals("train")));
                return 1;
            }
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
            if (e instanceof FileSystemFailure && Throwables.causedBy(e, UnsupportedFileSystemException.class)) {
                // A URI of no file system this JVM has: the path given is the problem, not the file system
                commandLine.getErr().println("error: " + e.getMessage() + "; check the path's scheme (file:, hdfs:,"
                        + " s3a:, ...), or put that file system's connector jar on the classpath");
                return 2;
            }
            if (e instanceof TrainingDivergedException || e instanceof FileSystemFailure) {
                // A file system's failure (a full disk, a lost permission) is not a bug; its message names the path
                commandLine.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** Whether {@code e}, one of its causes, or a task failure it reports is Java running out of heap. */
    private static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("java.lang.OutOfMemoryError")) {
                return true;
            }
        }
        return thrownHere(e);
    }

    /**
     * @param here whether this JVM's own OutOfMemoryError, whose heap the message gives; else a task's, reported
     *             in a task failure (an executor's on a cluster)
     * @param train whether the command was train, whose training.block_rows sets the tasks' buffers
     */
    private static String outOfMemoryMessage(boolean here, boolean train) {
        return (here ? "Java ran out of heap memory (this JVM's heap: " + Runtime.getRuntime().maxMemory() / (1 << 20)
                + " MiB)" : "a Spark task ran out of heap memory") + "; " + SparkSessions.MORE_MEMORY
                // evaluate and predict take the saved model's
                + (!here && train ? "; or lower training.block_rows, the rows a task's buffers hold at once for each"
                + " layer" : "");
    }

    private static boolean thrownHere(Throwable e) {
        return Throwables.causedBy(e, OutOfMemoryError.class);
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

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** No command given: a usage error, with the usage. */
    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        cli.getErr().println("error: no command given; give one of train, evaluate, predict or gradcheck");
        cli.usage(cli.getErr());
        return 2;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Version.describe(), "on Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
                    + ", Scala " + scala.util.Properties$.MODULE$.versionNumberString() + ", Java "
                    + System.getProperty("java.version")};
        }
    }
}
