package dev.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Smoke tests: job a at 2,000 rows and 3 iterations runs end to end and prints usable numbers. */
class CompareWithMllibTest {

    @Test
    void tinyJobAPrintsFinitePositiveNumbers() {
        SparkSession spark = TestSessions.local("sparkprop-benchmark-test");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<CompareWithMllib.Result> results;
        try {
            results = CompareWithMllib.run(spark, CompareWithMllib.Options.parse("a", "--scale", "0.01",
                    "--iterations", "3"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        } finally {
            spark.stop();
        }
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, results.size(), table);
        CompareWithMllib.Result r = results.get(0);
        assertEquals(2_000, r.rows());
        assertEquals("100,128,64,10", r.widths());
        assertEquals(1.0, r.mllibPassesPerIteration(), 1e-9, "MLlib gd makes one pass per iteration\n" + table);

        String line = table.lines().filter(l -> l.startsWith("result job=a ")).findFirst().orElseThrow();
        for (String key : List.of("sparkprop_s_per_iter", "sparkprop_rows_per_s", "mllib_s_per_iter",
                "mllib_rows_per_s", "mllib_fit_s_per_iter", "speedup", "speedup_at_peak", "gflop_per_iter", "cache_bytes",
                "cache_ratio", "kernel_s_per_pass", "peak_gflops",
                "peak_fraction_kernel", "peak_fraction_iteration")) {
            double value = value(line, key);
            assertTrue(Double.isFinite(value) && value > 0, key + "=" + value + " in\n" + table);
        }
        double overhead = value(line, "spark_overhead");
        assertTrue(Double.isFinite(overhead) && overhead < 1, "spark_overhead=" + overhead + "\n" + table);
        // The difference of two fits can be anything at this size (setup jitter); it must be a number.
        assertTrue(Double.isFinite(value(line, "mllib_delta_fit_s_per_iter")), line);
        assertTrue(table.contains("sp rows/s") && table.contains("ML rows/s"), table);
    }

    /** The float32 pieces that need no Spark: sgemm peak, float32 blocks, the kernel on them. */
    @Test
    void float32KernelAndPeakRun() {
        NetworkSpec spec = NetworkSpec.parse("100,128:sigmoid,64:sigmoid,10:softmax", "cross_entropy");
        SyntheticData data = new SyntheticData(spec, 3_000, 1);
        List<List<Block>> parts = data.partitionsLocally(2, 1024, Precision.FLOAT32);
        assertEquals(Precision.FLOAT32, parts.get(0).get(0).precision());
        assertEquals(3_000, parts.stream().flatMap(List::stream).mapToInt(Block::rows).sum());
        try (LocalCompute local = new LocalCompute(2)) {
            double peak = local.peakGflops(256, Precision.FLOAT32);
            double seconds = local.kernelPassSeconds(spec, Initializer.XAVIER_UNIFORM.initialise(spec, 1), parts,
                    1024, Precision.FLOAT32, 1);
            assertTrue(Double.isFinite(peak) && peak > 0, "sgemm peak " + peak);
            assertTrue(Double.isFinite(seconds) && seconds > 0, "kernel pass " + seconds);
        }
    }

    private static double value(String line, String key) {
        for (String field : line.split(" ")) {
            if (field.startsWith(key + "=")) {
                return Double.parseDouble(field.substring(key.length() + 1));
            }
        }
        throw new AssertionError(key + " missing from " + line);
    }
}
