package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.train.SparkTestSession;
import dev.sparkprop.driver.train.TrainingDivergedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step whose loss or gradient is not finite stops the run with its cause, or is skipped. */
class NonFiniteStepTest {

    @TempDir
    Path dir;

    /** Raw diabetes features (up to ~300) and targets, plain SGD at 5: it blows up within a few steps. */
    private List<String> divergingJob(String onNonFinite) {
        return new ArrayList<>(List.of("data.path=" + SparkTestSession.dataset("diabetes.csv"), "data.label=target",
                "data.standardize=false", "network.layers=10,8:relu,1:identity", "network.loss=mse",
                "optimizer.kind=sgd", "optimizer.learning_rate=5", "training.epochs=20",
                "training.on_non_finite=" + onNonFinite, "output.model_path=" + dir.resolve("model-" + onNonFinite),
                "training.checkpoint.path=" + dir.resolve("checkpoints-" + onNonFinite)));
    }

    @Test
    void aNonFiniteStepStopsTheRunNamingTheStepTheCauseAndTheLastGoodCheckpoint() {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new TrainJob(
                JobConfigLoader.load(null, divergingJob("stop")), SparkTestSession.spark(),
                new PrintStream(new ByteArrayOutputStream())).run());
        assertTrue(e.getMessage().startsWith("iteration " + e.iteration() + ": the loss is "), e.getMessage());
        assertTrue(e.getMessage().contains("optimizer.learning_rate = 5.0"), e.getMessage());
        assertTrue(e.getMessage().contains("training.on_non_finite = \"skip\""), e.getMessage());
        assertTrue(e.iteration() > 1, "the first steps are finite, so there is a checkpoint before the fault");
        assertTrue(e.getMessage().contains("The newest checkpoint, "), e.getMessage());
        // That checkpoint is complete and holds finite weights; no model was written
        SavedModel good = Checkpoints.read(dir.resolve("checkpoints-stop").toString(),
                SparkTestSession.spark().sparkContext().hadoopConfiguration()).model();
        assertTrue(Arrays.stream(good.params()).allMatch(Double::isFinite));
        assertTrue(!Files.exists(dir.resolve("model-stop")));
    }

    @Test
    void skippingNonFiniteStepsFinishesTheRunWithFiniteWeights() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SavedModel model = new TrainJob(JobConfigLoader.load(null, divergingJob("skip")), SparkTestSession.spark(),
                new PrintStream(out, true)).run();
        assertTrue(out.toString().contains("steps whose loss or gradient was not finite"), out.toString());
        assertEquals(20, model.metadata().history().size());
        assertTrue(Arrays.stream(model.params()).allMatch(Double::isFinite));
        assertTrue(Files.exists(dir.resolve("model-skip").resolve("weights.bin")));
        ModelDirectory.read(dir.resolve("model-skip").toString(),
                SparkTestSession.spark().sparkContext().hadoopConfiguration());
    }
}
