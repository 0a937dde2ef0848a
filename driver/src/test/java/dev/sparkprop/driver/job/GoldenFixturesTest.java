package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.MissingValues;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.ModelMetadata;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.train.SparkTestSession;
import dev.sparkprop.driver.train.TrainerState;
import dev.sparkprop.nn.Losses;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.optim.Optimizers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden fixtures (test resources {@code golden/}, see its README): model directories and
 * checkpoints written by earlier sparkprop versions, one or more per format version, still load,
 * predict and evaluate what they did when they were saved, and a checkpoint resumes to the model
 * its uninterrupted run ended in. Every directory there is found by its name, so a new fixture
 * needs no new test.
 */
class GoldenFixturesTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    // ---- every fixture ----

    static Stream<String> models() {
        return fixtures("model-");
    }

    static Stream<String> modelsWithMetrics() {
        return models().filter(name -> Files.exists(golden(name).resolve("metrics.csv")));
    }

    static Stream<String> checkpoints() {
        return fixtures("checkpoint-");
    }

    /**
     * Checkpoints of runs whose mini-batches were drawn per partition, before they were drawn from
     * the rows' ids: resumed today they take today's batches, so they cannot end in the model
     * their run did. They must still read and resume to the end.
     */
    private static final Set<String> BATCHES_OF_THE_PAST = Set.of("checkpoint-format1-iris");

    static Stream<String> checkpointsOfTodaysBatches() {
        return checkpoints().filter(name -> !BATCHES_OF_THE_PAST.contains(name));
    }

    static Stream<String> checkpointsOfPastBatches() {
        return checkpoints().filter(BATCHES_OF_THE_PAST::contains);
    }

    /** Today's writers must have a fixture to match: a format change needs a fixture of the new format too. */
    static Stream<String> modelsOfTodaysFormat() {
        return fixtures("model-format" + ModelMetadata.FORMAT_VERSION + "-");
    }

    static Stream<String> checkpointsOfTodaysFormat() {
        return fixtures("checkpoint-format" + Checkpoints.FORMAT + "-");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void predictsWhatItPredictedWhenSaved(String fixture) {
        Path golden = golden(fixture);
        String out = dir.resolve("predictions").toString();
        long rows = PredictJob.run(SparkTestSession.spark(), golden.resolve("model").toString(),
                golden.resolve("rows.csv").toString(), null, null, null, out, "csv", false, QUIET);

        List<String> expected = lines(golden.resolve("predictions.csv"));
        String[] columns = expected.get(0).split(",", -1);
        assertEquals(expected.size() - 1, rows);
        Map<String, Row> byId = new HashMap<>();
        for (Row row : SparkTestSession.spark().read().option("header", true).csv(out).collectAsList()) {
            byId.put(row.getString(row.fieldIndex(columns[0])), row);
        }
        assertEquals(rows, byId.size(), "one prediction per id");
        for (String line : expected.subList(1, expected.size())) {
            String[] values = line.split(",", -1);
            Row row = byId.get(values[0]);
            assertNotNull(row, "a prediction for id " + values[0]);
            for (int c = 1; c < columns.length; c++) {
                String got = row.getString(row.fieldIndex(columns[c]));
                String what = columns[c] + " of id " + values[0];
                if (values[c].isEmpty()) {
                    assertNull(got, what + " is null, as it was");
                } else if (isNumber(values[c])) {
                    assertClose(Double.parseDouble(values[c]), Double.parseDouble(got), what);
                } else {
                    assertEquals(values[c], got, what);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelsWithMetrics")
    void evaluatesAsWhenSaved(String fixture) {
        Path golden = golden(fixture);
        Map<String, Double> metrics = EvaluateJob.run(SparkTestSession.spark(), golden.resolve("model").toString(),
                golden.resolve("rows.csv").toString(), null, null, QUIET).metrics();

        Map<String, Double> expected = new LinkedHashMap<>();
        List<String> lines = lines(golden.resolve("metrics.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] nameValue = line.split(",");
            expected.put(nameValue[0], Double.parseDouble(nameValue[1]));
        }
        assertFalse(expected.isEmpty(), "metrics.csv records metrics");
        expected.forEach((name, value) -> {
            assertTrue(metrics.containsKey(name), name + " is still measured: " + metrics.keySet());
            assertClose(value, metrics.get(name), name);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpointsOfTodaysBatches")
    void resumesToTheModelItsUninterruptedRunEndedIn(String fixture) {
        Path golden = golden(fixture);
        SavedModel uninterrupted = ModelDirectory.read(golden.resolve("model").toString(), new Configuration());

        SavedModel resumed = resume(golden);

        double[] want = uninterrupted.params();
        assertEquals(want.length, resumed.params().length);
        for (int i = 0; i < want.length; i++) {
            assertClose(want[i], resumed.params()[i], "parameter " + i);
        }
        assertEquals(uninterrupted.metadata().history().size(), resumed.metadata().history().size());
        for (int e = 0; e < uninterrupted.metadata().history().size(); e++) {
            Map<String, Double> wantMetrics = uninterrupted.metadata().history().get(e).metrics();
            Map<String, Double> gotMetrics = resumed.metadata().history().get(e).metrics();
            assertEquals(wantMetrics.keySet(), gotMetrics.keySet());
            for (String name : wantMetrics.keySet()) {
                assertClose(wantMetrics.get(name), gotMetrics.get(name), "epoch " + (e + 1) + " " + name);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpointsOfPastBatches")
    void resumesOnTodaysMiniBatchesToTheEndOfItsRun(String fixture) {
        Path golden = golden(fixture);
        SavedModel uninterrupted = ModelDirectory.read(golden.resolve("model").toString(), new Configuration());

        SavedModel resumed = resume(golden);

        assertEquals(uninterrupted.params().length, resumed.params().length);
        assertEquals(uninterrupted.metadata().history().size(), resumed.metadata().history().size());
        for (double w : resumed.params()) {
            assertTrue(Double.isFinite(w), "finite weights");
        }
    }

    /** The fixture's checkpoint, read, checked and resumed on its data to the end of its run. */
    private SavedModel resume(Path golden) {
        String checkpoint = golden.resolve("checkpoint").toString();
        Checkpoints.Checkpoint c = Checkpoints.read(checkpoint, new Configuration());
        TrainerState state = c.state();
        assertFalse(state.stopped(), "taken mid-run");
        assertEquals(state.iteration(), c.steps().size(), "the record of every step before it");
        assertEquals(c.model().params().length, state.params().length);
        assertTrue(state.optimizerState().length > 0, "an optimizer with state");
        return TrainJob.resuming(checkpoint, List.of("data.path=" + golden.resolve("train.csv"),
                "output.model_path=" + dir.resolve("model"), "output.report_path=" + dir.resolve("report"),
                "training.checkpoint.path=" + dir.resolve("checkpoints")), SparkTestSession.spark(), QUIET).run();
    }

    // ---- today's format is the format of today's fixtures, to the byte ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelsOfTodaysFormat")
    void aModelOfTodaysFormatWrittenAgainIsTheSameFiles(String fixture) throws IOException {
        Path golden = golden(fixture).resolve("model");
        Path again = dir.resolve("again");

        ModelDirectory.write(ModelDirectory.read(golden.toString(), new Configuration()), again.toString(), false,
                new Configuration());

        assertSameFiles(golden, again);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpointsOfTodaysFormat")
    void aCheckpointOfTodaysFormatWrittenAgainIsTheSameFiles(String fixture) throws IOException {
        Path golden = golden(fixture).resolve("checkpoint");
        Checkpoints.Checkpoint checkpoint = Checkpoints.read(golden.toString(), new Configuration());

        String again = Checkpoints.write(dir.resolve("checkpoints").toString(), 1, checkpoint, new Configuration());

        assertSameFiles(golden, Path.of(again));
    }

    // ---- what particular fixtures are there to prove ----

    @Test
    void aFormat1ModelReadsAsFormat2WithoutMissingValueHandling() {
        SavedModel model = ModelDirectory.read(golden("model-format1-pets").resolve("model").toString(),
                new Configuration());
        Preprocessing p = model.metadata().preprocessing();
        assertEquals(MissingValues.ERROR, p.missing());
        assertNull(p.featureFill());
        assertEquals(Map.of(), model.metadata().droppedRows());
        assertEquals(List.of("blue", "green", "red"), p.features().get(0).categories());
    }

    @Test
    void oldSpellingsReadAsTheNamedSpecsTheyStandFor() {
        LoadedModel iris = LoadedModel.read(golden("model-format1-iris-old-spec-syntax").resolve("model").toString(),
                new Configuration());
        assertEquals("4,8:leaky_relu(0.05),6:elu(0.5),3:softmax", iris.model().metadata().layers());
        assertEquals("cross_entropy:sum", iris.model().metadata().loss());
        NetworkSpec named = NetworkSpec.parse("4,8:leaky_relu(slope=0.05),6:elu(alpha=0.5),3:softmax",
                "cross_entropy(reduction=sum)");
        assertEquals(named.layers(), iris.spec().layers());
        assertEquals(named.loss(), iris.spec().loss());
        assertEquals("\"cross_entropy:sum\"", iris.config().effective().get("network.loss"));
        assertEquals(named.loss(), iris.config().network().loss());

        LoadedModel diabetes = LoadedModel.read(
                golden("model-format1-diabetes-old-spec-syntax").resolve("model").toString(), new Configuration());
        assertEquals("huber(0.5):sum", diabetes.model().metadata().loss());
        assertEquals(Losses.parse("huber(delta=0.5,reduction=sum)"), diabetes.spec().loss());
        assertEquals("10,8:leaky_relu(slope=0.2),1:identity", diabetes.spec().layersSpec());
        assertEquals(Optimizers.momentum(0.8), diabetes.config().optimizer().kind());
    }

    @Test
    void theFormat2ModelHoldsWhatFormat2Added() throws IOException {
        Path model = golden("model-format2-pets").resolve("model");
        assertEquals(2, new ObjectMapper().readTree(model.resolve("metadata.json").toFile()).get("formatVersion")
                .intValue(), "written as format 2");
        SavedModel saved = ModelDirectory.read(model.toString(), new Configuration());
        Preprocessing p = saved.metadata().preprocessing();
        assertEquals(MissingValues.IMPUTE, p.missing());
        assertEquals(List.of("blue", "green", "red", FeatureColumn.MISSING_CATEGORY), p.features().get(0).categories());
        assertEquals(6, p.featureFill().length);
        assertEquals("w", p.weight());
        assertEquals("cross_entropy(reduction=sum)", saved.metadata().loss());
    }

    // ---- helpers ----

    /**
     * Float64 models: their matrix products may run on another BLAS kernel than when the fixture
     * was made, a few ulp (1e-16 relative) apart over fan-ins of at most 13, and the resumed
     * steps of a checkpoint grow such differences by a few orders of magnitude at most; a
     * relative 1e-9 is far above that and far below what a misread value would change.
     */
    private static void assertClose(double want, double got, String what) {
        assertTrue(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)),
                what + ": " + want + " when saved, now " + got);
    }

    /** The same file names (no Hadoop .crc files among them) and each file the same bytes. */
    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        List<String> names = names(expected);
        assertEquals(names, names(actual));
        for (String name : names) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)),
                    name);
        }
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Stream<String> fixtures(String prefix) {
        try (Stream<Path> all = Files.list(golden(""))) {
            return all.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(prefix)).sorted().toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path golden(String fixture) {
        try {
            return Path.of(GoldenFixturesTest.class.getResource("/golden").toURI()).resolve(fixture);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
