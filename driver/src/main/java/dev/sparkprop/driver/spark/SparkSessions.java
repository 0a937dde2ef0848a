package dev.sparkprop.driver.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;

/** The SparkSession a command runs in. */
public final class SparkSessions {

    private SparkSessions() {
    }

    /** How to give Spark more memory, for messages about memory running out or short. */
    public static final String MORE_MEMORY = "give Spark more memory: with bin/sparkprop, SPARKPROP_JAVA_OPTS=-Xmx<size>"
            + " (e.g. -Xmx16g; its JVM runs the tasks too); with spark-submit, --driver-memory (in local mode the"
            + " tasks' memory too) and, on a cluster, --executor-memory";

    /**
     * The session spark-submit configured (its master comes in as {@code spark.master}), or a
     * {@code local[*]} one when run directly; Kryo with sparkprop's registrations either way.
     */
    public static SparkSession getOrCreate(String appName) {
        SparkConf conf = conf(appName);
        if (SparkSession.getDefaultSession().nonEmpty() || SparkSession.getActiveSession().nonEmpty()) {
            return SparkSession.builder().config(conf).getOrCreate();
        }
        // Spark would refuse too, but after logging a stack trace, and naming only its own flags
        checkHeap(Runtime.getRuntime().maxMemory());
        // Spark would give up too, but after a minute of retries and with stack traces
        StandaloneMaster.checkAnswers(conf.get("spark.master"), StandaloneMaster.CONNECT_TIMEOUT_MS);
        try (FailedStartLog quiet = new FailedStartLog()) {
            return SparkSession.builder().config(conf).getOrCreate();
        } catch (Exception e) {
            // Spark's own check of the master, reworded (a SparkException, which Scala throws undeclared)
            if (e instanceof SparkException && isBadMaster(e.getMessage())) {
                throw new IllegalArgumentException(badMaster(conf.get("spark.master"), e.getMessage()), e);
            }
            throw e;
        }
    }

    /** Whether a SparkContext failed to start with this message for its master (SparkContext.createTaskScheduler). */
    private static boolean isBadMaster(String message) {
        return message != null && (message.startsWith("Could not parse Master URL")
                || message.startsWith("Asked to run locally with"));
    }

    /** What is wrong with {@code master}: Spark's words, and the forms it takes. */
    private static String badMaster(String master, String sparkSays) {
        return "spark.master '" + master + "' is not a master Spark can run on (" + sparkSays + "); give local,"
                + " local[N] (N ≥ 1 threads), local[*], spark://host:port, yarn or k8s://https://host:port"
                + " (the last two with a Spark that has their module, e.g. a distribution's spark-submit --master)";
    }

    /** Spark's floor for the driver's heap: 1.5 times the 300 MiB it reserves (UnifiedMemoryManager). */
    static final long MIN_HEAP_BYTES = 300L * 1024 * 1024 * 3 / 2;

    /** Fails, saying how to give more, when a JVM heap of {@code bytes} is below Spark's floor. */
    static void checkHeap(long bytes) {
        if (bytes < MIN_HEAP_BYTES) {
            throw new IllegalArgumentException("this JVM's heap is " + bytes / (1 << 20) + " MiB, and Spark needs at"
                    + " least " + MIN_HEAP_BYTES / (1 << 20) + " MiB; " + MORE_MEMORY);
        }
    }

    /** The conf of {@link #getOrCreate}: spark-submit's (or spark.* system properties) with sparkprop's defaults. */
    static SparkConf conf(String appName) {
        return configure(new SparkConf(), appName);
    }

    /** {@code conf} with sparkprop's defaults for what it does not set. */
    static SparkConf configure(SparkConf conf, String appName) {
        KryoRegistration.configure(conf.setAppName(appName));
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        if (conf.get("spark.master").startsWith("local")) {
            // One JVM: a broadcast never leaves it, so compressing it (Spark's default, for the
            // network) only costs the driver time, about 1 ms of a 20 ms Fashion-MNIST step here
            conf.setIfMissing("spark.broadcast.compress", "false");
        }
        // A task's result is one gradient array. Past this size (Spark's default 1 MiB, 131k
        // parameters) Spark stores it in the block manager and the driver fetches it in a second
        // round trip; Spark caps the value at spark.rpc.message.maxSize (128 MiB by default).
        conf.setIfMissing("spark.task.maxDirectResultSize", "128m");
        return BlasThreads.configure(conf);
    }
}
