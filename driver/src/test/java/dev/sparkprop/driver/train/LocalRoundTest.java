package dev.sparkprop.driver.train;

import static dev.sparkprop.driver.train.DistributedGradientTest.partitioned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkprop.driver.config.OptimizerSection;
import dev.sparkprop.driver.spark.PartitionJob;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientCheck;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.optim.Updater;
import java.util.Arrays;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A task's round of local steps, against the same steps written out one by one. */
class LocalRoundTest {

    private static final NetworkSpec SPEC = NetworkSpec.parse("5,12:tanh,6:elu,3:softmax", "cross_entropy");
    private static final int ROWS = 70;
    private static final int BLOCK_ROWS = 16;

    /**
     * Each step of a round is a fresh gradient sum over the partition's blocks in order (at the
     * weights rounded to float32 for a float32 job), divided by its weight, then one update: the
     * round's change, state and sums are those of that plain loop to the last bit. It pins what
     * the task reuses between steps (the sum, the updater, the float32 buffer) to change no bit.
     */
    @ParameterizedTest
    @CsvSource({"float64, adamw, 0.01, 0.5", "float32, adamw, 0.01, 0.5",
        "float64, adam, 0, 0", "float32, adamw, 0, 0"})
    void aRoundIsItsStepsTakenOneByOneToTheLastBit(String precision, String optimizer, double l2, double clipNorm) {
        // Without L2 and clipping, Adam's update runs as one fused pass (Updater.updateMean)
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, ROWS, 21);
        Block all = precision.equals("float32") ? p.block().toFloat32() : p.block();
        TrainingSettings settings = TrainingSettings.builder(SPEC.layersSpec(), SPEC.loss().name())
                .precision(precision).optimizer(optimizer).learningRate(0.05)
                .set(OptimizerSection.SCHEDULE, "cosine(total=20)").set(OptimizerSection.L2, l2)
                .set(OptimizerSection.CLIP_NORM, clipNorm).epochs(1).iterationsPerEpoch(1).localSteps(5)
                .blockRows(BLOCK_ROWS).build();
        int steps = 5;
        long firstIteration = 3;
        int n = SPEC.layout().size();

        Updater updater = settings.updater();
        double[] w = p.params().clone();
        double[] state = updater.newState();
        Backprop backprop = new Backprop(SPEC, BLOCK_ROWS, Precision.parse(precision), true);
        double loss = 0;
        double weight = 0;
        double correct = 0;
        long rows = 0;
        for (int j = 0; j < steps; j++) {
            GradientSum sum = new GradientSum(n);
            float[] w32 = new float[n];
            for (int i = 0; i < n; i++) {
                w32[i] = (float) w[i];
            }
            for (int from = 0; from < ROWS; from += BLOCK_ROWS) {
                Block block = all.slice(from, Math.min(ROWS, from + BLOCK_ROWS));
                if (precision.equals("float32")) {
                    sum.add(backprop, w32, block, null);
                } else {
                    sum.add(backprop, w, block);
                }
            }
            loss += sum.lossSum();
            weight += sum.weightSum();
            correct += sum.correctWeight();
            rows += sum.rows();
            updater.update(w, sum.divideByWeight(), state, firstIteration + j);
        }
        double[] change = new double[n];
        Arrays.setAll(change, i -> w[i] - p.params()[i]);
        RoundSum.Means expected = RoundSum.of(change, state, loss, weight, correct, rows, 0).means();

        double[] start = Arrays.copyOf(p.params(), n + state.length);
        try (TrainingData data = partitioned(all, new int[] {ROWS}, BLOCK_ROWS)) {
            Broadcast<double[]> sent = SparkTestSession.sc().broadcast(start);
            // slices = 0: full batch, every step over all the partition's rows
            RoundSum.Means round = PartitionJob.collect(data.cached(), "round", new LocalRound(settings, data, sent, 0, 0, 0,
                    steps, firstIteration)).get(0).means();
            sent.destroy();
            assertArrayEquals(expected.change(), round.change());
            assertArrayEquals(expected.state(), round.state());
            assertEquals(expected.loss(), round.loss(), 0);
            assertEquals(expected.weight(), round.weight(), 0);
            assertEquals(expected.correct(), round.correct(), 0);
        }
    }
}
