package dev.sparkprop.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparkprop.driver.train.SparkTestSession;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C in a real JVM: SIGINT runs the shutdown hooks, Spark's among them, under a running train. */
class InterruptTest {

    @TempDir
    Path dir;

    @Test
    void sigintDuringTrainingEndsWithOneLineAndNoModel() throws Exception {
        Path model = dir.resolve("model");
        List<String> command = new ArrayList<>();
        // A shell's background job starts with SIGINT ignored, which its children inherit, and a JVM started so
        // never installs its handler: Ctrl-C's default is restored for the child (GNU env, coreutils 8.31+),
        // whatever started the tests
        command.addAll(List.of("env", "--default-signal=INT"));
        command.addAll(ChildJvm.command(List.of("-Dspark.master=local[2]"), "train",
                "--set", "data.path=" + SparkTestSession.dataset("iris.csv"),
                "--set", "network.layers=4,8:tanh,3:softmax", "--set", "network.loss=cross_entropy",
                "--set", "data.label=label", "--set", "training.epochs=1000000", "--set", "training.batch_rows=16",
                "--set", "output.model_path=" + model));
        Process java = new ProcessBuilder(command).start();
        CountDownLatch training = new CountDownLatch(1);
        Thread stdout = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(java.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("epoch 2/")) {
                        training.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        stdout.start();
        // Read as it comes, so that a full pipe never stops the JVM
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        Thread stderrReader = new Thread(() -> {
            try {
                java.getErrorStream().transferTo(errors);
            } catch (IOException e) {
                // the process ended
            }
        });
        stderrReader.start();
        try {
            assertTrue(training.await(180, TimeUnit.SECONDS), "no second epoch within 180 s");
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(java.pid())).start().waitFor());
            if (!java.waitFor(120, TimeUnit.SECONDS)) {
                // What it is stuck on, for the failure's message
                Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                        Long.toString(java.pid())).redirectErrorStream(true).start();
                String threads = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String stderr;
                synchronized (errors) {
                    stderr = errors.toString(StandardCharsets.UTF_8);
                }
                fail("still running 120 s after SIGINT; its stderr:\n" + stderr + "\nits threads:\n" + threads);
            }
            stderrReader.join(10_000);
        } finally {
            java.destroyForcibly();
        }
        String stderr;
        synchronized (errors) {
            stderr = errors.toString(StandardCharsets.UTF_8);
        }
        assertEquals(Main.INTERRUPTED, java.exitValue(), stderr);
        assertTrue(stderr.contains("error: interrupted; the command stopped before writing its output"), stderr);
        assertFalse(stderr.lines().anyMatch(line -> line.matches("\\s+at .*")), "a stack trace:\n" + stderr);
        assertFalse(Files.exists(model), "a model was written");
    }
}
