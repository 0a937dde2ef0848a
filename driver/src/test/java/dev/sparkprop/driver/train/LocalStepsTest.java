package dev.sparkprop.driver.train;

import static dev.sparkprop.driver.train.DistributedGradientTest.assertClose;
import static dev.sparkprop.driver.train.DistributedGradientTest.partitioned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientCheck;
import dev.sparkprop.nn.LocalTrainer;
import dev.sparkprop.nn.NetworkSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** training.local_steps > 1: each task's own steps, combined by the outer optimizer. */
class LocalStepsTest {

    private static final NetworkSpec SPEC = NetworkSpec.parse("5,12:tanh,6:elu,3:softmax", "cross_entropy");
    private static final int[] UNEVEN = {40, 90, 170};

    private static TrainingSettings.Builder adam() {
        return TrainingSettings.builder(SPEC.layersSpec(), SPEC.loss().name()).precision("float64").optimizer("adam")
                .learningRate(0.01).set(dev.sparkprop.driver.config.OptimizerSection.SCHEDULE, "cosine(total=15)")
                .blockRows(16);
    }

    private static DistributedTrainer.Result fit(TrainingSettings settings, TrainingData data, double[] init) {
        return new DistributedTrainer(SparkTestSession.sc(), settings).fit(data, init, (e, w, l, a) -> true);
    }

    @Test
    void onOnePartitionLocalStepsAreTheSynchronousSteps() {
        // One partition takes every step of the epoch's batches itself, so a round of k steps is k
        // synchronous steps; only averaging one change (w + r·Δ/r) and state (r·s/r) rounds, an ulp
        // or two per round, which 15 Adam steps leave far below 1e-9.
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 11);
        TrainingSettings synchronous = adam().epochs(3).batchRows(64).seed(3).build();
        try (TrainingData data = partitioned(p.block(), new int[] {300}, 16)) {
            DistributedTrainer.Result reference = fit(synchronous, data, p.params());
            for (int k : new int[] {2, 5, 9}) {
                DistributedTrainer.Result local = fit(synchronous.toBuilder().localSteps(k).build(), data, p.params());
                assertClose(reference.params(), local.params(), 1e-9);
                assertClose(reference.optimizerState(), local.optimizerState(), 1e-9);
                assertEquals(15, local.iterations(), "steps count as at k = 1");
                // ceil(300 / 64) = 5 steps an epoch in rounds of k (the last one shorter)
                int rounds = (5 + k - 1) / k;
                assertEquals(3 * rounds, local.history().size(), "a record per job, k = " + k);
                assertEquals(5, local.history().get(rounds - 1).step(), "the epoch's last round ends at its last step");
                long rows = local.history().stream().filter(it -> it.epoch() == 0).mapToLong(
                        DistributedTrainer.Iteration::rows).sum();
                assertEquals(300, rows, "an epoch trains on every row once");
            }
        }
    }

    @Test
    void aFullBatchRoundIsTheWeightWeightedMeanOfEachPartitionsOwnSteps() {
        // randomProblem's rows have weights of their own, so each partition's share is its rows' summed weight
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 12);
        TrainingSettings settings = TrainingSettings.builder(SPEC.layersSpec(), SPEC.loss().name())
                .precision("float64").optimizer("sgd").learningRate(0.5).epochs(1).iterationsPerEpoch(3)
                .localSteps(3).blockRows(16).build();
        // Each partition's own three full-batch steps, as the single-machine trainer takes them
        double[] meanChange = new double[p.params().length];
        double total = p.block().weightSum();
        int from = 0;
        for (int rows : UNEVEN) {
            Block own = p.block().slice(from, from + rows);
            from += rows;
            double[] w = new LocalTrainer(SPEC, settings.updater(), LocalTrainer.Settings.fullBatch(3))
                    .fit(p.params(), own).params();
            for (int i = 0; i < w.length; i++) {
                meanChange[i] += own.weightSum() * (w[i] - p.params()[i]) / total;
            }
        }
        try (TrainingData data = partitioned(p.block(), UNEVEN, 16)) {
            double[] averaged = fit(settings, data, p.params()).params();
            double[] expected = new double[meanChange.length];
            Arrays.setAll(expected, i -> p.params()[i] + meanChange[i]);
            assertClose(expected, averaged, 1e-9);

            // Outer Nesterov from zero velocity: v = -Δ; w -= lr·(-Δ + μ·v) = w + lr·(1 + μ)·Δ
            DistributedTrainer.Result nesterov = fit(settings.toBuilder()
                    .outerOptimizer("nesterov(momentum=0.5,learning_rate=0.7)").build(), data, p.params());
            Arrays.setAll(expected, i -> p.params()[i] + 0.7 * 1.5 * meanChange[i]);
            assertClose(expected, nesterov.params(), 1e-9);
            double[] velocity = Arrays.stream(meanChange).map(d -> -d).toArray();
            assertClose(velocity, nesterov.optimizerState(), 1e-9);
        }
    }

    @Test
    void theSameSettingsGiveTheSameModelToTheLastBit() {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 13);
        for (String precision : List.of("float64", "float32")) {
            TrainingSettings settings = adam().precision(precision).epochs(3).batchRows(40).seed(4).localSteps(3)
                    .outerOptimizer("nesterov").build();
            try (TrainingData data = partitioned(precision.equals("float32") ? p.block().toFloat32() : p.block(),
                    new int[] {30, 50, 20, 70, 40, 10, 60, 20}, 16)) {
                DistributedTrainer.Result first = fit(settings, data, p.params());
                DistributedTrainer.Result second = fit(settings, data, p.params());
                assertArrayEquals(first.params(), second.params(), precision);
                assertArrayEquals(first.optimizerState(), second.optimizerState(), precision);
                DistributedTrainer.Result synchronous = fit(settings.toBuilder().localSteps(1).build(), data,
                        p.params());
                assertFalse(Arrays.equals(first.params(), synchronous.params()), "local steps are another method");
                // Adam's two slots, then the outer velocity
                assertEquals(3 * p.params().length, first.optimizerState().length);
            }
        }
    }

    /** sgd runs the update's passes one by one, adam the fused pass (Updater.updateMean): both find the fault. */
    @ParameterizedTest
    @CsvSource({"sgd, 1e30", "adam, 1e150"})
    void aNonFiniteLocalStepStopsTheRunOrIsLeftOut(String optimizer, double learningRate) {
        // A linear network under MSE at a huge learning rate: the weights grow by about that much a
        // step, and the outputs and their squares overflow within a few steps
        NetworkSpec linear = NetworkSpec.parse("5,12:identity,1:identity", "mse");
        GradientCheck.Problem p = GradientCheck.randomProblem(linear, 300, 14);
        TrainingSettings settings = TrainingSettings.builder(linear.layersSpec(), linear.loss().name())
                .precision("float64").optimizer(optimizer).learningRate(learningRate).epochs(2).batchRows(50)
                .localSteps(3).blockRows(16).build();
        try (TrainingData data = partitioned(p.block(), UNEVEN, 16)) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> fit(settings, data, p.params()));
            assertTrue(e.getMessage().startsWith("steps " + e.iteration() + "-"), e.getMessage());
            assertTrue(e.getMessage().contains("local steps had a loss, gradient or update that was NaN or infinite"),
                    e.getMessage());

            DistributedTrainer.Result skipped = fit(settings.toBuilder()
                    .set(dev.sparkprop.driver.config.TrainingSection.ON_NON_FINITE, "skip").build(), data, p.params());
            assertTrue(skipped.skipped() > 0);
            assertTrue(Arrays.stream(skipped.params()).allMatch(Double::isFinite));
            assertEquals(12, skipped.iterations());
        }
    }

    /** {@code block}'s rows with weight w, or with weight 0 where {@code zero} holds. */
    private static Block reweighted(Block block, java.util.function.IntPredicate zero) {
        double[] w = block.weights().clone();
        for (int r = 0; r < block.rows(); r++) {
            w[r] = zero.test(r) ? 0 : w[r];
        }
        return new Block(block.inputWidth(), block.outputWidth(), block.features(), block.targets(), w, block.rows());
    }

    @Test
    void rowsOfWeightZeroLeaveTheRoundsMeanAsItWas() {
        // A round's mean change weighs each partition by the weight its steps saw, not their rows:
        // 208 rows of weight 0 added to one partition change no bit (full batch, so the batches are
        // the partitions whatever their rows). They come as whole blocks of 16 after the partition's
        // 96 real rows, so the real rows' blocks are the same products; the extra blocks add zeros.
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 16);
        Block real = p.block();
        int in = SPEC.inputWidth();
        int out = SPEC.outputWidth();
        Block zeros = reweighted(GradientCheck.randomProblem(SPEC, 208, 17).block(), r -> true);
        // partition 0: real rows 0..95 and then the 208 of weight 0; partitions 1 and 2: the other real rows
        double[] x = new double[508 * in];
        double[] y = new double[508 * out];
        double[] w = new double[508];
        System.arraycopy(real.features(), 0, x, 0, 96 * in);
        System.arraycopy(zeros.features(), 0, x, 96 * in, 208 * in);
        System.arraycopy(real.features(), 96 * in, x, 304 * in, 204 * in);
        System.arraycopy(real.targets(), 0, y, 0, 96 * out);
        System.arraycopy(zeros.targets(), 0, y, 96 * out, 208 * out);
        System.arraycopy(real.targets(), 96 * out, y, 304 * out, 204 * out);
        System.arraycopy(real.weights(), 0, w, 0, 96);
        System.arraycopy(real.weights(), 96, w, 304, 204);
        Block padded = new Block(in, out, x, y, w, 508);
        TrainingSettings settings = adam().epochs(2).iterationsPerEpoch(4).localSteps(4).build();
        try (TrainingData plain = partitioned(real, new int[] {96, 96, 108}, 16);
             TrainingData withZeros = partitioned(padded, new int[] {304, 96, 108}, 16)) {
            DistributedTrainer.Result a = fit(settings, plain, p.params());
            DistributedTrainer.Result b = fit(settings, withZeros, p.params());
            assertArrayEquals(a.params(), b.params());
            assertArrayEquals(a.optimizerState(), b.optimizerState());
        }
    }

    @ParameterizedTest
    @CsvSource({"1", "2"})
    void aMiniBatchWhoseRowsAllWeighZeroTakesNoStepAndNoFault(int k) {
        // Only row 0 weighs anything: of the epoch's 10 batches of 30 rows, one has weight. The
        // others take no step, are no fault (no "diverged", nothing skipped), and leave the epoch's
        // loss the loss of the one step taken.
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 18);
        Block block = reweighted(p.block(), r -> r > 0);
        TrainingSettings settings = TrainingSettings.builder(SPEC.layersSpec(), SPEC.loss().name())
                .precision("float64").optimizer("sgd").learningRate(0.5).epochs(1).batchRows(30).localSteps(k)
                .blockRows(16).build();
        double[] trainLoss = new double[1];
        try (TrainingData data = partitioned(block, UNEVEN, 16)) {
            DistributedTrainer.Result result = new DistributedTrainer(SparkTestSession.sc(), settings).fit(data,
                    p.params(), (e, w, loss, a) -> {
                        trainLoss[0] = loss;
                        return true;
                    });
            assertEquals(0, result.skipped());
            assertEquals(10, result.iterations());
            List<Double> losses = result.history().stream().map(DistributedTrainer.Iteration::loss)
                    .filter(l -> !Double.isNaN(l)).toList();
            assertEquals(1, losses.size(), "one job stepped: " + result.history());
            // The epoch's loss is the mean of the steps taken: l·n/S, then ·S/counted, rounds twice
            assertEquals(losses.get(0), trainLoss[0], 4 * Math.ulp(losses.get(0)),
                    "the epoch's loss is the mean of the steps taken");
            // The one step is row 0's own gradient step, as the single-machine trainer takes it
            double[] alone = new LocalTrainer(SPEC, settings.updater(), LocalTrainer.Settings.fullBatch(1))
                    .fit(p.params(), p.block().slice(0, 1)).params();
            assertClose(alone, result.params(), 1e-12);
        }
    }

    @Test
    void aCheckpointOfAnotherModeIsRefusedNamingTheSettings() {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 15);
        TrainingSettings settings = adam().epochs(1).batchRows(64).localSteps(2).outerOptimizer("nesterov").build();
        try (TrainingData data = partitioned(p.block(), UNEVEN, 16)) {
            // Adam's state alone, as a k = 1 run saves it: the outer velocity is missing
            TrainerState atOne = TrainerState.start(p.params(), settings.updater().newState());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DistributedTrainer(
                    SparkTestSession.sc(), settings).fit(data, atOne, (it, n) -> { }, (ep, w, l, a) -> true,
                    (s, end) -> { }));
            assertTrue(e.getMessage().contains("training.local_steps = 2"), e.getMessage());
        }
    }
}
