package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
 * The aggregated gradient is the same to the last bit however Spark's tasks finish: each run
 * delays the partitions differently, so the driver (depth 1) and the tree's reduce tasks
 * (depth 2) merge partial sums in different orders.
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
    private static JavaRDD<GradientSum> partitionSums(int[] delays) {
        JavaRDD<Integer> partitions = SparkTestSession.sc().parallelize(
                IntStream.range(0, PARTITIONS).boxed().toList(), PARTITIONS);
        String layers = SPEC.layersSpec();
        String loss = SPEC.loss().name();
        return partitions.mapPartitions(it -> {
            int p = it.next();
            Thread.sleep(delays[p]);
            NetworkSpec spec = NetworkSpec.parse(layers, loss);
            // Each partition's rows differ in scale, so the order of merging matters to plain sums
            GradientCheck.Problem problem = GradientCheck.randomProblem(spec, 40, 100 + p);
            double[] params = GradientCheck.randomProblem(spec, 1, 7).params();
            for (int i = 0; i < problem.block().features().length; i++) {
                problem.block().features()[i] *= Math.pow(10, p % 5);
            }
            GradientSum sum = new GradientSum(spec.layout().size()).add(new Backprop(spec, 40), params,
                    problem.block());
            return List.of(sum).iterator();
        });
    }

    /** The partition sums tree-merged, recording the order their tasks finished in. */
    private static GradientSum aggregate(int[] delays, int depth, CompletionOrder order) throws Exception {
        // Earlier jobs' events are still on the asynchronous bus: deliver them before listening
        SparkTestSession.spark().sparkContext().listenerBus().waitUntilEmpty();
        SparkTestSession.spark().sparkContext().addSparkListener(order);
        try {
            return partitionSums(delays).treeAggregate(GradientSum.empty(), GradientSum::merge, GradientSum::merge,
                    depth);
        } finally {
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
                List<GradientSum> sums = partitionSums(new int[PARTITIONS]).collect();
                assertNotEquals(plainSum(sums, firstOrder.partitions.subList(0, PARTITIONS)).toString(),
                        plainSum(sums, secondOrder.partitions.subList(0, PARTITIONS)).toString());
            }
        }
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
