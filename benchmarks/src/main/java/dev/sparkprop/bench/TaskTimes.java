package dev.sparkprop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Where the tasks of each job group spent their time, from Spark's task metrics: deserializing
 * the task (its closure, so treeAggregate's zero values), running it (compute, and the
 * broadcast fetch on first read), serializing its result, and GC. Set apart from the job's
 * wall time, it shows which part of an iteration the executors cannot explain: the driver's.
 */
final class TaskTimes extends SparkListener {

    /** Per-task means over one job's tasks, seconds (result in bytes). */
    record Job(int tasks, double duration, double deserialize, double run, double serializeResult, double gc,
               double resultBytes) {

        static Job mean(List<Job> jobs) {
            double n = jobs.size();
            return new Job((int) Math.round(jobs.stream().mapToInt(Job::tasks).average().orElse(0)),
                    jobs.stream().mapToDouble(Job::duration).sum() / n,
                    jobs.stream().mapToDouble(Job::deserialize).sum() / n,
                    jobs.stream().mapToDouble(Job::run).sum() / n,
                    jobs.stream().mapToDouble(Job::serializeResult).sum() / n,
                    jobs.stream().mapToDouble(Job::gc).sum() / n,
                    jobs.stream().mapToDouble(Job::resultBytes).sum() / n);
        }
    }

    /**
     * When one job's phases began and ended, wall-clock ms (Spark's clock): submitted to the
     * scheduler, its first task launched, its last task finished on the executor, and the job
     * ended on the driver (after the driver fetched, deserialized and handled every result).
     */
    record Timeline(long submitted, long firstLaunch, long lastFinish, long ended) {

        /** Submitted to the first task's launch: scheduling, the task's serialization. */
        long toLaunch() {
            return firstLaunch - submitted;
        }

        /** The first task's launch to the last one's finish. */
        long tasks() {
            return lastFinish - firstLaunch;
        }

        /** The last task's finish to the job's end on the driver: fetching and reading the results. */
        long toEnd() {
            return ended - lastFinish;
        }

        long whole() {
            return ended - submitted;
        }
    }

    /** Per job: tasks, then sums of duration, deserialize, run, result serialization, GC (ms) and result bytes. */
    private final Map<Integer, double[]> sums = new ConcurrentHashMap<>();
    /** Per job: submitted, first launch, last finish and end, ms. */
    private final Map<Integer, long[]> times = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> jobsOfGroup = new ConcurrentHashMap<>();
    private final Set<Integer> ended = ConcurrentHashMap.newKeySet();

    static TaskTimes register(JavaSparkContext sc) {
        TaskTimes times = new TaskTimes();
        sc.sc().addSparkListener(times);
        return times;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        String group = JobLog.group(start);
        if (group == null) {
            return;
        }
        sums.put(start.jobId(), new double[7]);
        times.put(start.jobId(), new long[] {start.time(), Long.MAX_VALUE, Long.MIN_VALUE, 0});
        scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds())
                .forEach(stage -> jobOfStage.put((Integer) stage, start.jobId()));
        jobsOfGroup.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).add(start.jobId());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        Integer job = jobOfStage.get(end.stageId());
        TaskMetrics m = end.taskMetrics();
        if (job == null || m == null) {
            return;
        }
        double[] s = sums.get(job);
        // Events come one at a time from the listener bus thread.
        s[0]++;
        s[1] += end.taskInfo().duration();
        s[2] += m.executorDeserializeTime();
        s[3] += m.executorRunTime();
        s[4] += m.resultSerializationTime();
        s[5] += m.jvmGCTime();
        s[6] += m.resultSize();
        long[] t = times.get(job);
        t[1] = Math.min(t[1], end.taskInfo().launchTime());
        t[2] = Math.max(t[2], end.taskInfo().finishTime());
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
        long[] t = times.get(end.jobId());
        if (t != null) {
            t[3] = end.time();
        }
        ended.add(end.jobId());
    }

    /** The per-task means of the group's jobs after the first {@code skip}, averaged over those jobs. */
    Job mean(JavaSparkContext sc, String group, int skip) {
        List<Job> jobs = new ArrayList<>();
        for (int id : jobs(sc, group, skip)) {
            double[] s = sums.get(id);
            double n = Math.max(1, s[0]);
            jobs.add(new Job((int) s[0], s[1] / n / 1e3, s[2] / n / 1e3, s[3] / n / 1e3, s[4] / n / 1e3,
                    s[5] / n / 1e3, s[6] / n));
        }
        return Job.mean(jobs);
    }

    /** The timelines of the group's jobs after the first {@code skip}, in submission order. */
    List<Timeline> timelines(JavaSparkContext sc, String group, int skip) {
        return jobs(sc, group, skip).stream().map(id -> {
            long[] t = times.get(id);
            return new Timeline(t[0], t[1], t[2], t[3]);
        }).toList();
    }

    /** The ids of the group's jobs after the first {@code skip}, once every job run so far has ended here. */
    private List<Integer> jobs(JavaSparkContext sc, String group, int skip) {
        // The listener bus delivers in order: once a job run now has ended here, so has every earlier one.
        String marker = group + "/marker";
        sc.setJobGroup(marker, "benchmark task-metrics marker", false);
        sc.parallelize(List.of(1), 1).count();
        sc.clearJobGroup();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!jobsOfGroup.containsKey(marker) || !ended.containsAll(jobsOfGroup.get(marker))) {
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
        List<Integer> ids = jobsOfGroup.getOrDefault(group, List.of());
        return ids.subList(Math.min(skip, ids.size()), ids.size());
    }
}
