package dev.sparkprop.driver.train;

import dev.sparkprop.driver.spark.BlasThreads;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.FloatElementwise;
import dev.sparkprop.nn.FloatGemm;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.ParameterLayout;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.optim.LearningRateSchedules;
import dev.sparkprop.nn.optim.Optimizer;
import dev.sparkprop.nn.optim.Optimizers;
import dev.sparkprop.nn.optim.Updater;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an executor keeps across iterations. One {@link Backprop} (with its block buffers) per
 * executor thread: tasks of one job run on the same threads, so the buffers are allocated once
 * per thread rather than once per task per iteration; with local steps, one {@link Updater}
 * likewise. And each partition's mini-batch row order for the current epoch.
 */
final class ExecutorCache {

    private static final ThreadLocal<Backprop> BACKPROP = new ThreadLocal<>();
    private static final ThreadLocal<KeptUpdater> UPDATER = new ThreadLocal<>();
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorCache.class);

    static {
        // Once per executor JVM: which BLAS its products run on (native OpenBLAS needs libblas.so.3)
        // with its thread setting, and whether float32 products and activations run SIMD (they
        // need the jdk.incubator.vector module).
        LOG.info("sparkprop executor BLAS: {}; float32 products: {}; float32 activations: {}", BlasThreads.describe(),
                FloatGemm.description(), FloatElementwise.implementation());
    }

    private ExecutorCache() {
    }

    /** Partitions whose row order is kept, the least recently used dropped first. */
    private static final int ROW_ORDERS_KEPT = 64;

    /**
     * One partition's rows in one epoch's order: {@code rows[batchStarts[k]..batchStarts[k+1])}
     * are the partition's rows (indices in partition order) of batch k of the epoch's
     * {@code slices}.
     */
    record RowOrder(long seed, int epoch, int slices, int[] rows, int[] batchStarts) {
    }

    /** Where a partition's row order is kept: the cache ({@link TrainingData#cacheId}) and the partition. */
    private record RowOrderKey(long cacheId, int partition) {
    }

    private static final Map<RowOrderKey, RowOrder> ROW_ORDERS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RowOrderKey, RowOrder> eldest) {
            return size() > ROW_ORDERS_KEPT;
        }
    };

    /**
     * The epoch's row order of one partition, of {@code rows} rows, of the cache {@code cacheId},
     * made by {@code make} on the epoch's first iteration here and reused by the rest: an
     * iteration then costs its batch, not a pass over the whole partition. One epoch is kept per
     * partition (4 bytes a row and one int a batch). Made again if dropped, or where a task runs on
     * another executor, with the same result: it depends only on the rows' ids, the seed and the
     * epoch. Made outside the lock, so the tasks of an executor make their partitions' at once.
     */
    static RowOrder rowOrder(long cacheId, int partition, int rows, long seed, int epoch, int slices,
                             Supplier<RowOrder> make) {
        RowOrderKey key = new RowOrderKey(cacheId, partition);
        RowOrder kept;
        synchronized (ROW_ORDERS) {
            kept = ROW_ORDERS.get(key);
        }
        if (kept == null || kept.seed() != seed || kept.epoch() != epoch || kept.slices() != slices
                || kept.rows().length != rows) {
            kept = make.get();
            synchronized (ROW_ORDERS) {
                ROW_ORDERS.put(key, kept);
            }
        }
        return kept;
    }

    /** An updater with the specs and numbers it was made from. */
    private record KeptUpdater(List<Object> settings, Updater updater) {
    }

    /**
     * The inner updater of a round of local steps, parsed from its specs on this thread's first
     * round and reused by the next ones: parsing took about 2% of a 16-step round of a small
     * network. An Updater holds no state between steps; one per thread, as the Backprop.
     */
    static Updater updater(String layers, String optimizer, String schedule, double learningRate, double l2,
                           double clipNorm, ParameterLayout layout) {
        List<Object> settings = List.of(layers, optimizer, schedule, learningRate, l2, clipNorm);
        KeptUpdater kept = UPDATER.get();
        if (kept == null || !kept.settings().equals(settings)) {
            // JobConfig refuses lbfgs with local steps, so the kind is a first-order optimizer
            kept = new KeptUpdater(settings, new Updater(layout, (Optimizer) Optimizers.parse(optimizer),
                    LearningRateSchedules.parse(schedule, learningRate), l2, clipNorm));
            UPDATER.set(kept);
        }
        return kept.updater();
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
