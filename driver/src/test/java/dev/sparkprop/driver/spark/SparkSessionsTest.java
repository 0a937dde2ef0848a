package dev.sparkprop.driver.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.SparkConf;
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

    @Test
    void broadcastsAreNotCompressedInLocalModeUnlessTheUserSaysSoAndStayCompressedOnAClusterByDefault() {
        assertEquals("false", SparkSessions.configure(new SparkConf(false), "x").get("spark.broadcast.compress"));
        assertEquals("local[*]", SparkSessions.configure(new SparkConf(false), "x").get("spark.master"));
        assertEquals("true", SparkSessions.configure(new SparkConf(false).set("spark.broadcast.compress", "true"), "x")
                .get("spark.broadcast.compress"));
        assertFalse(SparkSessions.configure(new SparkConf(false).setMaster("spark://127.0.0.1:7077"), "x")
                .contains("spark.broadcast.compress"));
    }
}
