package dev.sparkprop.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A master Spark cannot run on, given as bin/sparkprop gives it: in a JVM of its own, as the tests share a session. */
class SparkMasterTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "nonsense://x|Could not parse Master URL: 'nonsense://x'",
        "local[0]|Asked to run locally with 0 threads"})
    void aMasterSparkCannotRunOnIsOneLineNamingItAndTheFormsSparkTakes(String master, String sparkSays)
            throws Exception {
        Path model = dir.resolve("model");
        // No UI: its port may be taken by another JVM, which Spark warns of
        Process java = new ProcessBuilder(ChildJvm.command(List.of("-Dspark.master=" + master,
                "-Dspark.ui.enabled=false"), "train",
                "--set", "data.path=" + SparkTestSession.dataset("iris.csv"),
                "--set", "network.layers=4,8:tanh,3:softmax", "--set", "network.loss=cross_entropy",
                "--set", "output.model_path=" + model)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        // Waited for with a limit, then read: a child that hangs fails the test rather than hanging it
        boolean ended = java.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            java.destroyForcibly();
        }
        String stderr = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
        assertTrue(ended, "still running after 120 s: " + stderr);
        assertEquals(2, java.exitValue(), stderr);
        // The JVM's own notice of the incubator module that bin/sparkprop's flags add aside
        List<String> lines = stderr.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(List.of("error: spark.master '" + master + "' is not a master Spark can run on (" + sparkSays
                + "); give local, local[N] (N ≥ 1 threads), local[*], spark://host:port, yarn or"
                + " k8s://https://host:port (the last two with a Spark that has their module, e.g. a distribution's"
                + " spark-submit --master)"),
                lines, stderr);
        assertFalse(Files.exists(model), "a model was written");
    }
}
