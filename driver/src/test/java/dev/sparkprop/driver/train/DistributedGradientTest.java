package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientCheck;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The treeAggregated gradient equals the single-machine gradient over the same rows. */
class DistributedGradientTest {

    static final NetworkSpec SPEC = NetworkSpec.parse("6,9:tanh,7:relu,4:softmax", "cross_entropy");
    static final int ROWS = 150;

    /** Rows per partition (as consecutive ranges); within a partition, rows per block. */
    static Stream<Arguments> partitionings() {
        return Stream.of(
                Arguments.of("1 partition", new int[] {150}, 64),
                Arguments.of("3 uneven partitions", new int[] {5, 144, 1}, 32),
                Arguments.of("8 partitions, one empty", new int[] {30, 0, 17, 3, 50, 20, 29, 1}, 16),
                Arguments.of("8 partitions, depth 3", new int[] {19, 19, 19, 19, 19, 19, 19, 17}, 7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("partitionings")
    void aggregatedGradientEqualsSingleMachineGradient(String name, int[] partitionRows, int blockRows) {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, ROWS, 21);
        GradientSum local = new GradientSum(SPEC.layout().size()).add(new Backprop(SPEC, ROWS), p.params(), p.block());
        TrainingSettings settings = TrainingSettings.builder(SPEC.layersSpec(), SPEC.loss().name())
                .precision("float64").blockRows(blockRows).aggregationDepth(name.contains("depth 3") ? 3 : 0).build();

        try (TrainingData data = partitioned(p.block(), partitionRows, blockRows)) {
            assertEquals(partitionRows.length, data.partitions());
            GradientSum distributed = new DistributedTrainer(SparkTestSession.sc(), settings).gradient(data, p.params());

            assertEquals(ROWS, distributed.rows());
            assertEquals(local.weightSum(), distributed.weightSum(), 1e-12 * local.weightSum());
            assertEquals(local.lossSum(), distributed.lossSum(), 1e-12 * local.lossSum());
            assertClose(local.gradient(), distributed.gradient(), 1e-9);
        }
    }

    @Test
    void float32GradientOverPartitionsMatchesTheFloat64OneToSinglePrecision() {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, ROWS, 22);
        GradientSum exact = new GradientSum(SPEC.layout().size()).add(new Backprop(SPEC, ROWS), p.params(), p.block());
        TrainingSettings settings = TrainingSettings.builder(SPEC.layersSpec(), SPEC.loss().name()).blockRows(16)
                .precision("float32").build();
        try (TrainingData data = partitioned(p.block().toFloat32(), new int[] {40, 0, 61, 49}, 16)) {
            GradientSum single = new DistributedTrainer(SparkTestSession.sc(), settings).gradient(data, p.params());
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < exact.gradient().length; i++) {
                diff += Math.pow(single.gradient()[i] - exact.gradient()[i], 2);
                norm += Math.pow(exact.gradient()[i], 2);
            }
            double distance = Math.sqrt(diff / norm);
            assertTrue(distance < 1e-5 && distance > 0, "relative distance " + distance);
            assertEquals(exact.lossSum(), single.lossSum(), 1e-5 * exact.lossSum());
        }
    }

    @Test
    void aggregationDepthGrowsWithThePartitionCount() {
        long small = 1_000;
        long noLimit = 0;
        assertEquals(1, DistributedTrainer.aggregationDepth(1, 0, small, noLimit));
        assertEquals(1, DistributedTrainer.aggregationDepth(16, 0, small, noLimit));
        assertEquals(2, DistributedTrainer.aggregationDepth(17, 0, small, noLimit));
        assertEquals(2, DistributedTrainer.aggregationDepth(256, 0, small, noLimit));
        assertEquals(3, DistributedTrainer.aggregationDepth(257, 0, small, noLimit));
        assertEquals(4, DistributedTrainer.aggregationDepth(3, 4, small, noLimit));
    }

    @Test
    void aggregationDepthKeepsTheDriversShareUnderMaxResultSize() {
        long gib = 1L << 30;
        // At depth 1 the driver gets each partition's doubles: 16 results of 5M values (40 MB) fit,
        assertEquals(1, DistributedTrainer.aggregationDepth(16, 0, 5_000_000, gib));
        // 16 of 9M (72 MB) are 1.15 GB; one level more leaves 4 merged ExactSums (28 bytes a value), 1.01 GB
        assertEquals(2, DistributedTrainer.aggregationDepth(16, 0, 9_000_000, gib));
        // 8 results of 10M values fit at depth 1 (640 MB), where 8 ExactSums of them (2.2 GB) would not
        assertEquals(1, DistributedTrainer.aggregationDepth(8, 0, 10_000_000, gib));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DistributedTrainer.aggregationDepth(64, 0, 25_000_000, gib));
        assertTrue(e.getMessage().contains("set spark.driver.maxResultSize to"), e.getMessage());
    }

    /** Lays the rows of {@code all} into partitions of the given sizes, cut into blocks. */
    static TrainingData partitioned(Block all, int[] partitionRows, int blockRows) {
        List<List<Block>> plan = new ArrayList<>();
        int row = 0;
        for (int n : partitionRows) {
            List<Block> blocks = new ArrayList<>();
            for (int from = row; from < row + n; from += blockRows) {
                blocks.add(all.slice(from, Math.min(row + n, from + blockRows)));
            }
            plan.add(blocks);
            row += n;
        }
        assertEquals(all.rows(), row, "the plan must cover every row once");
        JavaRDD<Block> rdd = SparkTestSession.sc()
                .parallelize(IntStream.range(0, plan.size()).boxed().toList(), plan.size())
                .mapPartitionsWithIndex((i, ignored) -> plan.get(i).iterator(), true);
        return TrainingData.fromBlocks(rdd, all.precision());
    }

    /** Each entry within {@code rel} of the reference, relative to its own size or the largest. */
    static void assertClose(double[] expected, double[] actual, double rel) {
        assertEquals(expected.length, actual.length);
        double max = 0;
        for (double v : expected) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0, "the reference must not be all zeros");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = rel * Math.max(Math.abs(expected[i]), 1e-6 * max);
            assertEquals(expected[i], actual[i], tolerance, "entry " + i);
        }
    }
}
