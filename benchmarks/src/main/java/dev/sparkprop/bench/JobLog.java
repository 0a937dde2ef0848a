package dev.sparkprop.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Start times of the Spark jobs of each job group. MLlib's fit runs one job per pass over the
 * data, so the count tells how many passes an MLlib "iteration" took (1 for gd; L-BFGS's line
 * search may evaluate the loss more than once), and the gaps between starts time the passes.
 */
final class JobLog extends SparkListener {


    private final Map<String, List<Long>> starts = new ConcurrentHashMap<>();

    /** The job group a job was submitted in (SparkContext.setJobGroup), or null. */
    static String group(SparkListenerJobStart start) {
        return start.properties() == null ? null : start.properties().getProperty("spark.jobGroup.id");
    }

    static JobLog register(JavaSparkContext sc) {
        JobLog log = new JobLog();
        sc.sc().addSparkListener(log);
        return log;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        String group = group(start);
        if (group != null) {
            // Events come one at a time from the listener bus thread, in submission order.
            starts.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(start.time());
        }
    }

    /** Start times (ms) of the jobs of {@code group} run so far, in order. */
    List<Long> starts(JavaSparkContext sc, String group) {
        // Listener events arrive asynchronously but in order: once a marker job run now has been
        // seen, every earlier job of the group has been recorded.
        String marker = group + "/marker";
        sc.setJobGroup(marker, "benchmark job-log marker", false);
        sc.parallelize(List.of(1), 1).count();
        sc.clearJobGroup();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!starts.containsKey(marker)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Spark's listener bus did not deliver the marker job in 30 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return List.copyOf(starts.getOrDefault(group, List.of()));
    }
}
