package dev.sparkprop.driver.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownCleanupTest {

    @TempDir
    Path dir;

    @Test
    void aTemporaryOutputIsDeletedAtShutdownOnlyWhileItIsWritten() throws Exception {
        Path temporary = Files.createDirectories(dir.resolve("out._tmp-1"));
        Files.writeString(temporary.resolve("part-00000.csv"), "a,b\n");
        ShutdownCleanup cleanup = ShutdownCleanup.deleting(new org.apache.hadoop.fs.Path(temporary.toUri()),
                new Configuration());
        try (cleanup) {
            assertTrue(cleanup.registered(), "a shutdown now would delete it");
        }
        assertFalse(cleanup.registered(), "the write is over: a shutdown leaves the path alone");
        assertTrue(Files.exists(temporary));
        // What the hook does when the JVM shuts down mid-write
        cleanup.runNow();
        assertFalse(Files.exists(temporary), "deleted with what it holds");
    }
}
