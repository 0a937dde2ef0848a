package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A train job with training.local_steps > 1 measures, stops early, weights classes and reports as at 1. */
class LocalStepsJobTest {

    @TempDir
    Path dir;

    private List<String> job(String name, String... more) {
        List<String> job = new ArrayList<>(List.of("data.path=" + SparkTestSession.dataset("wine.csv"),
                "network.layers=13,12:tanh,3:softmax", "network.loss=cross_entropy", "optimizer.kind=adam",
                "optimizer.learning_rate=0.01", "training.epochs=40", "training.batch_rows=16",
                "training.local_steps=4", "data.validation_fraction=0.25", "spark.partitions=3", "training.seed=2",
                "output.model_path=" + dir.resolve(name)));
        job.addAll(List.of(more));
        return job;
    }

    @Test
    void validationEarlyStoppingClassWeightsAndTheReportWorkAndSayLocalStepsRan() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SavedModel model = new TrainJob(JobConfigLoader.load(null, job("weighted", "training.class_weights=balanced",
                "training.early_stopping.patience=2", "training.early_stopping.metric=validation_accuracy")),
                SparkTestSession.spark(), new PrintStream(out, true)).run();
        String console = out.toString();
        assertTrue(console.contains("partitions, 4 local steps per job, outer average, validating on"), console);
        assertTrue(console.matches("(?s).*\nclass weights \\(training.class_weights\\) 0=[0-9.]+, 1=[0-9.]+, 2=[0-9.]+:"
                + " they weigh the loss and the train_ metrics; validation_ metrics are unweighted\n.*"), console);
        // Wine's validation accuracy reaches its best within a few epochs and stops improving
        assertTrue(console.contains("early stopping: keeping epoch"), console);
        List<EpochRecord> history = model.metadata().history();
        assertTrue(history.size() < 40, "stopped early after " + history.size() + " epochs");
        for (EpochRecord epoch : history) {
            assertTrue(epoch.metrics().containsKey("validation_accuracy"), epoch.toString());
            assertTrue(Double.isFinite(epoch.metrics().get("train_loss")), epoch.toString());
        }
        double best = history.stream().mapToDouble(e -> e.metrics().get("validation_accuracy")).max().orElseThrow();
        assertTrue(best >= 0.9, "best validation accuracy " + best);
        assertEquals("4", model.metadata().config().get("training.local_steps"));
        assertEquals("\"average\"", model.metadata().config().get("training.outer_optimizer"));
        String report = Files.readString(dir.resolve("weighted/report/report.html"));
        assertTrue(report.contains("training.local_steps"), "the report's config says which mode ran");

        // The class weights reach the tasks' own steps: without them the same run ends elsewhere
        SavedModel unweighted = new TrainJob(JobConfigLoader.load(null, job("unweighted",
                "training.early_stopping.patience=2", "training.early_stopping.metric=validation_accuracy")),
                SparkTestSession.spark(), new PrintStream(new ByteArrayOutputStream())).run();
        assertFalse(Arrays.equals(model.params(), unweighted.params()));
    }

    @Test
    void aKAboveTheStepsOfAnEpochIsSaidToRunAsThemWithTheFix() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TrainJob(JobConfigLoader.load(null, job("full-batch", "training.batch_rows=0", "training.epochs=2",
                "optimizer.kind=sgd")), SparkTestSession.spark(), new PrintStream(out, true)).run();
        assertTrue(out.toString().contains("partitions, 4 local steps per job (1 here: an epoch has 1 step; set"
                + " training.iterations_per_epoch to 4 or more), outer average"), out.toString());
    }
}
