package dev.sparkprop.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private record Run(int exitCode, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void gradcheckPrintsMaxRelativeErrorLastAndExitsZeroWhenWithinBound() {
        Run r = run("gradcheck", "--layers", "5,7:tanh,4:softmax", "--loss", "mse");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.lastLine().startsWith("max_rel_error="), r.out());
        double error = Double.parseDouble(r.lastLine().substring("max_rel_error=".length()));
        assertTrue(error <= 1e-6 && error > 0, r.out());
    }

    @Test
    void gradcheckRejectsABadNetworkWithOneClearMessage() {
        Run r = run("gradcheck", "--layers", "5,7:swish,4:softmax", "--loss", "mse");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown activation 'swish'"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one line, no stack trace: " + r.err());
    }

    @Test
    void trainPrintsPerEpochMetricsAndAFinalLine() {
        SparkTestSession.spark();
        Run r = run("train", "--data", SparkTestSession.dataset("iris.csv"), "--layers", "4,8:tanh,3:softmax",
                "--loss", "cross_entropy", "--learning-rate", "0.05", "--epochs", "40", "--partitions", "3",
                "--validation-fraction", "0.2");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("epoch 40/40 train_loss="), r.out());
        String last = r.lastLine();
        assertTrue(last.startsWith("final train_loss="), last);
        double accuracy = Double.parseDouble(last.replaceAll(".* validation_accuracy=([0-9.]+).*", "$1"));
        assertTrue(accuracy >= 0.9, last);
        assertTrue(!SparkTestSession.spark().sparkContext().isStopped(), "a session the command did not start stays up");
    }

    @Test
    void trainRejectsAMissingLabelColumnNamingIt() {
        SparkTestSession.spark();
        Run r = run("train", "--data", SparkTestSession.dataset("iris.csv"), "--label", "species",
                "--layers", "5,8:tanh,3:softmax", "--loss", "cross_entropy");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("column 'species' is not in the data"), r.err());
    }
}
