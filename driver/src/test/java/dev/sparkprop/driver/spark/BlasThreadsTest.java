package dev.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** When sparkprop warns about native BLAS threads, and what the sessions it creates set. */
class BlasThreadsTest {

    private static final String OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
    private static final Map<String, String> UNSET = Map.of("HOME", "/root");

    @Test
    void localModeWithSeveralTasksAndANativeBlasWithoutAThreadSettingIsWarnedAbout() {
        String warning = BlasThreads.warning(OPENBLAS, UNSET, "local[4]", 2, false);
        assertTrue(warning.contains("(" + OPENBLAS + ")") && warning.contains("local[4] runs up to 4 tasks"), warning);
        assertTrue(warning.contains("Set OPENBLAS_NUM_THREADS=1 in the environment the driver starts in"), warning);
        assertTrue(warning.contains("spark.executorEnv.OPENBLAS_NUM_THREADS=1 for executors"), warning);
        assertTrue(warning.contains("last bits depend on the thread count"), warning);
        assertTrue(BlasThreads.warning(OPENBLAS, UNSET, "local[*]", 8, true).contains("up to 8 tasks"));
        assertTrue(BlasThreads.warning("native", Map.of("OPENBLAS_NUM_THREADS", " "), "local[2,3]", 1, false)
                .contains("up to 2 tasks"));
    }

    @Test
    void localModeIsQuietWithAThreadSettingOneTaskOrAJavaBlas() {
        assertNull(BlasThreads.warning(OPENBLAS, Map.of("OPENBLAS_NUM_THREADS", "1"), "local[4]", 4, false));
        assertNull(BlasThreads.warning(OPENBLAS, Map.of("OMP_NUM_THREADS", "1"), "local[4]", 4, false));
        assertNull(BlasThreads.warning(OPENBLAS, UNSET, "local", 4, false));
        assertNull(BlasThreads.warning(OPENBLAS, UNSET, "local[1]", 4, false));
        assertNull(BlasThreads.warning(OPENBLAS, UNSET, "local[*]", 1, false));
        assertNull(BlasThreads.warning(null, UNSET, "local[4]", 4, false));
    }

    @Test
    void onAClusterTheExecutorsSettingIsWhatCounts() {
        for (String master : new String[] {"spark://10.0.0.1:7077", "yarn", "k8s://https://api:6443",
                "local-cluster[2,1,1024]"}) {
            String warning = BlasThreads.warning(null, UNSET, master, 2, false);
            assertTrue(warning.startsWith("sparkprop: spark.executorEnv.OPENBLAS_NUM_THREADS is not set"), warning);
            assertTrue(warning.contains("Set spark.executorEnv.OPENBLAS_NUM_THREADS=1 in the session's conf"), warning);
            assertNull(BlasThreads.warning(OPENBLAS, UNSET, master, 2, true), master);
        }
    }

    @Test
    void theLogLineSaysTheThreadSetting() {
        assertEquals("JNIBLAS (native: " + OPENBLAS + "), OPENBLAS_NUM_THREADS=1",
                BlasThreads.describe("JNIBLAS", OPENBLAS, Map.of("OPENBLAS_NUM_THREADS", "1")));
        assertEquals("JNIBLAS (native: " + OPENBLAS + "), OMP_NUM_THREADS=2",
                BlasThreads.describe("JNIBLAS", OPENBLAS, Map.of("OMP_NUM_THREADS", "2")));
        assertEquals("JNIBLAS (native: " + OPENBLAS + "), OPENBLAS_NUM_THREADS unset (OpenBLAS runs up to one"
                + " thread per core inside each task)", BlasThreads.describe("JNIBLAS", OPENBLAS, UNSET));
        assertEquals("VectorBLAS (Java, no native threads)", BlasThreads.describe("VectorBLAS", null, UNSET));
    }

    @Test
    void sessionsSparkpropCreatesGiveExecutorsOneBlasThreadUnlessTheUserSetIt() {
        assertEquals("1", SparkSessions.conf("test").get(BlasThreads.EXECUTOR_ENV));
        System.setProperty(BlasThreads.EXECUTOR_ENV, "4");
        try {
            assertEquals("4", SparkSessions.conf("test").get(BlasThreads.EXECUTOR_ENV));
        } finally {
            System.clearProperty(BlasThreads.EXECUTOR_ENV);
        }
    }
}
