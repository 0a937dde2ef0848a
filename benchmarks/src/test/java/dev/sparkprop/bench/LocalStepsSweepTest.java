package dev.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local-steps comparison on the generated Fashion-MNIST-shaped pair of TimeToAccuracyTest:
 * k is chosen on the validation split, the chosen k and k = 1 race on the test rows once per
 * seed, and the result lines agree with the races.
 */
class LocalStepsSweepTest {

    @TempDir
    Path dir;

    @Test
    void choosesKOnTheValidationSplitThenRacesItAndKOneOnTheTestRowsPerSeed() throws IOException {
        TimeToAccuracyTest.writeImages(dir.resolve("train.csv"), 600, 1);
        TimeToAccuracyTest.writeImages(dir.resolve("test.csv"), 200, 2);
        TimeToAccuracy.Options options = TimeToAccuracy.Options.parse("--data", dir.toString(), "--target", "0.6",
                "--batch-rows", "50", "--max-epochs", "20", "--local-steps", "1,4", "--outer-optimizer", "average",
                "--outer-optimizer", "nesterov", "--validation", "0.25", "--seeds", "2");
        SparkSession spark = TestSessions.local("sparkprop-local-steps-sweep-test");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LocalStepsSweep.Result result;
        try {
            result = LocalStepsSweep.run(spark, options, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        } finally {
            spark.stop();
        }
        String table = bytes.toString(StandardCharsets.UTF_8);
        // k = 1 once (it has no outer optimizer), k = 4 with each
        assertEquals(List.of("k=1 outer=-", "k=4 outer=average",
                        "k=4 outer=nesterov(momentum=0.9,learning_rate=0.7)"),
                result.validation().stream().map(LocalStepsSweep.Run::name).toList(), table);
        String chosen = LocalStepsSweep.choose(result.validation()).name();
        assertEquals(chosen, result.chosen(), table);
        List<String> expected = chosen.equals("k=1 outer=-") ? List.of(chosen, chosen)
                : List.of("k=1 outer=-", "k=1 outer=-", chosen, chosen);
        assertEquals(expected, result.test().stream().map(LocalStepsSweep.Run::name).toList(), table);
        assertEquals(List.of(1L, 2L), result.test().stream().filter(r -> r.k() == 1).map(LocalStepsSweep.Run::seed)
                .toList(), table);
        for (LocalStepsSweep.Run run : result.validation()) {
            // About 450 of the 600 training rows train, the rest check
            assertTrue(run.trainRows() > 350 && run.trainRows() < 550, table);
            assertTrue(run.race().reached(), table);
            String line = TimeToAccuracyTest.line(table, "result phase=validation " + run.name() + " ");
            assertEquals(run.race().last().seconds(), TimeToAccuracyTest.value(line, "seconds"),
                    1e-5 * run.race().last().seconds(), line);
            // jobs: ceil(steps an epoch / k) per epoch, so k = 4 takes about a quarter of k = 1's per epoch
            double jobsPerEpoch = TimeToAccuracyTest.value(line, "jobs") / TimeToAccuracyTest.value(line, "epochs");
            double steps = Math.ceil(run.trainRows() / 50.0);
            assertEquals(Math.ceil(steps / run.k()), jobsPerEpoch, 1e-9, line);
        }
        for (LocalStepsSweep.Run run : result.test()) {
            assertEquals(600, run.trainRows(), table);
        }
        String median = TimeToAccuracyTest.line(table, "result phase=median k=1 outer=- ");
        double k1 = result.medianTestSeconds("k=1 outer=-");
        assertEquals(k1, TimeToAccuracyTest.value(median, "median_seconds"), 1e-5 * k1, median);
        assertTrue(table.contains("chosen: " + chosen), table);
    }

    @Test
    void choiceIsTheFastestToTheTargetOrElseTheMostAccurate() {
        LocalStepsSweep.Run slow = run(1, 0.8, new double[] {2, 0.7}, new double[] {4, 0.81});
        LocalStepsSweep.Run fast = run(16, 0.8, new double[] {1, 0.82});
        LocalStepsSweep.Run missed = run(64, 0.8, new double[] {1, 0.79});
        assertEquals(16, LocalStepsSweep.choose(List.of(slow, fast, missed)).k());
        assertEquals(1, LocalStepsSweep.choose(List.of(slow, missed)).k());
        LocalStepsSweep.Run worse = run(4, 0.9, new double[] {1, 0.7});
        LocalStepsSweep.Run better = run(16, 0.9, new double[] {1, 0.75});
        assertEquals(16, LocalStepsSweep.choose(List.of(worse, better)).k());
        // Of a setting's two validation races (the same epochs), the one of less time counts
        LocalStepsSweep.Run again = run(1, 0.8, new double[] {1.5, 0.7}, new double[] {3, 0.81});
        assertSame(again, LocalStepsSweep.faster(slow, again));
        assertSame(again, LocalStepsSweep.faster(again, slow));
        assertSame(fast, LocalStepsSweep.faster(fast, missed));
        assertEquals(2.5, LocalStepsSweep.median(new double[] {4, 1, 2, 3}), 0);
        assertEquals(3, LocalStepsSweep.median(new double[] {Double.POSITIVE_INFINITY, 1, 3}), 0);
    }

    @Test
    void localStepsOptionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> TimeToAccuracy.Options.parse("--local-steps", "1,0"));
        assertThrows(IllegalArgumentException.class, () -> TimeToAccuracy.Options.parse("--local-steps", "1",
                "--validation", "1"));
        assertThrows(IllegalArgumentException.class, () -> TimeToAccuracy.Options.parse("--local-steps", "1",
                "--outer-optimizer", "nesterov(momentum=2)"));
        // MLlib's layers are not checked against a network it does not race
        TimeToAccuracy.Options.parse("--local-steps", "1,4", "--layers", "64,10:softmax");
    }

    private static LocalStepsSweep.Run run(int k, double target, double[]... checks) {
        List<Race.Check> list = new ArrayList<>();
        for (int e = 0; e < checks.length; e++) {
            list.add(new Race.Check(e + 1, e + 1, checks[e][0], checks[e][1]));
        }
        return new LocalStepsSweep.Run(k, "average", 1, new Race("sparkprop", "s", "epoch", target, list, 10, 0), 100);
    }
}
