package dev.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.junit.jupiter.api.Test;

class PartitionJobTest {

    @Test
    void givesEachPartitionsValueInPartitionOrderEmptyPartitionsIncludedWhateverOrderTasksFinishIn() {
        // Six partitions of two rows each, the last emptied; the later a partition, the sooner it finishes
        JavaRDD<Integer> rows = SparkTestSession.sc().parallelize(IntStream.range(0, 12).boxed().toList(), 6)
                .filter(x -> x < 10);
        List<String> values = PartitionJob.collect(rows, "rows", it -> {
            List<Integer> items = new ArrayList<>();
            it.forEachRemaining(items::add);
            try {
                Thread.sleep(items.isEmpty() ? 0 : 150 - 15L * items.get(0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return items.toString();
        });
        assertEquals(List.of("[0, 1]", "[2, 3]", "[4, 5]", "[6, 7]", "[8, 9]", "[]"), values);
    }

    @Test
    void theJobIsNamedAsAskedAndTheThreadsOwnCallSiteComesBack() throws Exception {
        SparkContext sc = SparkTestSession.spark().sparkContext();
        List<String> stages = new java.util.concurrent.CopyOnWriteArrayList<>();
        SparkListener names = new SparkListener() {
            @Override
            public void onStageSubmitted(SparkListenerStageSubmitted stage) {
                stages.add(stage.stageInfo().name());
            }
        };
        sc.listenerBus().waitUntilEmpty();
        sc.addSparkListener(names);
        sc.setCallSite("the caller's own");
        try {
            PartitionJob.collect(SparkTestSession.sc().parallelize(List.of(1, 2), 2), "sparkprop test job",
                    it -> 0);
            assertEquals("the caller's own", sc.getLocalProperty("callSite.short"));
        } finally {
            sc.clearCallSite();
            sc.listenerBus().waitUntilEmpty();
            sc.removeSparkListener(names);
        }
        assertEquals(List.of("sparkprop test job"), stages);
    }

    @Test
    void aTasksExceptionReachesTheDriverWithItsMessage() {
        JavaRDD<Integer> rows = SparkTestSession.sc().parallelize(List.of(1, 2, 3), 3);
        SparkException e = assertThrows(SparkException.class, () -> PartitionJob.collect(rows, "twos", it -> {
            if (it.next() == 2) {
                throw new IllegalArgumentException("no twos here");
            }
            return 0;
        }));
        assertTrue(e.getMessage().contains("no twos here"), e.getMessage());
    }

    /**
     * A task that runs out of heap fails as any task does, naming the error. Spark's handler of such
     * an error would stop the session (the CLI's JVM exits with code 52): without the catch, this
     * test fails on a stopped SparkContext.
     */
    @Test
    void aTaskOutOfHeapFailsTheJobInsteadOfEndingTheJvm() {
        JavaRDD<Integer> rows = SparkTestSession.sc().parallelize(List.of(1, 2), 2);
        SparkException e = assertThrows(SparkException.class, () -> PartitionJob.collect(rows, "too big", it -> {
            if (it.next() == 2) {
                throw new OutOfMemoryError("Java heap space");
            }
            return 0;
        }));
        assertTrue(e.getMessage().contains("java.lang.OutOfMemoryError: Java heap space"), e.getMessage());
        assertEquals(List.of(0, 0), PartitionJob.collect(rows, "after", it -> 0), "the session still runs jobs");
    }
}
