package dev.sparkprop.driver.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

    /**
     * The writer goes on while the JVM shuts down: once the hook has deleted its output, whatever
     * the writer made again is never moved into place.
     */
    @Test
    void anOutputTheShutdownDeletedIsNotPublished() throws Exception {
        Path temporary = Files.createDirectories(dir.resolve("out._tmp-2"));
        Path target = dir.resolve("out");
        try (ShutdownCleanup cleanup = ShutdownCleanup.deleting(new org.apache.hadoop.fs.Path(temporary.toUri()),
                new Configuration())) {
            cleanup.publish(() -> { });
            cleanup.runNow();
            Files.createDirectories(temporary).resolve("part-00000.csv");
            IOException e = assertThrows(IOException.class,
                    () -> cleanup.publish(() -> Files.move(temporary, target)));
            assertTrue(e.getMessage().startsWith("the JVM is shutting down: "), e.getMessage());
        }
        assertFalse(Files.exists(target), "nothing published");
    }
}
