package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ExecutorCacheTest {

    private static final AtomicInteger MADE = new AtomicInteger();

    /** A row order of {@code rows} rows in one batch, counted as made. */
    private static Supplier<ExecutorCache.RowOrder> order(int rows) {
        return () -> {
            MADE.incrementAndGet();
            return new ExecutorCache.RowOrder(7, 0, 1, new int[rows], new int[] {0, rows});
        };
    }

    @Test
    void aRowOrderIsKeptPerCacheNotPerRddId() {
        // Two caches of one JVM whose RDDs could share an id (a second SparkContext numbers from 0
        // again), of the same rows, seed and epoch: only the cache's name tells their orders apart
        long first = new java.util.Random(1).nextLong();
        long second = first + 1;
        ExecutorCache.RowOrder a = ExecutorCache.rowOrder(first, 0, 100, 7, 0, 1, order(100));
        int made = MADE.get();
        assertSame(a, ExecutorCache.rowOrder(first, 0, 100, 7, 0, 1, order(100)));
        assertEquals(made, MADE.get());
        ExecutorCache.RowOrder b = ExecutorCache.rowOrder(second, 0, 100, 7, 0, 1, order(100));
        assertEquals(made + 1, MADE.get());
        assertNotSame(a, b);
    }

    @Test
    void tasksMakeTheirPartitionsOrdersAtOnce() throws Exception {
        // One partition's order is made only once another partition's has been returned: under one
        // lock for both, the two would wait for each other
        long cache = new java.util.Random(3).nextLong();
        CountDownLatch making = new CountDownLatch(1);
        CountDownLatch otherReturned = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ExecutorCache.RowOrder> waiting = pool.submit(() -> ExecutorCache.rowOrder(cache, 0, 10, 7, 0, 1,
                    () -> {
                        making.countDown();
                        try {
                            assertTrue(otherReturned.await(30, TimeUnit.SECONDS), "the other partition's order waited");
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return order(10).get();
                    }));
            assertTrue(making.await(30, TimeUnit.SECONDS));
            assertEquals(20, ExecutorCache.rowOrder(cache, 1, 20, 7, 0, 1, order(20)).rows().length);
            otherReturned.countDown();
            assertEquals(10, waiting.get(30, TimeUnit.SECONDS).rows().length);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeptRowOrderOfAnotherRowCountIsMadeAgain() {
        long cache = new java.util.Random(2).nextLong();
        ExecutorCache.rowOrder(cache, 3, 100, 7, 0, 1, order(100));
        assertEquals(140, ExecutorCache.rowOrder(cache, 3, 140, 7, 0, 1, order(140)).rows().length);
    }
}
