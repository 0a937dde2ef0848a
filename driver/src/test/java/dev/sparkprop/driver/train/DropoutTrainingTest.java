package dev.sparkprop.driver.train;

import static dev.sparkprop.driver.train.DistributedGradientTest.assertClose;
import static dev.sparkprop.driver.train.DistributedGradientTest.partitioned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Dropout;
import dev.sparkprop.nn.GradientCheck;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.optim.Updater;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training with dropout: masks drawn per (seed, step, row id) make a run independent of the
 * partitioning and reproducible, and equal to the single machine taking the same steps.
 * {@link DistributedGradientTest#partitioned} cuts one block into consecutive partitions of data
 * cached without keys, so a row's id ({@link RowIds}) is its index in that block however it is cut.
 */
class DropoutTrainingTest {

    private static final String LAYERS = "5,12:tanh(dropout=0.3),6:elu(dropout=0.2),3:softmax";
    private static final NetworkSpec SPEC = NetworkSpec.parse(LAYERS, "cross_entropy");
    private static final int[] UNEVEN = {40, 90, 170};

    private static TrainingSettings.Builder adam(String layers) {
        return TrainingSettings.builder(layers, "cross_entropy").precision("float64").optimizer("adam")
                .learningRate(0.01).blockRows(16).seed(4);
    }

    private static DistributedTrainer.Result fit(TrainingSettings settings, TrainingData data, double[] init) {
        return new DistributedTrainer(SparkTestSession.sc(), settings).fit(data, init, (e, w, l, a) -> true);
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 3})
    void fullBatchStepsMatchTheSingleMachineWithTheSameMasks(int partitions) {
        // The reference takes each step on one block of all 300 rows, row r with id r, masks drawn for
        // (seed, step, r): the distributed run must draw the same masks on every partitioning. It
        // differs only in the order the partitions' block sums add up, a few roundings (1e-16
        // relative) per gradient, which 6 Adam steps leave far below 1e-9; other masks would move
        // the weights by percents.
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 8);
        TrainingSettings settings = adam(LAYERS).epochs(6).build();
        double[] w = p.params().clone();
        double[] state = settings.initialOptimizerState();
        Updater updater = settings.updater();
        Backprop backprop = new Backprop(SPEC, 300);
        long[] ids = LongStream.range(0, 300).toArray();
        for (int step = 0; step < 6; step++) {
            double[] grad = new double[w.length];
            backprop.accumulateGradient(w, p.block(), grad, new Dropout.Draw(4, step, ids));
            double weight = p.block().weightSum();
            for (int i = 0; i < grad.length; i++) {
                grad[i] /= weight;
            }
            updater.update(w, grad, state, step);
        }

        int[] split = partitions == 1 ? new int[] {300} : UNEVEN;
        try (TrainingData data = partitioned(p.block(), split, 16)) {
            DistributedTrainer.Result distributed = fit(settings, data, p.params());
            assertClose(w, distributed.params(), 1e-9);
            assertClose(state, distributed.optimizerState(), 1e-9);
        }
    }

    @Test
    void miniBatchRunsAreTheSameWhateverThePartitioningAndTheSameTwiceToTheBit() {
        // As DistributedTrainingTest's mini-batch test: the same rows and masks on 1, 3 or 8
        // partitions, only the order of the partitions' sums differs (1e-16 relative a gradient).
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 11);
        TrainingSettings settings = adam(LAYERS).epochs(3).batchRows(64).build();
        double[] reference = null;
        for (int[] split : new int[][] {{300}, UNEVEN, {30, 30, 40, 40, 35, 35, 45, 45}}) {
            try (TrainingData data = partitioned(p.block(), split, 16)) {
                DistributedTrainer.Result result = fit(settings, data, p.params());
                assertArrayEquals(result.params(), fit(settings, data, p.params()).params(), "a second run");
                if (reference == null) {
                    reference = result.params();
                } else {
                    assertClose(reference, result.params(), 1e-9);
                }
            }
        }
        try (TrainingData data = partitioned(p.block(), UNEVEN, 16)) {
            double[] plain = fit(adam("5,12:tanh,6:elu,3:softmax").epochs(3).batchRows(64).build(), data, p.params())
                    .params();
            assertFalse(Arrays.equals(reference, plain), "dropout must change the steps");
            double[] otherSeed = fit(settings.toBuilder().seed(5).build(), data, p.params()).params();
            assertFalse(Arrays.equals(reference, otherSeed));
        }
    }

    @Test
    void dropoutZeroTrainsTodaysModelToTheBit() {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 12);
        try (TrainingData data = partitioned(p.block(), UNEVEN, 16)) {
            double[] zero = fit(adam("5,12:tanh(dropout=0),6:elu(dropout=0.0),3:softmax").epochs(2).batchRows(64)
                    .build(), data, p.params()).params();
            double[] plain = fit(adam("5,12:tanh,6:elu,3:softmax").epochs(2).batchRows(64).build(), data,
                    p.params()).params();
            assertArrayEquals(plain, zero);
        }
    }

    @Test
    void onOnePartitionLocalStepsDrawTheMasksOfTheSynchronousSteps() {
        // As LocalStepsTest: one partition's round of k steps is k synchronous steps, up to an ulp
        // or two per round from averaging one change; so its masks are those of the same steps.
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 300, 13);
        TrainingSettings synchronous = adam(LAYERS).epochs(3).batchRows(64).build();
        try (TrainingData data = partitioned(p.block(), new int[] {300}, 16)) {
            DistributedTrainer.Result reference = fit(synchronous, data, p.params());
            DistributedTrainer.Result local = fit(synchronous.toBuilder().localSteps(3).build(), data, p.params());
            assertClose(reference.params(), local.params(), 1e-9);
            assertEquals(15, local.iterations());
        }
    }
}
