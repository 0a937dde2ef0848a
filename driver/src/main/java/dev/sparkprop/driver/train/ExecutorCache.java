package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.FloatElementwise;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Backprop} (with its block buffers) per executor thread, kept across iterations:
 * tasks of one job run on the same threads, so the buffers are allocated once per thread rather
 * than once per task per iteration.
 */
final class ExecutorCache {

    private static final ThreadLocal<Backprop> BACKPROP = new ThreadLocal<>();
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorCache.class);

    static {
        // Once per executor JVM: which BLAS its products run on (native OpenBLAS needs libblas.so.3),
        // and whether float32 activations run SIMD (they need the jdk.incubator.vector module).
        LOG.info("sparkprop executor BLAS: {}; float32 activations: {}", Backprop.blasImplementation(),
                FloatElementwise.implementation());
    }

    private ExecutorCache() {
    }

    static Backprop backprop(String layers, String loss, int blockRows, Precision precision) {
        Backprop cached = BACKPROP.get();
        if (cached != null && cached.maxRows() == blockRows && cached.precision() == precision
                && cached.spec().layersSpec().equals(layers) && cached.spec().loss().name().equals(loss)) {
            return cached;
        }
        Backprop fresh = new Backprop(NetworkSpec.parse(layers, loss), blockRows, precision, true);
        BACKPROP.set(fresh);
        return fresh;
    }
}
