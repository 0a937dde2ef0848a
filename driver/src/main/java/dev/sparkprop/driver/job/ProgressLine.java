package dev.sparkprop.driver.job;

import dev.sparkprop.driver.train.DistributedTrainer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a training run shows the people watching it: its lines (the epoch summaries, checkpoints,
 * notes) and, fed after every optimizer step, its progress through the epoch (step k of N, the
 * running mean loss, rows/s, elapsed time and the time left), in one of two {@link Mode}s.
 * Used from the driver's training thread only.
 */
public final class ProgressLine {

    /** How progress is shown. */
    public enum Mode {
        /**
         * On a terminal: one live line per epoch, redrawn in place with a carriage return at most
         * every {@link #TERMINAL_INTERVAL_NANOS} and at the epoch's last step, and replaced by the
         * epoch's line when it ends.
         */
        TERMINAL,
        /**
         * Logs, CI, pipes, a cluster's driver log, the estimators: progress as a line of its own
         * at most once every {@link #PLAIN_INTERVAL_NANOS} (and never twice for one step).
         */
        PLAIN
    }

    /**
     * The environment variable that picks the mode of the command line: {@code terminal},
     * {@code plain}, or {@code auto} (the default: terminal when {@link System#console()} is
     * there and TERM is not {@code dumb}). Java 17's console needs stdin and stdout to be
     * terminals, so {@code bin/sparkprop} sets this from its own test of stdout alone.
     */
    public static final String MODE_VARIABLE = "SPARKPROP_PROGRESS";

    static final long TERMINAL_INTERVAL_NANOS = 100_000_000L;
    static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;
    private static final int DEFAULT_COLUMNS = 80;
    private static final Logger LOG = LoggerFactory.getLogger(ProgressLine.class);

    private final Mode mode;
    private final Consumer<String> lines;
    private final PrintStream terminal;
    private final Consumer<String> progress;
    private final LongSupplier clock;
    private final int columns;

    private boolean started;
    private long runStart;
    private long runSteps;
    /**
     * Optimizer steps per record: 1, or with training.local_steps = k > 1 (a record per job) k,
     * learnt from the records' step numbers (a job's steps times its records are the ETAs' clock).
     */
    private long stepsPerRecord = 1;
    private long lastIteration = -1;
    private int epoch = -1;
    private long epochStart;
    private int epochSteps;
    private long epochRows;
    private double epochLossSum;
    private int epochLosses;
    private long lastShown;
    /** Characters of the live line on the terminal now; 0 when none is shown. */
    private int liveWidth;

    private ProgressLine(Mode mode, Consumer<String> lines, PrintStream terminal, Consumer<String> progress,
                         LongSupplier clock, int columns) {
        this.mode = mode;
        this.lines = lines;
        this.terminal = terminal;
        this.progress = progress;
        this.clock = clock;
        this.columns = columns;
    }

    /** On a terminal of {@code columns} columns: lines and the live line on {@code out}. */
    static ProgressLine terminal(PrintStream out, LongSupplier clock, int columns) {
        return new ProgressLine(Mode.TERMINAL, null, out, null, clock, columns);
    }

    /** Lines to {@code lines}, progress lines to {@code progress}. */
    static ProgressLine plain(Consumer<String> lines, Consumer<String> progress, LongSupplier clock) {
        return new ProgressLine(Mode.PLAIN, lines, null, progress, clock, 0);
    }

    /**
     * For the command line: lines on {@code out}; progress live on {@code out} on a terminal,
     * else on this class's logger at INFO (stderr with sparkprop's log4j2 config).
     *
     * @param setting the {@link #MODE_VARIABLE} value, or null
     * @throws IllegalArgumentException for a setting other than terminal, plain or auto
     */
    public static ProgressLine console(PrintStream out, String setting) {
        boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        return mode(setting, terminal) == Mode.TERMINAL
                ? terminal(out, System::nanoTime, columns(System.getenv("COLUMNS")))
                : plain(out::println, LOG::info, System::nanoTime);
    }

    /** For the Spark ML estimators, in users' JVMs and notebooks: everything at INFO on {@code log}. */
    public static ProgressLine log(Logger log) {
        return plain(log::info, log::info, System::nanoTime);
    }

    /** The mode a {@link #MODE_VARIABLE} setting (null: auto) picks, given whether a terminal is attached. */
    static Mode mode(String setting, boolean terminalAttached) {
        String s = setting == null || setting.isBlank() ? "auto" : setting.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "terminal" -> Mode.TERMINAL;
            case "plain" -> Mode.PLAIN;
            case "auto" -> terminalAttached ? Mode.TERMINAL : Mode.PLAIN;
            default -> throw new IllegalArgumentException(MODE_VARIABLE + " must be terminal, plain or auto, got '"
                    + setting + "'");
        };
    }

    /** The terminal's width from COLUMNS (which bin/sparkprop exports), else 80. */
    static int columns(String variable) {
        try {
            int n = variable == null ? 0 : Integer.parseInt(variable.strip());
            return n >= 20 ? n : DEFAULT_COLUMNS;
        } catch (NumberFormatException e) {
            return DEFAULT_COLUMNS;
        }
    }

    /** A line of its own (an epoch's summary, a checkpoint, a note); on a terminal it replaces the live line. */
    public void line(String text) {
        if (mode == Mode.TERMINAL) {
            terminal.print(liveWidth > 0 ? "\r" + padded(text, liveWidth) + "\n" : text + "\n");
            terminal.flush();
            liveWidth = 0;
            // The next step shows progress again at once, under the line.
            lastShown = clock.getAsLong() - TERMINAL_INTERVAL_NANOS;
        } else {
            lines.accept(text);
            lastShown = clock.getAsLong();
        }
    }

    /**
     * What the run does before its first step (reading, preparing, caching the data), which can
     * take minutes on large data: on a terminal the live line, until a line replaces it; else a
     * progress line (the log, for the command line).
     */
    public void phase(String what) {
        String text = what + " ...";
        if (mode == Mode.TERMINAL) {
            String shown = fit(List.of(text), columns - 1);
            terminal.print("\r" + padded(shown, liveWidth));
            terminal.flush();
            liveWidth = shown.length();
        } else {
            progress.accept(text);
        }
    }

    /**
     * Records one optimizer step, and shows the progress if the mode's interval has passed since
     * it was last shown; nothing is formatted otherwise.
     */
    public void step(DistributedTrainer.Iteration step, int stepsPerEpoch, int epochs) {
        long now = clock.getAsLong();
        long began = now - (long) (step.seconds() * 1e9);
        if (!started) {
            started = true;
            runStart = began;
            // A terminal shows the first step at once; a log waits for the first interval.
            lastShown = mode == Mode.TERMINAL ? now - TERMINAL_INTERVAL_NANOS : began;
        }
        if (step.epoch() != epoch) {
            epoch = step.epoch();
            epochStart = began;
            epochSteps = 0;
            epochRows = 0;
            epochLossSum = 0;
            epochLosses = 0;
        }
        if (lastIteration >= 0) {
            stepsPerRecord = Math.max(stepsPerRecord, step.iteration() - lastIteration);
        }
        lastIteration = step.iteration();
        runSteps++;
        epochSteps++;
        epochRows += step.rows();
        if (step.counted()) {
            epochLossSum += step.loss();
            epochLosses++;
        }
        long interval = mode == Mode.TERMINAL ? TERMINAL_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
        // A terminal also shows an epoch's last step, which stays up while the validation pass runs.
        boolean epochDone = mode == Mode.TERMINAL && step.step() == stepsPerEpoch;
        if (now - lastShown < interval && !epochDone) {
            return;
        }
        lastShown = now;
        List<String> parts = parts(step, stepsPerEpoch, epochs, now);
        if (mode == Mode.TERMINAL) {
            String text = fit(parts, columns - 1);
            terminal.print("\r" + padded(text, liveWidth));
            terminal.flush();
            liveWidth = text.length();
        } else {
            progress.accept(String.join("  ", parts));
        }
    }

    /** Ends a live line that is still shown (the run stopped mid-epoch), so what follows starts a line of its own. */
    public void finish() {
        if (mode == Mode.TERMINAL && liveWidth > 0) {
            terminal.print("\n");
            terminal.flush();
            liveWidth = 0;
        }
    }

    /** The progress, most important first: what a narrow terminal leaves out comes last. */
    private List<String> parts(DistributedTrainer.Iteration step, int stepsPerEpoch, int epochs, long now) {
        long epochNanos = Math.max(1, now - epochStart);
        long runNanos = Math.max(1, now - runStart);
        long epochRecordsLeft = ceilDiv(Math.max(0, stepsPerEpoch - step.step()), stepsPerRecord);
        long epochLeft = (long) ((double) epochNanos / epochSteps * epochRecordsLeft);
        // This epoch's rest at this epoch's rate, the later epochs at the run's: the run never ends before the epoch
        long laterRecords = (long) (epochs - 1 - step.epoch()) * ceilDiv(stepsPerEpoch, stepsPerRecord);
        long runLeft = epochLeft + (long) ((double) runNanos / runSteps * laterRecords);
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "epoch %d/%d step %d/%d", step.epoch() + 1, epochs, step.step(),
                stepsPerEpoch));
        parts.add(epochLosses == 0 ? "loss -" : String.format(Locale.ROOT, "loss %.4g", epochLossSum / epochLosses));
        parts.add("elapsed " + duration(runNanos));
        parts.add("epoch ETA " + duration(epochLeft));
        parts.add("run ETA " + duration(runLeft));
        parts.add(String.format(Locale.ROOT, "%.0f rows/s", epochRows / (epochNanos / 1e9)));
        return parts;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** As many parts as fit in {@code width} characters, in order. */
    private static String fit(List<String> parts, int width) {
        StringBuilder text = new StringBuilder(parts.get(0));
        for (int i = 1; i < parts.size() && text.length() + 2 + parts.get(i).length() <= width; i++) {
            text.append("  ").append(parts.get(i));
        }
        return text.length() <= width ? text.toString() : text.substring(0, width);
    }

    /** {@code text}, padded with spaces to cover {@code width} characters of what the line showed before. */
    private static String padded(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** m:ss, or h:mm:ss from an hour. */
    static String duration(long nanos) {
        long s = Math.round(nanos / 1e9);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
