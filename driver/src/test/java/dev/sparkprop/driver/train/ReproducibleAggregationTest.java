package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sparkprop.driver.spark.PartitionJob;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.GradientCheck;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;

/**
 * The aggregated gradient, and a round of local steps, is the same to the last bit however
 * Spark's tasks finish: each run delays the partitions differently, so the partial sums reach the
 * driver (depth 1: added in partition order) and the tree's reduce tasks (depth 2: merged exactly)
 * in different orders.
 */
class ReproducibleAggregationTest {

    private static final NetworkSpec SPEC = NetworkSpec.parse("12,20:tanh,6:softmax", "cross_entropy");
    private static final int PARTITIONS = 10;

    /** Task completion order of the stage that computes the partitions' sums. */
    private static final class CompletionOrder extends SparkListener {
        final List<Integer> partitions = Collections.synchronizedList(new ArrayList<>());
        volatile int stage = -1;

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (stage < 0 || end.stageId() == stage) {
                stage = end.stageId();
                partitions.add(end.taskInfo().partitionId());
            }
        }
    }

    /** Each partition's gradient over its own rows, delayed by delays[partition] ms. */
    private static PartitionJob.PerPartition<Integer, GradientSum> partitionSums(int[] delays) {
        String layers = SPEC.layersSpec();
        String loss = SPEC.loss().name();
        return it -> {
            int p = it.next();
            sleep(delays[p]);
            NetworkSpec spec = NetworkSpec.parse(layers, loss);
            // Each partition's rows differ in scale, so the order of merging matters to plain sums
            GradientCheck.Problem problem = GradientCheck.randomProblem(spec, 40, 100 + p);
            double[] params = GradientCheck.randomProblem(spec, 1, 7).params();
            for (int i = 0; i < problem.block().features().length; i++) {
                problem.block().features()[i] *= Math.pow(10, p % 5);
            }
            return new GradientSum(spec.layout().size()).add(new Backprop(spec, 40), params, problem.block());
        };
    }

    /** One item per partition: its index. */
    private static JavaRDD<Integer> partitions() {
        return SparkTestSession.sc().parallelize(IntStream.range(0, PARTITIONS).boxed().toList(), PARTITIONS);
    }

    private static void sleep(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The partition sums totalled as the trainer does, recording the order their tasks finished in. */
    private static GradientSum aggregate(int[] delays, int depth, CompletionOrder order) throws Exception {
        // Earlier jobs' events are still on the asynchronous bus: deliver them before listening
        SparkTestSession.spark().sparkContext().listenerBus().waitUntilEmpty();
        SparkTestSession.spark().sparkContext().addSparkListener(order);
        try {
            return DistributedTrainer.total(partitions(), "sums", partitionSums(delays), depth, GradientSum::inPartitionOrder,
                    GradientSum.empty(), GradientSum::merge);
        } finally {
            // The job has ended, but its task events may still be on the bus
            SparkTestSession.spark().sparkContext().listenerBus().waitUntilEmpty();
            SparkTestSession.spark().sparkContext().removeSparkListener(order);
        }
    }

    private static int[] delays(boolean ascending) {
        return IntStream.range(0, PARTITIONS).map(p -> 40 * (ascending ? p : PARTITIONS - 1 - p)).toArray();
    }

    @Test
    void gradientIsBitwiseTheSameWhenTasksFinishInAnotherOrder() throws Exception {
        for (int depth : new int[] {1, 2}) {
            CompletionOrder firstOrder = new CompletionOrder();
            CompletionOrder secondOrder = new CompletionOrder();
            GradientSum first = aggregate(delays(true), depth, firstOrder);
            GradientSum second = aggregate(delays(false), depth, secondOrder);
            // The listener bus is asynchronous: wait until it has seen every task of the stage
            SparkTestSession.spark().sparkContext().listenerBus().waitUntilEmpty();
            assertNotEquals(firstOrder.partitions.subList(0, PARTITIONS), secondOrder.partitions.subList(0,
                    PARTITIONS), "the runs must finish their tasks in different orders");
            assertArrayEquals(first.gradient(), second.gradient(), "depth " + depth);
            assertEquals(first.lossSum(), second.lossSum());
            assertEquals(first.weightSum(), second.weightSum());
            assertEquals(first.rows(), second.rows());
            if (depth == 1) {
                // The control: plain double sums of the same partition sums, in those two orders, differ
                List<GradientSum> sums = PartitionJob.collect(partitions(), "sums", partitionSums(new int[PARTITIONS]));
                assertNotEquals(plainSum(sums, firstOrder.partitions.subList(0, PARTITIONS)).toString(),
                        plainSum(sums, secondOrder.partitions.subList(0, PARTITIONS)).toString());
            }
        }
    }

    /**
     * Each partition's round of local steps (training.local_steps > 1), delayed by delays[partition]
     * ms: its weight change and optimizer state after steps of its own, of scales differing by
     * partition, as {@link LocalRound} returns them.
     */
    private static PartitionJob.PerPartition<Integer, RoundSum> partitionRounds(int[] delays) {
        int n = SPEC.layout().size();
        return it -> {
            int p = it.next();
            sleep(delays[p]);
            java.util.Random random = new java.util.Random(100 + p);
            double[] change = random.doubles(n, -1, 1).map(d -> d * Math.pow(10, p % 5)).toArray();
            double[] state = random.doubles(2 * n, 0, 1).map(d -> d * Math.pow(10, -(p % 4))).toArray();
            return RoundSum.of(change, state, 3.5 * p + 0.1, 10 + p, 7 + p, 10 + 7L * p, 0);
        };
    }

    @Test
    void aRoundOfLocalStepsIsBitwiseTheSameWhenTasksFinishInAnotherOrder() throws Exception {
        for (int depth : new int[] {1, 2}) {
            CompletionOrder firstOrder = new CompletionOrder();
            CompletionOrder secondOrder = new CompletionOrder();
            RoundSum.Means first = aggregateRounds(delays(true), depth, firstOrder);
            RoundSum.Means second = aggregateRounds(delays(false), depth, secondOrder);
            SparkTestSession.spark().sparkContext().listenerBus().waitUntilEmpty();
            assertNotEquals(firstOrder.partitions.subList(0, PARTITIONS), secondOrder.partitions.subList(0,
                    PARTITIONS), "the runs must finish their tasks in different orders");
            assertArrayEquals(first.change(), second.change(), "depth " + depth);
            assertArrayEquals(first.state(), second.state(), "depth " + depth);
            assertEquals(first.loss(), second.loss());
            assertEquals(first.weight(), second.weight());
            assertEquals(first.correct(), second.correct());
            if (depth == 1) {
                // The control: the rows-weighted changes summed in plain doubles, in those two orders, differ
                List<RoundSum> rounds = PartitionJob.collect(partitions(), "rounds", partitionRounds(new int[PARTITIONS]));
                assertNotEquals(plainChange(rounds, firstOrder.partitions.subList(0, PARTITIONS)),
                        plainChange(rounds, secondOrder.partitions.subList(0, PARTITIONS)));
            }
        }
    }

    private static RoundSum.Means aggregateRounds(int[] delays, int depth, CompletionOrder order) throws Exception {
        SparkTestSession.spark().sparkContext().listenerBus().waitUntilEmpty();
        SparkTestSession.spark().sparkContext().addSparkListener(order);
        try {
            return DistributedTrainer.total(partitions(), "rounds", partitionRounds(delays), depth, RoundSum::inPartitionOrder,
                    RoundSum.empty(), RoundSum::merge).means();
        } finally {
            SparkTestSession.spark().sparkContext().listenerBus().waitUntilEmpty();
            SparkTestSession.spark().sparkContext().removeSparkListener(order);
        }
    }

    /** Each partition's rows-weighted change, read back alone, summed in plain doubles in {@code order}. */
    private static List<Double> plainChange(List<RoundSum> rounds, List<Integer> order) {
        double[] total = new double[SPEC.layout().size()];
        for (int p : order) {
            RoundSum alone = RoundSum.empty().merge(rounds.get(p));
            double[] change = alone.means().change();
            for (int i = 0; i < total.length; i++) {
                total[i] += change[i] * alone.rows();
            }
        }
        return java.util.Arrays.stream(total).boxed().toList();
    }

    private static List<Double> plainSum(List<GradientSum> sums, List<Integer> order) {
        double[] total = new double[SPEC.layout().size()];
        for (int p : order) {
            double[] g = sums.get(p).gradient();
            for (int i = 0; i < total.length; i++) {
                total[i] += g[i];
            }
        }
        return java.util.Arrays.stream(total).boxed().toList();
    }
}
