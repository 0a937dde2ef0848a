package dev.sparkprop.driver.train;

import static dev.sparkprop.driver.train.DistributedGradientTest.assertClose;
import static dev.sparkprop.driver.train.DistributedGradientTest.partitioned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientCheck;
import dev.sparkprop.nn.LocalTrainer;
import dev.sparkprop.nn.NetworkSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The distributed loop reproduces the single-machine trainer and itself. */
class DistributedTrainingTest {

    private static final NetworkSpec SPEC = NetworkSpec.parse("5,12:tanh,6:elu,3:softmax", "cross_entropy");

    private static TrainingSettings adam(int epochs) {
        return TrainingSettings.builder(SPEC.layersSpec(), SPEC.loss().name()).precision("float64")
                .optimizer("adam").learningRate(0.01).epochs(epochs).blockRows(16).build();
    }

    static int[] unevenSplit(int rows, int partitions) {
        // Uneven on purpose: partition i gets a share proportional to i + 1.
        int[] sizes = new int[partitions];
        int total = partitions * (partitions + 1) / 2;
        int used = 0;
        for (int i = 0; i < partitions; i++) {
            sizes[i] = i == partitions - 1 ? rows - used : rows * (i + 1) / total;
            used += sizes[i];
        }
        return sizes;
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 3, 8})
    void twentyAdamStepsMatchTheSingleMachineTrainer(int partitions) {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 200, 8);
        TrainingSettings settings = adam(20);
        double[] init = settings.initialParameters();
        LocalTrainer.Result local = new LocalTrainer(SPEC, settings.updater(), LocalTrainer.Settings.fullBatch(20))
                .fit(init, p.block());

        try (TrainingData data = partitioned(p.block(), unevenSplit(200, partitions), 16)) {
            DistributedTrainer.Result distributed = new DistributedTrainer(SparkTestSession.sc(), settings)
                    .fit(data, init, (epoch, params, loss, accuracy) -> true);

            assertEquals(20, distributed.history().size());
            assertClose(local.params(), distributed.params(), 1e-9);
            assertClose(local.optimizerState(), distributed.optimizerState(), 1e-9);
            assertEquals(local.finalLoss(), distributed.finalLoss(), 1e-9 * local.finalLoss());
        }
    }

    @Test
    void theLogLineOfEachTrainerCountsOneRowPartitionIterationOrJobInTheSingular() {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 1, 11);
        TrainingSettings adam = adam(1);
        List<TrainingSettings> trainers = List.of(adam, adam.toBuilder().optimizer("lbfgs").build(),
                adam.toBuilder().localSteps(2).build());
        List<String> expected = List.of(" on 1 row in 1 partition; 1 iteration per epoch, ",
                " on 1 row in 1 partition with lbfgs", " on 1 row in 1 partition; 2 local steps per job, ");
        try (TrainingData data = partitioned(p.block(), new int[] {1}, 16)) {
            for (int i = 0; i < trainers.size(); i++) {
                List<String> lines;
                try (ShownLogs logs = new ShownLogs()) {
                    new DistributedTrainer(SparkTestSession.sc(), trainers.get(i))
                            .fit(data, p.params(), (epoch, params, loss, accuracy) -> true);
                    lines = logs.events().stream().filter(e -> e.contains("sparkprop: training ")).toList();
                }
                assertEquals(1, lines.size(), lines.toString());
                String line = lines.get(0);
                assertTrue(line.contains(expected.get(i)), line);
                assertTrue(i != 1 || line.endsWith(", 1 iteration per epoch"), line);
                assertTrue(i != 2 || line.contains(": 1 step in 1 job per epoch, "), line);
            }
        }
    }

    @Test
    void sameSeedSameModelAndAnotherSeedAnotherMiniBatchOrder() {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 9);
        TrainingSettings settings = adam(3).toBuilder().batchRows(40).seed(5).build();
        try (TrainingData data = partitioned(p.block(), unevenSplit(300, 8), 16)) {
            double[] first = train(settings, data, p.params());
            double[] second = train(settings, data, p.params());
            double[] otherSeed = train(settings.toBuilder().seed(6).build(), data, p.params());

            assertClose(first, second, 1e-12);
            assertFalse(Arrays.equals(first, otherSeed), "the seed must change which rows form each mini-batch");
        }
    }

    @Test
    void miniBatchEpochsVisitEveryRowOnce() {
        // At a vanishing learning rate the weights stay put, so each iteration reports its batch's
        // mean loss at the initial weights; rows x mean summed over an epoch is then the full-batch
        // loss sum only if every row was in exactly one batch.
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 97, 10);
        Block rows = Block.unweighted(5, 3, p.block().features(), p.block().targets(), 97);
        TrainingSettings settings = TrainingSettings.builder(SPEC.layersSpec(), SPEC.loss().name()).precision("float64")
                .optimizer("sgd").learningRate(1e-300).epochs(2).batchRows(10).blockRows(4).build();
        try (TrainingData data = partitioned(rows, unevenSplit(97, 3), 4)) {
            DistributedTrainer.Result result = new DistributedTrainer(SparkTestSession.sc(), settings)
                    .fit(data, p.params(), (epoch, params, loss, accuracy) -> true);

            assertEquals(20, result.history().size(), "ceil(97 / 10) iterations per epoch");
            double fullBatchSum = 97 * LocalTrainer.meanLoss(SPEC, p.params(), rows, 97);
            for (int epoch = 0; epoch < 2; epoch++) {
                long seen = 0;
                double sum = 0;
                for (DistributedTrainer.Iteration it : result.history()) {
                    if (it.epoch() == epoch) {
                        seen += it.rows();
                        sum += it.rows() * it.loss();
                    }
                }
                assertEquals(97, seen);
                assertEquals(fullBatchSum, sum, 1e-12 * fullBatchSum);
            }
        }
    }

    @Test
    void miniBatchesAndTheModelAreTheSameWhateverThePartitioning() {
        // Batches drawn from the rows' ids hold the same rows on 1, 3 or 8 partitions, so the runs differ
        // only in the order each partition's block products add up: a few float64 roundings (1e-16
        // relative) per gradient, which 15 Adam steps leave far below 1e-9. Batches that depended on the
        // partitioning would move the weights by percents.
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 11);
        TrainingSettings settings = adam(3).toBuilder().batchRows(64).seed(3).build();
        DistributedTrainer.Result reference = null;
        for (int partitions : new int[] {1, 3, 8}) {
            try (TrainingData data = partitioned(p.block(), unevenSplit(300, partitions), 16)) {
                DistributedTrainer.Result result = new DistributedTrainer(SparkTestSession.sc(), settings)
                        .fit(data, p.params(), (e, w, l, a) -> true);
                assertEquals(15, result.history().size(), "ceil(300 / 64) = 5 iterations per epoch");
                if (reference == null) {
                    reference = result;
                    continue;
                }
                for (int i = 0; i < 15; i++) {
                    assertEquals(reference.history().get(i).rows(), result.history().get(i).rows(), "batch " + i);
                    assertEquals(reference.history().get(i).loss(), result.history().get(i).loss(),
                            1e-9 * reference.history().get(i).loss(), "loss of batch " + i);
                }
                assertClose(reference.params(), result.params(), 1e-9);
                assertClose(reference.optimizerState(), result.optimizerState(), 1e-9);
            }
        }
    }

    private static double[] train(TrainingSettings settings, TrainingData data, double[] init) {
        return new DistributedTrainer(SparkTestSession.sc(), settings).fit(data, init, (e, w, l, a) -> true).params();
    }

    @Test
    void settingsRejectBadValuesNamingThem() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> adam(1).toBuilder().batchRows(10).iterationsPerEpoch(3).build());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("training.iterations_per_epoch: must be 0"
                + " when training.batch_rows is set"), e.getMessage());
        assertArrayEquals(adam(1).initialParameters(), adam(1).initialParameters());
    }
}
