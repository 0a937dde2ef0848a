package dev.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test on a generated Fashion-MNIST-shaped CSV pair (784 pixel columns, 10 classes, 600
 * training and 200 test rows): both races reach a low target and the table and result lines
 * say so with consistent numbers.
 */
class TimeToAccuracyTest {

    private static final int PIXELS = 784;
    private static final int CLASSES = 10;

    @TempDir
    Path dir;

    @Test
    void bothReachALowTargetOnTinyData() throws IOException {
        writeImages(dir.resolve("train.csv"), 600, 1);
        writeImages(dir.resolve("test.csv"), 200, 2);
        TimeToAccuracy.Options options = TimeToAccuracy.Options.parse("--data", dir.toString(), "--target", "0.6",
                "--batch-rows", "100", "--max-epochs", "20", "--mllib-max-iter", "40");
        SparkSession spark = TestSessions.local("sparkprop-time-to-accuracy-test");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TimeToAccuracy.Result result;
        try {
            result = TimeToAccuracy.run(spark, options, options.settings(),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
        } finally {
            spark.stop();
        }
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(600, result.trainRows(), table);
        assertEquals(200, result.testRows(), table);
        assertTrue(table.contains("MLlib time / sparkprop time = "), table);

        for (String contestant : List.of("sparkprop", "mllib")) {
            String line = line(table, "result contestant=" + contestant + " ");
            assertTrue(line.contains(" reached=true "), line);
            double seconds = value(line, "seconds");
            assertTrue(seconds > 0 && Double.isFinite(seconds), line);
            assertTrue(value(line, "lower_bound_s") <= seconds, line);
            assertTrue(value(line, "seconds_with_checks") >= seconds, line);
            assertTrue(value(line, "accuracy") >= 0.6 && value(line, "accuracy") <= 1, line);
            assertTrue(value(line, "iterations") >= 1, line);
        }
        String sparkprop = line(table, "result contestant=sparkprop ");
        // 600 rows in batches of 100: six iterations an epoch.
        assertEquals(6 * value(sparkprop, "epochs"), value(sparkprop, "iterations"), sparkprop);
        double maxIter = value(line(table, "result contestant=mllib "), "max_iter");
        assertTrue(MllibRace.schedule(40).contains((int) maxIter), "max_iter=" + maxIter);

        String summary = line(table, "result ratio=");
        double ratio = value(summary, "ratio");
        assertTrue(ratio > 0 && Double.isFinite(ratio), summary);
        assertEquals(value(line(table, "result contestant=mllib "), "seconds")
                / value(sparkprop, "seconds"), ratio, 1e-3 * ratio, summary);
        assertTrue(value(summary, "ratio_lower_bound") <= ratio, summary);
    }

    /** The ratio and its bound from the checks, without Spark: MLlib reaching the target or not. */
    @Test
    void ratioFollowsTheChecks() {
        Race sparkprop = new Race("sparkprop", "s", "epoch", 0.8, List.of(new Race.Check(1, 10, 2, 0.7),
                new Race.Check(2, 20, 4, 0.85)), 5, 0);
        Race mllibReached = new Race("MLlib", "m", "maxIter", 0.8, List.of(new Race.Check(10, 10, 6, 0.6),
                new Race.Check(20, 20, 12, 0.81)), 20, 0);
        Race mllibNot = new Race("MLlib", "m", "maxIter", 0.8, List.of(new Race.Check(10, 10, 6, 0.6),
                new Race.Check(20, 17, 10, 0.75)), 18, 0);
        TimeToAccuracy.Result reached = new TimeToAccuracy.Result(sparkprop, mllibReached, 100, 10, 1);
        assertEquals(3, reached.ratio(), 1e-12);
        assertEquals(1.5, reached.ratioLowerBound(), 1e-12);
        assertEquals(2, sparkprop.lowerBoundSeconds(), 1e-12);
        TimeToAccuracy.Result notReached = new TimeToAccuracy.Result(sparkprop, mllibNot, 100, 10, 1);
        assertTrue(Double.isNaN(notReached.ratio()));
        assertEquals(2.5, notReached.ratioLowerBound(), 1e-12);
        assertEquals(0.75, mllibNot.bestAccuracy(), 1e-12);
        assertTrue(Double.isNaN(mllibNot.lowerBoundSeconds()));
    }

    @Test
    void missingDataNamesTheInstallCommand() {
        TimeToAccuracy.Options options = TimeToAccuracy.Options.parse("--data", dir.resolve("absent").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccuracyData.load(null,
                options.data(), TimeToAccuracy.INSTALL_HINT, 1, 1, 2, options.settings().network(), 1024,
                options.precision(), 0));
        assertTrue(e.getMessage().contains("bin/install-data --fashion-mnist"), e.getMessage());
    }

    @Test
    void optionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> TimeToAccuracy.Options.parse("--mllib-layers", "100,10"));
        assertThrows(IllegalArgumentException.class, () -> TimeToAccuracy.Options.parse("--rows", "0"));
        assertThrows(IllegalArgumentException.class, () -> TimeToAccuracy.Options.parse("--target"));
        assertEquals(List.of(10, 20, 40, 80, 160, 320), MllibRace.schedule(320));
        assertEquals(List.of(10, 20, 40, 80, 100), MllibRace.schedule(100));
        assertEquals(List.of(5), MllibRace.schedule(5));
    }

    /** Rows of class r mod 10: a class's fixed random pattern of bright pixels, plus noise, as 0..255. */
    static void writeImages(Path csv, int rows, long seed) throws IOException {
        Random patterns = new Random(0);
        boolean[][] bright = new boolean[CLASSES][PIXELS];
        for (boolean[] pattern : bright) {
            for (int j = 0; j < PIXELS; j++) {
                pattern[j] = patterns.nextInt(4) == 0;
            }
        }
        Random noise = new Random(seed);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            StringBuilder header = new StringBuilder();
            for (int j = 1; j <= PIXELS; j++) {
                header.append('p').append(j).append(',');
            }
            out.println(header.append("label"));
            for (int r = 0; r < rows; r++) {
                int label = r % CLASSES;
                StringBuilder row = new StringBuilder();
                for (int j = 0; j < PIXELS; j++) {
                    double value = (bright[label][j] ? 140 : 60) + 80 * noise.nextGaussian();
                    row.append(Math.max(0, Math.min(255, Math.round(value)))).append(',');
                }
                out.println(row.append(label));
            }
        }
    }

    static String line(String table, String prefix) {
        return table.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in\n" + table));
    }

    static double value(String line, String key) {
        for (String field : line.split(" ")) {
            if (field.startsWith(key + "=")) {
                return Double.parseDouble(field.substring(key.length() + 1));
            }
        }
        throw new AssertionError(key + " missing from " + line);
    }
}
