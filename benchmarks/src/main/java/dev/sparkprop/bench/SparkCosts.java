package dev.sparkprop.bench;

import dev.sparkprop.nn.GradientSum;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The Spark parts of a sparkprop iteration, each timed alone as a job over the same
 * partitions: an empty job, the weight broadcast read by every task, and the treeAggregate of
 * one P-entry {@link GradientSum} per partition to the driver. What a part adds to an
 * iteration is its job's time minus the empty job's. Other processes share this machine, so
 * each repetition runs the empty job right before the measured one and the figure is the
 * median of the {@code reps} paired differences (after one warm-up pair): slow drifts of the
 * load cancel.
 */
final class SparkCosts {

    /** Median, smallest and largest of some repetitions, in seconds. */
    record Timing(double median, double min, double max) {
        static Timing of(double[] seconds) {
            return new Timing(LocalCompute.median(seconds), Arrays.stream(seconds).min().orElseThrow(),
                    Arrays.stream(seconds).max().orElseThrow());
        }
    }

    static final int WARM_UP_JOBS = 200;

    private final JavaSparkContext sc;
    private final int partitions;
    private final int reps;
    /** One element per partition: the jobs' tasks do nothing but what is measured. */
    private final JavaRDD<Integer> tasks;

    SparkCosts(JavaSparkContext sc, int partitions, int reps) {
        this.sc = sc;
        this.partitions = partitions;
        this.reps = reps;
        this.tasks = slices(partitions);
    }

    /**
     * A job of one task per partition that returns one number each: Spark's fixed cost, after
     * {@link #WARM_UP_JOBS} of them. Until the JIT has compiled Spark's scheduling path the
     * cost falls from about 60 to about 10 ms per job here, and a training run of many
     * iterations pays the compiled cost.
     */
    Timing emptyJob() {
        for (int i = 0; i < WARM_UP_JOBS; i++) {
            emptyJob(tasks);
        }
        double[] seconds = new double[3 * reps];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = timed(() -> emptyJob(tasks));
        }
        return Timing.of(seconds);
    }

    /**
     * What the same empty job over {@code factor} times as many partitions adds: over the
     * extra tasks, the cost of one task.
     */
    Timing moreTasks(int factor) {
        JavaRDD<Integer> more = slices(factor * partitions);
        return added(() -> emptyJob(more));
    }

    private static void emptyJob(JavaRDD<Integer> rdd) {
        rdd.mapPartitions(it -> one(0)).collect();
    }

    /**
     * A fresh broadcast of {@code params} float32 weights (as DistributedTrainer ships a float32
     * job's weights), read by every task, then destroyed. The values are Gaussian like
     * initialised weights, so Spark's broadcast compression sees realistic, incompressible bytes.
     */
    Timing broadcast(int params) {
        float[] weights = gaussianFloats(params);
        return added(() -> {
            Broadcast<float[]> b = sc.broadcast(weights);
            tasks.mapPartitions(it -> one(b.value().length)).collect();
            b.destroy();
        });
    }

    /**
     * What DistributedTrainer's aggregation does with a P-parameter network: every partition
     * returns one P-double GradientSum, and treeAggregate, with the same zero value
     * ({@link GradientSum#empty}), merge functions and depth, sums them on the driver. The sums
     * are zeros; Kryo writes every double in 8 bytes whatever its value.
     */
    Timing aggregate(int params, int depth) {
        return added(() -> tasks.mapPartitions(it -> List.of(new GradientSum(params)).iterator())
                .treeAggregate(GradientSum.empty(), GradientSum::merge, GradientSum::merge, depth));
    }

    /** One empty job over the partitions: Spark's floor, with nothing shipped either way. */
    void emptyJobOnce() {
        emptyJob(tasks);
    }

    /**
     * A bare Spark job the size of a P-parameter step, once: {@code weights} broadcast fresh,
     * read by every task, each task returning a P-double array, which treeAggregate (depth 1,
     * plain double sums) adds on the driver; then the broadcast destroyed. What Spark alone
     * costs for what a sparkprop step ships, with none of sparkprop's code.
     */
    void broadcastAndAggregate(float[] weights) {
        Broadcast<float[]> b = sc.broadcast(weights);
        try {
            tasks.mapPartitions(it -> {
                float[] w = b.value();
                double[] g = new double[w.length];
                for (int i = 0; i < g.length; i++) {
                    g[i] = w[i];
                }
                return one(g);
            }).treeAggregate(new double[0], SparkCosts::plus, SparkCosts::plus, 1);
        } finally {
            b.destroy();
        }
    }

    /** Element-wise a + b into the longer; the empty array is the zero, so no task ships a full-size one. */
    private static double[] plus(double[] a, double[] b) {
        if (a.length == 0) {
            return b;
        }
        for (int i = 0; i < b.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    private JavaRDD<Integer> slices(int count) {
        return sc.parallelize(IntStream.range(0, count).boxed().toList(), count);
    }

    /** Seconds {@code job} takes beyond the empty job, paired repetition by repetition. */
    private Timing added(Runnable job) {
        job.run();
        double[] seconds = new double[reps];
        for (int i = 0; i < reps; i++) {
            double empty = timed(() -> emptyJob(tasks));
            seconds[i] = timed(job) - empty;
        }
        return Timing.of(seconds);
    }

    private static double timed(Runnable job) {
        long t0 = System.nanoTime();
        job.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static <T> Iterator<T> one(T value) {
        return List.of(value).iterator();
    }

    static float[] gaussianFloats(int n) {
        SplittableRandom random = new SplittableRandom(n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.05 * random.nextGaussian());
        }
        return v;
    }
}
