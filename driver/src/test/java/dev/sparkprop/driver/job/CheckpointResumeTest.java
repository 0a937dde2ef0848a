package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.report.StepsCsv;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run resumed from any of its checkpoints ends in the model of the run that was never stopped, bit for bit. */
class CheckpointResumeTest {

    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    /** For a resume from a checkpoint with newer ones beside it: they are the run's own future, deleted (and
     * written again, the same) once the resumed run has written its first. */
    private static final List<String> PAST_IT = List.of("output.overwrite=true");

    private List<String> job(String checkpoints, int keep) {
        return new ArrayList<>(List.of("data.path=" + SparkTestSession.dataset("wine.csv"),
                "network.layers=13,12:tanh,8:sigmoid,3:softmax", "network.loss=cross_entropy", "optimizer.kind=adam",
                "optimizer.learning_rate=0.01", "optimizer.schedule=cosine(total=60)", "training.epochs=6",
                "training.batch_rows=16", "data.validation_fraction=0.2", "training.early_stopping.patience=4",
                "spark.partitions=3", "training.seed=5", "output.overwrite=true",
                "output.model_path=" + dir.resolve("model"), "training.checkpoint.path=" + checkpoints,
                "training.checkpoint.every_iterations=7", "training.checkpoint.keep=" + keep));
    }

    /** {@link #job} with its checkpoints under {@code root}, all kept, and {@code more} settings, trained. */
    private SavedModel trainWithCheckpoints(Path root, String... more) {
        List<String> job = job(root.toString(), 100);
        job.addAll(List.of(more));
        return new TrainJob(JobConfigLoader.load(null, job), SparkTestSession.spark(), QUIET).run();
    }

    private List<Path> checkpoints(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).sorted().toList();
        }
    }

    @Test
    void resumingFromEveryCheckpointGivesTheUninterruptedModelBitForBit() throws IOException {
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve("checkpoints");
        SavedModel full = new TrainJob(JobConfigLoader.load(null, job(root.toString(), 100)), spark, QUIET).run();
        List<DistributedTrainer.Iteration> fullSteps = steps();
        assertEquals(6 * 10, fullSteps.size(), "6 epochs of 10 steps");
        List<Path> all = checkpoints(root);
        // 145 to 160 training rows in batches of 16: 10 steps an epoch, 6 epochs; every 7th step and each epoch end
        assertTrue(all.size() >= 12, all.toString());
        for (Path checkpoint : List.of(all.get(0), all.get(3), all.get(all.size() / 2), all.get(all.size() - 2))) {
            SavedModel resumed = TrainJob.resuming(checkpoint.toString(), PAST_IT, spark, QUIET).run();
            assertArrayEquals(full.params(), resumed.params(), "resumed from " + checkpoint.getFileName());
            // The same metrics; each run times its own epochs.
            assertEquals(metrics(full), metrics(resumed));
            assertTrue(resumed.metadata().history().stream().allMatch(e -> e.seconds() > 0
                    && e.trainRowsPerSecond() > 0), resumed.metadata().history().toString());
            // The report's steps.csv still has every step of the run, the checkpoint's record of those before it.
            assertEquals(untimed(fullSteps), untimed(steps()), "resumed from " + checkpoint.getFileName());
        }
        // A checkpoint is also a model directory that evaluate reads
        SavedModel checkpointModel = ModelDirectory.read(all.get(1).toString(),
                spark.sparkContext().hadoopConfiguration());
        assertEquals(full.params().length, checkpointModel.params().length);
    }

    @Test
    void aResumeTrainsOnTheCheckpointedRunsPartitionCountWhenItWasTheMachines() throws IOException {
        // spark.partitions = 0 means as many as the machine has cores, another count on another machine, and
        // the count shapes the training: the checkpoint records the run's, which a resume keeps unless set.
        // Another machine is played by editing the recorded count.
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve("auto");
        trainWithCheckpoints(root, "spark.partitions=0");
        Path first = checkpoints(root).get(0);
        Path resumeJson = first.resolve("resume.json");
        String recorded = "\"partitions\" : " + spark.sparkContext().defaultParallelism();
        String json = Files.readString(resumeJson);
        assertTrue(json.contains(recorded), json);
        Files.writeString(resumeJson, json.replace(recorded, "\"partitions\" : 1"));
        // The job's saved output.overwrite is for its outputs: deleting the newer checkpoints is asked for now
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                () -> TrainJob.resuming(first.toString(), List.of(), spark, QUIET).run());
        assertTrue(past.getMessage().endsWith("or add --set output.overwrite=true to delete them"), past.getMessage());
        for (List<String> set : List.of(PAST_IT, List.of("output.overwrite=true", "spark.partitions=2"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TrainJob.resuming(first.toString(), set, spark, new PrintStream(out, true, StandardCharsets.UTF_8)).run();
            String said = out.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains(" in " + (set.size() == 1 ? "1 partition," : "2 partitions")), set + ": " + said);
        }
    }

    @Test
    void aRunWithDropoutResumesToTheUninterruptedModelBitForBit() throws IOException {
        // The masks are drawn for (seed, step, row id), all of which a checkpoint restores, so a resumed
        // run drops the same outputs as the uninterrupted one. The rows are numbered from the CSV (their
        // source keys), spread over 3 partitions.
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve("dropout");
        SavedModel full = trainWithCheckpoints(root,
                "network.layers=13,12:tanh(dropout=0.3),8:sigmoid(dropout=0.2),3:softmax");
        assertEquals("13,12:tanh(dropout=0.3),8:sigmoid(dropout=0.2),3:softmax", full.metadata().layers());
        List<DistributedTrainer.Iteration> fullSteps = steps();
        List<Path> all = checkpoints(root);
        for (Path checkpoint : List.of(all.get(1), all.get(all.size() - 2))) {
            SavedModel resumed = TrainJob.resuming(checkpoint.toString(), PAST_IT, spark, QUIET).run();
            assertArrayEquals(full.params(), resumed.params(), "resumed from " + checkpoint.getFileName());
            assertEquals(metrics(full), metrics(resumed));
            assertEquals(untimed(fullSteps), untimed(steps()), "resumed from " + checkpoint.getFileName());
        }
    }

    @Test
    void anLbfgsRunResumedFromEveryCheckpointEndsInTheUninterruptedModelBitForBit() throws IOException {
        // L-BFGS's history (its (s, y) pairs) is optimizer state: without it a resumed run would take
        // steepest-descent steps and end elsewhere. Two iterations an epoch, so checkpoints also fall
        // mid-epoch; float64 and l2 as a user would train a small convex-ish problem.
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve("lbfgs");
        List<String> job = new ArrayList<>(List.of("data.path=" + SparkTestSession.dataset("wine.csv"),
                "network.layers=13,6:tanh,3:softmax", "network.loss=cross_entropy",
                "optimizer.kind=lbfgs(history=4,tolerance=0)", "optimizer.l2=0.001", "training.epochs=6",
                "training.iterations_per_epoch=2", "training.precision=float64", "data.validation_fraction=0.2",
                "spark.partitions=3", "training.seed=5", "output.overwrite=true",
                "output.model_path=" + dir.resolve("model"), "training.checkpoint.path=" + root,
                "training.checkpoint.every_iterations=3", "training.checkpoint.keep=100"));
        SavedModel full = new TrainJob(JobConfigLoader.load(null, job), spark, QUIET).run();
        List<DistributedTrainer.Iteration> fullSteps = steps();
        assertEquals(12, fullSteps.size(), "6 epochs of 2 iterations");
        assertTrue(fullSteps.stream().allMatch(s -> s.rows() > 0 && s.learningRate() > 0), fullSteps.toString());
        List<Path> all = checkpoints(root);
        for (Path checkpoint : List.of(all.get(0), all.get(1), all.get(all.size() / 2), all.get(all.size() - 2))) {
            SavedModel resumed = TrainJob.resuming(checkpoint.toString(), PAST_IT, spark, QUIET).run();
            assertArrayEquals(full.params(), resumed.params(), "resumed from " + checkpoint.getFileName());
            assertEquals(metrics(full), metrics(resumed));
            assertEquals(untimed(fullSteps), untimed(steps()), "resumed from " + checkpoint.getFileName());
        }
        // what made the equality possible: the checkpoints carry the (s, y) history (LbfgsTest shows a run
        // resumed without it goes elsewhere)
        Checkpoints.Checkpoint middle = Checkpoints.read(all.get(all.size() / 2).toString(),
                spark.sparkContext().hadoopConfiguration());
        assertTrue(middle.state().optimizerState()[0] > 0, "the checkpoint holds (s, y) pairs");
    }

    @Test
    void localStepsResumeFromTheirCheckpointsToTheUninterruptedModelBitForBit() throws IOException {
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve("local");
        List<String> job = job(root.toString(), 100);
        job.addAll(List.of("training.local_steps=3", "training.outer_optimizer=nesterov"));
        SavedModel full = new TrainJob(JobConfigLoader.load(null, job), spark, QUIET).run();
        List<DistributedTrainer.Iteration> fullSteps = steps();
        // 10 steps an epoch in jobs of 3, 3, 3 and 1, each recorded by its last step
        assertEquals(List.of(3L, 6L, 9L, 10L, 13L), fullSteps.subList(0, 5).stream()
                .map(DistributedTrainer.Iteration::iteration).toList());
        List<Path> all = checkpoints(root);
        // every_iterations = 7: the job that takes steps 7 to 9 writes one, as do the epochs' ends
        assertTrue(all.stream().anyMatch(p -> p.getFileName().toString().matches("checkpoint-0*9")), all.toString());
        for (Path checkpoint : List.of(all.get(0), all.get(all.size() / 2), all.get(all.size() - 2))) {
            SavedModel resumed = TrainJob.resuming(checkpoint.toString(), PAST_IT, spark, QUIET).run();
            assertArrayEquals(full.params(), resumed.params(), "resumed from " + checkpoint.getFileName());
            assertEquals(metrics(full), metrics(resumed));
            assertEquals(untimed(fullSteps), untimed(steps()), "resumed from " + checkpoint.getFileName());
        }
    }

    @Test
    void aRunThatRanOutOfEpochsResumedWithMoreTrainsThemToTheUninterruptedModelBitForBit() throws IOException {
        moreEpochsGiveTheUninterruptedModel("plain", job("", 100), 10);
        List<String> local = job("", 100);
        local.addAll(List.of("training.local_steps=3", "training.outer_optimizer=nesterov"));
        moreEpochsGiveTheUninterruptedModel("local", local, 10);
        // L-BFGS evaluates the objective at the weights it resumes from, which a run that has nothing left skips
        List<String> lbfgs = job("", 100);
        lbfgs.addAll(List.of("network.layers=13,6:tanh,3:softmax", "optimizer.kind=lbfgs(history=4,tolerance=0)",
                "optimizer.schedule=constant", "training.iterations_per_epoch=2", "training.batch_rows=0",
                "training.precision=float64"));
        moreEpochsGiveTheUninterruptedModel("lbfgs", lbfgs, 2);
    }

    /**
     * Trains {@code job} for 5 epochs, then for 3 and resumes its last checkpoint with
     * training.epochs = 5: the same weights.bin, history and steps, bit for bit. Resumed again
     * with the same 5 epochs, it trains nothing and saves the same model.
     *
     * @param name          names the runs' checkpoint directories
     * @param stepsPerEpoch the job's optimizer steps (L-BFGS iterations) per epoch
     */
    private void moreEpochsGiveTheUninterruptedModel(String name, List<String> job, int stepsPerEpoch)
            throws IOException {
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve(name);
        List<String> five = new ArrayList<>(job);
        five.addAll(List.of("training.epochs=5", "training.checkpoint.path=" + dir.resolve(name + "-five")));
        SavedModel full = new TrainJob(JobConfigLoader.load(null, five), spark, QUIET).run();
        byte[] fullWeights = Files.readAllBytes(dir.resolve("model/weights.bin"));
        List<DistributedTrainer.Iteration> fullSteps = steps();
        assertEquals(5, full.metadata().history().size(), "no early stop: 5 epochs to compare");
        assertEquals(5 * stepsPerEpoch, fullSteps.get(fullSteps.size() - 1).iteration(), fullSteps.toString());

        List<String> three = new ArrayList<>(job);
        three.addAll(List.of("training.epochs=3", "training.checkpoint.path=" + root));
        new TrainJob(JobConfigLoader.load(null, three), spark, QUIET).run();
        resumesToTheFullModel(root, List.of("training.epochs=5"),
                "resuming at iteration " + 3 * stepsPerEpoch + " (epoch 4, step 0)\n", full, fullWeights, fullSteps);
        resumesToTheFullModel(root, List.of(),
                "resuming at iteration " + 5 * stepsPerEpoch + " (epoch 6, step 0), finished\n", full, fullWeights,
                fullSteps);
    }

    /** Resumes {@code root}'s newest checkpoint with {@code overrides}: it says {@code said}, and saves {@code full}'s model. */
    private void resumesToTheFullModel(Path root, List<String> overrides, String said, SavedModel full,
                                       byte[] fullWeights, List<DistributedTrainer.Iteration> fullSteps)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SavedModel resumed = TrainJob.resuming(root.toString(), overrides, SparkTestSession.spark(),
                new PrintStream(out, true, StandardCharsets.UTF_8)).run();
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(said), out.toString(StandardCharsets.UTF_8));
        assertArrayEquals(fullWeights, Files.readAllBytes(dir.resolve("model/weights.bin")), overrides.toString());
        assertEquals(metrics(full), metrics(resumed));
        assertEquals(untimed(fullSteps), untimed(steps()));
    }

    @Test
    void aRunThatStoppedEarlyStaysFinishedWhenResumedWithMoreEpochs() throws IOException {
        // Patience 1 on a cosine schedule that reaches 0 after 6 of the 30 epochs: the validation loss stops
        // improving and early stopping ends the run; more epochs would not have changed that.
        List<String> patience = job("", 100);
        patience.addAll(List.of("training.epochs=30", "training.early_stopping.patience=1"));
        staysFinished("patience", patience);
        // L-BFGS's convergence ends a run as surely, early stopping off
        List<String> converged = job("", 100);
        converged.addAll(List.of("network.layers=13,6:tanh,3:softmax", "optimizer.kind=lbfgs(history=4,tolerance=0.05)",
                "optimizer.schedule=constant", "training.iterations_per_epoch=2", "training.batch_rows=0",
                "training.precision=float64", "training.epochs=30", "training.early_stopping.patience=0"));
        staysFinished("converged", converged);
    }

    /**
     * Trains {@code job}, which stops before its 30 epochs, then resumes its last checkpoint with
     * training.epochs = 40: it trains nothing and saves the same model, bit for bit.
     */
    private void staysFinished(String name, List<String> job) throws IOException {
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve(name);
        List<String> run = new ArrayList<>(job);
        run.add("training.checkpoint.path=" + root);
        SavedModel full = new TrainJob(JobConfigLoader.load(null, run), spark, QUIET).run();
        byte[] fullWeights = Files.readAllBytes(dir.resolve("model/weights.bin"));
        List<DistributedTrainer.Iteration> fullSteps = steps();
        assertTrue(full.metadata().history().size() < 30, "stopped early: " + full.metadata().history().size());
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        SavedModel resumed = TrainJob.resuming(root.toString(), List.of("training.epochs=40"), spark,
                new PrintStream(said, true, StandardCharsets.UTF_8)).run();
        assertTrue(said.toString(StandardCharsets.UTF_8).contains(", finished: it stopped early"),
                said.toString(StandardCharsets.UTF_8));
        assertArrayEquals(fullWeights, Files.readAllBytes(dir.resolve("model/weights.bin")));
        assertEquals(metrics(full), metrics(resumed));
        assertEquals(untimed(fullSteps), untimed(steps()));
    }

    private static List<List<Object>> metrics(SavedModel model) {
        return model.metadata().history().stream().map(e -> List.<Object>of(e.epoch(), e.metrics())).toList();
    }

    /** The steps in the report of the model trained last. */
    private List<DistributedTrainer.Iteration> steps() throws IOException {
        Path file = dir.resolve("model/report/steps.csv");
        return StepsCsv.parse(Files.readString(file), file.toString());
    }

    private static List<DistributedTrainer.Iteration> untimed(List<DistributedTrainer.Iteration> steps) {
        return steps.stream().map(s -> new DistributedTrainer.Iteration(s.iteration(), s.epoch(), s.step(), s.rows(),
                s.loss(), s.learningRate(), 0, s.skipped())).toList();
    }

    @Test
    void onlyTheNewestCheckpointsAreKeptAndTheRootResumesFromTheNewest() throws IOException {
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve("kept");
        SavedModel full = new TrainJob(JobConfigLoader.load(null, job(root.toString(), 2)), spark, QUIET).run();
        assertEquals(2, checkpoints(root).size());
        try (Stream<Path> all = Files.walk(root)) {
            assertEquals(List.of(), all.filter(p -> p.toString().endsWith(".crc")).toList(), "no Hadoop .crc files");
        }
        SavedModel resumed = TrainJob.resuming(root.toString(), List.of(), spark, QUIET).run();
        assertArrayEquals(full.params(), resumed.params());
    }

    @Test
    void aResumeIntoAnotherModelPathWritesItsReportThereUnlessTheReportPathWasSet() throws IOException {
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve("elsewhere");
        new TrainJob(JobConfigLoader.load(null, job(root.toString(), 1)), spark, QUIET).run();
        Path firstHistory = dir.resolve("model").resolve("report").resolve("history.csv");
        byte[] before = Files.readAllBytes(firstHistory);

        TrainJob.resuming(root.toString(), List.of("output.model_path=" + dir.resolve("second")), spark, QUIET).run();
        assertTrue(Files.exists(dir.resolve("second").resolve("report").resolve("history.csv")));
        assertArrayEquals(before, Files.readAllBytes(firstHistory), "the first run's report is untouched");

        Path chosen = dir.resolve("chosen-report");
        TrainJob.resuming(root.toString(), List.of("output.model_path=" + dir.resolve("third"),
                "output.report_path=" + chosen), spark, QUIET).run();
        assertTrue(Files.exists(chosen.resolve("history.csv")));
        assertFalse(Files.exists(dir.resolve("third").resolve("report")));
    }

    @Test
    void aCheckpointWithACorruptOptimizerStateIsRefused() throws IOException {
        SparkSession spark = SparkTestSession.spark();
        Path root = dir.resolve("corrupt");
        new TrainJob(JobConfigLoader.load(null, job(root.toString(), 1)), spark, QUIET).run();
        Path optimizer = checkpoints(root).get(0).resolve(Checkpoints.OPTIMIZER);
        byte[] bytes = Files.readAllBytes(optimizer);
        bytes[20] ^= 1;
        Files.write(optimizer, bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainJob.resuming(root.toString(), List.of(), spark, QUIET));
        assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
    }
}
