package dev.sparkprop.driver.spark;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of a native BLAS. OpenBLAS starts one thread per core when it loads unless
 * OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS) says otherwise; Spark already runs one task per
 * core, so each task's matrix products then compete with the others' (most of the CPU time goes
 * to the kernel) and the results' last bits depend on the thread count. sparkprop cannot set it
 * from Java: dev.ludovic.netlib has no thread setting (its properties only pick the library),
 * calling {@code openblas_set_num_threads} needs Java 17's foreign linker, an incubator module
 * behind JVM flags, and a JVM cannot change its own environment. So it sets
 * {@value #EXECUTOR_ENV}=1 in the sessions it creates, and says once per JVM what to set where
 * it cannot.
 */
public final class BlasThreads {

    public static final String VARIABLE = "OPENBLAS_NUM_THREADS";
    public static final String EXECUTOR_ENV = "spark.executorEnv." + VARIABLE;
    private static final String OMP_VARIABLE = "OMP_NUM_THREADS";
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");
    private static final Logger LOG = LoggerFactory.getLogger(BlasThreads.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private BlasThreads() {
    }

    /** {@code conf} with {@value #EXECUTOR_ENV}=1 unless the user set it. */
    public static SparkConf configure(SparkConf conf) {
        return conf.setIfMissing(EXECUTOR_ENV, "1");
    }

    /**
     * This JVM's BLAS and its thread setting, for the log lines that say which BLAS the driver
     * and each executor use; what to set is {@link #warnOnce}'s to say.
     */
    public static String describe() {
        return describe(BLAS.getInstance().getClass().getName(), nativeLibrary(), System.getenv());
    }

    /** @param library the native library, or null for a Java BLAS */
    static String describe(String implementation, String library, Map<String, String> env) {
        if (library == null) {
            return implementation + " (Java, no native threads)";
        }
        String setting = set(env, VARIABLE) ? VARIABLE + "=" + env.get(VARIABLE).strip()
                : set(env, OMP_VARIABLE) ? OMP_VARIABLE + "=" + env.get(OMP_VARIABLE).strip()
                : VARIABLE + " unset (OpenBLAS runs up to one thread per core inside each task)";
        return implementation + " (native: " + library + "), " + setting;
    }

    /** Logs {@link #warning} once per JVM, when there is something to say. */
    public static void warnOnce(SparkContext sc) {
        if (WARNED.get()) {
            return;
        }
        String warning = warning(nativeLibrary(), System.getenv(), sc.master(),
                Runtime.getRuntime().availableProcessors(), sc.getConf().getOption(EXECUTOR_ENV).isDefined());
        if (warning != null && WARNED.compareAndSet(false, true)) {
            LOG.warn(warning);
        }
    }

    /**
     * What to tell the user about BLAS threads, or null for nothing: in {@code local} mode, when
     * the driver's native BLAS has no thread setting and more than one task runs in this JVM; on
     * a cluster, when {@value #EXECUTOR_ENV} is not set.
     *
     * @param library        the driver's native BLAS library, or null for a Java BLAS
     * @param env            the driver's environment
     * @param master         spark.master
     * @param cores          the driver's cores, for {@code local[*]}
     * @param executorEnvSet whether the session's conf sets {@value #EXECUTOR_ENV}
     */
    static String warning(String library, Map<String, String> env, String master, int cores, boolean executorEnvSet) {
        String effect = " OpenBLAS then runs several threads inside each task, beside the tasks Spark already runs"
                + " one per core: the cores are oversubscribed (much system CPU, slower runs) and the results' last"
                + " bits depend on the thread count.";
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            int tasks = local.group(1) == null ? 1 : local.group(1).equals("*") ? cores
                    : Integer.parseInt(local.group(1));
            if (library == null || tasks <= 1 || set(env, VARIABLE) || set(env, OMP_VARIABLE)) {
                return null;
            }
            return "sparkprop: the native BLAS (" + library + ") has no thread setting (" + VARIABLE + " is unset)"
                    + " and " + master + " runs up to " + tasks + " tasks at once in this JVM." + effect + " Set "
                    + VARIABLE + "=1 in the environment the driver starts in (export it before starting java,"
                    + " spark-submit or the notebook; bin/sparkprop does), and " + EXECUTOR_ENV + "=1 for executors"
                    + " on a cluster.";
        }
        if (executorEnvSet) {
            return null;
        }
        return "sparkprop: " + EXECUTOR_ENV + " is not set, so executors with a native OpenBLAS run it with one"
                + " thread per core." + effect + " Set " + EXECUTOR_ENV + "=1 in the session's conf (e.g. --conf on"
                + " spark-submit) unless the executors' environment already sets " + VARIABLE + "=1, and " + VARIABLE
                + "=1 in the driver's environment.";
    }

    private static boolean set(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    /**
     * The native BLAS library this JVM loaded (its file, e.g. OpenBLAS behind Debian's
     * libblas.so.3), "native" where the memory map cannot tell, or null for a Java BLAS.
     */
    static String nativeLibrary() {
        if (!(BLAS.getInstance() instanceof NativeBLAS)) {
            return null;
        }
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            List<String> files = maps.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(file -> file.startsWith("/") && file.contains(".so")).distinct().toList();
            for (String hint : List.of("openblas", "mkl", "blis", "libblas")) {
                for (String file : files) {
                    String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
                    if (name.contains(hint) && !name.contains("netlib")) {
                        return file;
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Not Linux: the class name says it is native, which is what matters.
        }
        return "native";
    }
}
