package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

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
        // Two caches of one JVM whose RDDs could share an id (a second SparkContext numbers from 0 again)
        long first = new java.util.Random(1).nextLong();
        long second = first + 1;
        ExecutorCache.RowOrder a = ExecutorCache.rowOrder(first, 0, 100, 7, 0, 1, order(100));
        int made = MADE.get();
        assertSame(a, ExecutorCache.rowOrder(first, 0, 100, 7, 0, 1, order(100)));
        assertEquals(made, MADE.get());
        ExecutorCache.RowOrder b = ExecutorCache.rowOrder(second, 0, 60, 7, 0, 1, order(60));
        assertNotSame(a, b);
        assertEquals(60, b.rows().length);
    }

    @Test
    void aKeptRowOrderOfAnotherRowCountIsMadeAgain() {
        long cache = new java.util.Random(2).nextLong();
        ExecutorCache.rowOrder(cache, 3, 100, 7, 0, 1, order(100));
        assertEquals(140, ExecutorCache.rowOrder(cache, 3, 140, 7, 0, 1, order(140)).rows().length);
    }
}
