package dev.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SparkSessionsTest {

    @Test
    void aHeapBelowSparksFloorIsRefusedWithHowToGiveMoreAndSparksOwnFloorPasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkSessions.checkHeap(256L << 20));
        assertEquals("this JVM's heap is 256 MiB, and Spark needs at least 450 MiB; " + SparkSessions.MORE_MEMORY,
                e.getMessage());
        // Spark's own check (UnifiedMemoryManager): 1.5 x its 300 MiB reserve, 471,859,200 bytes
        assertEquals(471_859_200L, SparkSessions.MIN_HEAP_BYTES);
        assertDoesNotThrow(() -> SparkSessions.checkHeap(SparkSessions.MIN_HEAP_BYTES));
    }
}
