package dev.sparkprop.driver.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.CallSite$;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * One Spark job that computes a value from each partition of an RDD and returns the values in
 * partition order, as {@code rdd.mapPartitions(f).collect()} would, through
 * {@code SparkContext.runJob} with a function object of a named class. Spark's ClosureCleaner
 * reads with ASM, on every job, the class file that declared each Scala lambda it is handed, and
 * mapPartitions + collect hand it two (JavaRDDLike's wrapper of f and RDD.collect's own): that
 * took half of an empty job on {@code local[2]} here, 8 ms against 4 ms by this route. A named
 * class is no closure, so the cleaner returns at once (without its serializability check: a
 * function that does not serialize fails when the stage is submitted, "Task not serializable").
 * The job's call site, Spark's name for it in the UI and the event log, is the {@code name}
 * given, not this class's line.
 */
public final class PartitionJob {

    /** What a task computes from its partition's items. */
    @FunctionalInterface
    public interface PerPartition<T, R> extends Serializable {
        R call(Iterator<T> items);
    }

    private PartitionJob() {
    }

    /**
     * f of each partition of {@code rdd}, element p from partition p, however the tasks finish.
     *
     * @param name the job's call site, e.g. "sparkprop gradient"
     */
    public static <T, R> List<R> collect(JavaRDD<T> rdd, String name, PerPartition<T, R> f) {
        SparkContext sc = rdd.context();
        String[] keys = {CallSite$.MODULE$.SHORT_FORM(), CallSite$.MODULE$.LONG_FORM()};
        String[] before = {sc.getLocalProperty(keys[0]), sc.getLocalProperty(keys[1])};
        sc.setCallSite(name);
        try {
            @SuppressWarnings("unchecked")
            ClassTag<R> anyRef = (ClassTag<R>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
            @SuppressWarnings("unchecked")
            R[] values = (R[]) sc.runJob(rdd.rdd(), new Task<>(f), anyRef);
            return Arrays.asList(values);
        } finally {
            // The thread's own call site back, whoever set it
            sc.setLocalProperty(keys[0], before[0]);
            sc.setLocalProperty(keys[1], before[1]);
        }
    }

    /** The task's function: a named class, not a lambda (see the class comment). */
    private static final class Task<T, R>
            implements scala.Function2<TaskContext, scala.collection.Iterator<T>, R>, Serializable {

        private static final long serialVersionUID = 1L;

        private final PerPartition<T, R> f;

        Task(PerPartition<T, R> f) {
            this.f = f;
        }

        @Override
        public R apply(TaskContext context, scala.collection.Iterator<T> items) {
            return failingOutOfHeap(() -> f.call(CollectionConverters.asJava(items)));
        }
    }

    /**
     * {@code work}'s result, run in a task: an OutOfMemoryError becomes a {@link TaskOutOfMemory}.
     * Spark's executor exits its JVM on an OutOfMemoryError (in local mode the driver's, with exit
     * code 52 and stack traces). The arrays the task allocated are garbage once it has unwound,
     * so it fails as any task does instead, its message saying what ran out (a retry on a cluster
     * runs in the same executor). No cause: Spark looks for fatal errors among the causes too.
     */
    public static <R> R failingOutOfHeap(java.util.function.Supplier<R> work) {
        try {
            return work.get();
        } catch (OutOfMemoryError e) {
            throw new TaskOutOfMemory(e.toString());
        }
    }

    /** {@code rows} read through {@link #failingOutOfHeap}: for a task whose work runs as its iterator is read. */
    public static <T> Iterator<T> failingOutOfHeap(Iterator<T> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return failingOutOfHeap(rows::hasNext);
            }

            @Override
            public T next() {
                return failingOutOfHeap(rows::next);
            }
        };
    }

    /**
     * A task of sparkprop's that ran out of heap: its message is the OutOfMemoryError's. Without a
     * stack trace: Spark logs a failed task's twice, and this one's would show only the wrapping.
     */
    public static final class TaskOutOfMemory extends RuntimeException {

        private static final long serialVersionUID = 1L;

        TaskOutOfMemory(String message) {
            super(message, null, false, false);
        }
    }
}
