package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.DistributedTrainer.Iteration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line in both modes, on a clock the test moves (nothing sleeps). */
class ProgressLineTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** What a terminal shows after {@code text}: a carriage return goes back to the start of the row. */
    private static List<String> screen(String text) {
        List<StringBuilder> rows = new ArrayList<>(List.of(new StringBuilder()));
        int column = 0;
        for (char c : text.toCharArray()) {
            StringBuilder row = rows.get(rows.size() - 1);
            if (c == '\r') {
                column = 0;
            } else if (c == '\n') {
                rows.add(new StringBuilder());
                column = 0;
            } else {
                if (column < row.length()) {
                    row.setCharAt(column, c);
                } else {
                    row.append(c);
                }
                column++;
            }
        }
        return rows.stream().map(r -> r.toString().stripTrailing()).toList();
    }

    /** Steps {@code from}..{@code to} of an epoch of {@code n}, each of 100 rows taking {@code ms} on the clock. */
    private void steps(ProgressLine progress, int epoch, int from, int to, int n, long ms, double loss) {
        for (int k = from; k <= to; k++) {
            clock.addAndGet(ms * MS);
            progress.step(new Iteration((long) epoch * n + k, epoch, k, 100, loss, 0.01, ms / 1000.0, false), n, 2);
        }
    }

    @Test
    void terminalRedrawsOneLineInPlaceAtMostTenTimesASecondAndTheEpochLineReplacesIt() {
        ProgressLine progress = ProgressLine.terminal(out, clock::get, 100);
        steps(progress, 0, 1, 1000, 1000, 1, 0.5);

        String live = output();
        assertFalse(live.contains("\n"), "one line, redrawn in place");
        int draws = live.split("\r", -1).length - 1;
        // The first step at once, then one a tenth of a second: 1000 steps of 1 ms.
        assertTrue(draws >= 10 && draws <= 11, draws + " redraws");
        assertEquals(List.of("epoch 1/2 step 1000/1000  loss 0.5000  elapsed 0:01  epoch ETA 0:00  run ETA 0:01"
                + "  100000 rows/s"), screen(live));

        progress.line("epoch 1/2 train_loss=0.5");
        assertTrue(output().endsWith("\n"), output());
        assertEquals(List.of("epoch 1/2 train_loss=0.5", ""), screen(output()));

        // The next epoch's first step shows at once, on the row below the epoch line.
        steps(progress, 1, 1, 1, 1000, 1, 0.25);
        List<String> screen = screen(output());
        assertEquals(2, screen.size());
        assertTrue(screen.get(1).startsWith("epoch 2/2 step 1/1000  loss 0.2500  elapsed 0:01  epoch ETA 0:01"),
                screen.get(1));

        progress.finish();
        assertEquals(List.of("epoch 1/2 train_loss=0.5", screen.get(1), ""), screen(output()),
                "what follows a stopped run starts a row of its own");
    }

    @Test
    void aPhaseBeforeTheFirstStepIsTheLiveLineUntilALineReplacesIt() {
        ProgressLine progress = ProgressLine.terminal(out, clock::get, 200);
        progress.phase("reading data.path 'big.csv' (csv)");
        assertEquals(List.of("reading data.path 'big.csv' (csv) ..."), screen(output()));
        progress.phase("caching");
        assertEquals(List.of("caching ..."), screen(output()), "the shorter phase blanks the longer one");
        progress.line("training 4,2:softmax");
        assertEquals(List.of("training 4,2:softmax", ""), screen(output()));

        List<String> lines = new ArrayList<>();
        List<String> progressLines = new ArrayList<>();
        ProgressLine plain = ProgressLine.plain(lines::add, progressLines::add, clock::get);
        plain.phase("reading");
        assertEquals(List.of("reading ..."), progressLines);
        assertEquals(List.of(), lines, "a phase is progress, not a line of the run's output");
    }

    @Test
    void theRunsEtaIsNeverShorterThanTheEpochsAndEqualsItInTheLastEpoch() {
        ProgressLine progress = ProgressLine.terminal(out, clock::get, 200);
        steps(progress, 0, 1, 10, 10, 1, 0.5);
        progress.line("epoch 1/2 train_loss=0.5");
        // The last epoch's first step is slow: the epoch's rate says 9 s are left, and so must the run's
        steps(progress, 1, 1, 1, 10, 1000, 0.25);
        List<String> screen = screen(output());
        assertTrue(screen.get(1).startsWith("epoch 2/2 step 1/10  loss 0.2500  elapsed 0:01  epoch ETA 0:09"),
                screen.get(1));
        assertTrue(screen.get(1).contains("epoch ETA 0:09  run ETA 0:09"), screen.get(1));
    }

    @Test
    void withLocalStepsTheLineCountsStepsAndItsEtasJobs() {
        // training.local_steps = 4: a record per job of 4 steps (the last of the epoch's 10 steps 2), 1 s each
        ProgressLine progress = ProgressLine.terminal(out, clock::get, 200);
        for (int step : new int[] {4, 8}) {
            clock.addAndGet(1000 * MS);
            progress.step(new Iteration(step, 0, step, 400, 0.5, 0.01, 1.0, false), 10, 2);
        }
        // 2 jobs of 1 s done: 1 job left in the epoch (steps 9-10), 3 more in the next
        assertEquals(List.of("epoch 1/2 step 8/10  loss 0.5000  elapsed 0:02  epoch ETA 0:01  run ETA 0:04"
                + "  400 rows/s"), screen(output()));
    }

    @Test
    void terminalLineLeavesOutWhatDoesNotFitTheWidth() {
        ProgressLine progress = ProgressLine.terminal(out, clock::get, 40);
        steps(progress, 0, 1, 3, 10, 200, 1.5);
        for (String row : screen(output())) {
            assertTrue(row.length() < 40, row);
        }
        assertEquals(List.of("epoch 1/2 step 3/10  loss 1.500"), screen(output()));
    }

    @Test
    void anEightyColumnTerminalKeepsTheRunsTimeLeftAndLeavesOutRowsPerSecond() {
        ProgressLine progress = ProgressLine.terminal(out, clock::get, 80);
        steps(progress, 0, 1, 300, 1000, 200, 1.5);
        assertEquals(List.of("epoch 1/2 step 300/1000  loss 1.500  elapsed 1:00  epoch ETA 2:20  run ETA 5:40"),
                screen(output()));
    }

    @Test
    void terminalRunningLossLeavesOutSkippedStepsAndThoseOfRowsOfWeightZero() {
        ProgressLine progress = ProgressLine.terminal(out, clock::get, 200);
        clock.addAndGet(500 * MS);
        progress.step(new Iteration(1, 0, 1, 100, 1.0, 0.01, 0.5, false), 4, 1);
        clock.addAndGet(500 * MS);
        progress.step(new Iteration(2, 0, 2, 100, Double.NaN, 0.01, 0.5, true), 4, 1);
        clock.addAndGet(500 * MS);
        // No step: its rows all weigh 0, so its loss is NaN though it was not skipped
        progress.step(new Iteration(3, 0, 3, 100, Double.NaN, 0.01, 0.5, false), 4, 1);
        clock.addAndGet(500 * MS);
        progress.step(new Iteration(4, 0, 4, 100, 2.0, 0.01, 0.5, false), 4, 1);
        assertTrue(screen(output()).get(0).startsWith("epoch 1/1 step 4/4  loss 1.500  elapsed 0:02"),
                screen(output()).toString());
    }

    @Test
    void plainShowsProgressAtMostOncePerIntervalAndNeverTwicePerStep() {
        List<String> lines = new ArrayList<>();
        List<Long> shown = new ArrayList<>();
        List<String> progressLines = new ArrayList<>();
        ProgressLine progress = ProgressLine.plain(lines::add, p -> {
            progressLines.add(p);
            shown.add(clock.get());
        }, clock::get);

        // 100 steps of 3 s: a line at most every 10 s.
        steps(progress, 0, 1, 100, 100, 3000, 0.5);
        assertEquals(25, progressLines.size(), "every fourth step (12 s) of 300 s: " + progressLines);
        for (int i = 1; i < shown.size(); i++) {
            assertTrue(shown.get(i) - shown.get(i - 1) >= ProgressLine.PLAIN_INTERVAL_NANOS);
        }
        assertEquals("epoch 1/2 step 4/100  loss 0.5000  elapsed 0:12  epoch ETA 4:48  run ETA 9:48  33 rows/s",
                progressLines.get(0));
        assertTrue(lines.isEmpty(), "progress is not a line of the run: " + lines);

        // Steps of 30 s: one line each, never more.
        progressLines.clear();
        steps(progress, 1, 1, 5, 5, 30_000, 0.5);
        assertEquals(5, progressLines.size());

        // A line of the run waits the interval again before the next progress line.
        progress.line("epoch 2/2 train_loss=0.5");
        assertEquals(List.of("epoch 2/2 train_loss=0.5"), lines);
        progressLines.clear();
        steps(progress, 1, 1, 3, 5, 3000, 0.5);
        assertEquals(0, progressLines.size());
    }

    @Test
    void modeComesFromTheSettingOrFromWhetherATerminalIsAttached() {
        assertEquals(ProgressLine.Mode.TERMINAL, ProgressLine.mode("terminal", false));
        assertEquals(ProgressLine.Mode.PLAIN, ProgressLine.mode("plain", true));
        assertEquals(ProgressLine.Mode.TERMINAL, ProgressLine.mode(null, true));
        assertEquals(ProgressLine.Mode.PLAIN, ProgressLine.mode("auto", false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProgressLine.mode("fancy", true));
        assertEquals("SPARKPROP_PROGRESS must be terminal, plain or auto, got 'fancy'", e.getMessage());
        assertEquals(120, ProgressLine.columns("120"));
        assertEquals(80, ProgressLine.columns(null));
        assertEquals(80, ProgressLine.columns("wide"));
    }

    @Test
    void durationsReadAsMinutesAndSecondsThenHours() {
        assertEquals("0:00", ProgressLine.duration(0));
        assertEquals("1:00", ProgressLine.duration(59_600 * MS));
        assertEquals("1:02:05", ProgressLine.duration(3_725_000 * MS));
    }
}
