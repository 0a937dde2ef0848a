package dev.sparkprop.driver.train;

import dev.sparkprop.driver.spark.KryoRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.Success$;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * One local[2] SparkSession for every test class in the JVM. Kryo registration is required
 * here, so a class sparkprop ships without registering fails a test.
 */
public final class SparkTestSession {

    private static SparkSession session;
    private static final AtomicLong FAILED_TASKS = new AtomicLong();

    private SparkTestSession() {
    }

    public static synchronized SparkSession spark() {
        if (session == null) {
            SparkConf conf = KryoRegistration.configure(new SparkConf())
                    .setMaster("local[2]")
                    .setAppName("sparkprop-tests")
                    .set("spark.kryo.registrationRequired", "true")
                    .set("spark.ui.enabled", "false")
                    .set("spark.sql.shuffle.partitions", "4")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1");
            session = SparkSession.builder().config(conf).getOrCreate();
            session.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                    if (!(taskEnd.reason() instanceof Success$)) {
                        FAILED_TASKS.incrementAndGet();
                    }
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }

    /**
     * Tasks that have failed in the session so far, once Spark has delivered every event: bad
     * input must be found without failing a task (which Spark logs as an ERROR with a stack trace).
     */
    public static long failedTasks() {
        try {
            spark().sparkContext().listenerBus().waitUntilEmpty(60_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
        }
        return FAILED_TASKS.get();
    }

    public static JavaSparkContext sc() {
        return JavaSparkContext.fromSparkContext(spark().sparkContext());
    }

    /**
     * A CSV of {@link #dataset} as Spark ML takes it: every column but {@code label} in one
     * "features" vector, and the label as a double column "label".
     */
    public static Dataset<Row> featureVectors(String name, String label) {
        Dataset<Row> raw = spark().read().option("header", "true").option("inferSchema", "true").csv(dataset(name));
        String[] inputs = Arrays.stream(raw.columns()).filter(c -> !c.equals(label)).toArray(String[]::new);
        return new VectorAssembler().setInputCols(inputs).setOutputCol("features").transform(raw)
                .select(functions.col("features"), functions.col(label).cast("double").as("label"));
    }

    /** A CSV installed by bin/install-data; fails with the fix when it is missing. */
    public static String dataset(String name) {
        Path path = Paths.get("..", "data", name).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " is missing: run bin/install-data first");
        }
        return path.toString();
    }
}
