package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.NetworkSpec;

/**
 * One {@link Backprop} (with its block buffers) per executor thread, kept across iterations:
 * tasks of one job run on the same threads, so the buffers are allocated once per thread rather
 * than once per task per iteration.
 */
final class ExecutorCache {

    private static final ThreadLocal<Backprop> BACKPROP = new ThreadLocal<>();

    private ExecutorCache() {
    }

    static Backprop backprop(String layers, String loss, int blockRows) {
        Backprop cached = BACKPROP.get();
        if (cached != null && cached.maxRows() == blockRows && cached.spec().layersSpec().equals(layers)
                && cached.spec().loss().name().equals(loss)) {
            return cached;
        }
        Backprop fresh = new Backprop(NetworkSpec.parse(layers, loss), blockRows);
        BACKPROP.set(fresh);
        return fresh;
    }
}
