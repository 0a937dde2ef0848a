package dev.sparkprop.driver.model;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;

/**
 * Deletes a temporary output if the JVM shuts down (Ctrl-C, a signal) while it is written. The
 * writer deletes it itself when the write fails, but in the thread that was writing, which the
 * JVM may halt first: predict's output directory was left behind after an interrupt that way.
 *
 * <p>The writer puts the output in place through {@link #publish}: the hook and publishing take
 * turns, so a shutdown never deletes an output being moved into place, and an output the hook has
 * deleted (its writer, not stopped by the shutdown, may have gone on) is never published.
 * Closing it, once the write is done or has failed, takes the hook back.
 */
public final class ShutdownCleanup implements AutoCloseable {

    /**
     * After Spark's shutdown hooks (FileSystem.SHUTDOWN_HOOK_PRIORITY + 30; higher runs first),
     * which stop the tasks that write, and before the file systems close.
     */
    static final int AFTER_SPARK = FileSystem.SHUTDOWN_HOOK_PRIORITY + 20;

    /** What publishing does: moves the temporary output into place. */
    public interface Publish {
        void run() throws IOException;
    }

    private final Path path;
    private final Configuration conf;
    private final Runnable hook = this::shutDown;
    /** Whether the hook was added: a write that starts while the JVM shuts down has none to add. */
    private final boolean hooked;
    private boolean deleted;

    private ShutdownCleanup(Path path, Configuration conf) {
        this.path = path;
        this.conf = conf;
        ShutdownHookManager hooks = ShutdownHookManager.get();
        hooked = !hooks.isShutdownInProgress();
        if (hooked) {
            hooks.addShutdownHook(hook, AFTER_SPARK);
        }
    }

    /** Deletes {@code path}, recursively, if the JVM shuts down before {@link #close}. */
    public static ShutdownCleanup deleting(Path path, Configuration conf) {
        return new ShutdownCleanup(path, conf);
    }

    /**
     * Runs {@code publish} unless the shutdown has deleted the temporary output, and keeps the
     * hook waiting meanwhile.
     *
     * @throws IOException when the JVM is shutting down and the output is gone
     */
    public synchronized void publish(Publish publish) throws IOException {
        if (deleted) {
            throw new IOException("the JVM is shutting down: " + path + " was deleted unpublished");
        }
        publish.run();
    }

    private synchronized void shutDown() {
        deleted = true;
        try {
            path.getFileSystem(conf).delete(path, true);
        } catch (IOException e) {
            // shutting down: nowhere to say it; the path keeps its ._tmp- name
        }
    }

    /** Whether the hook is registered (for tests). */
    boolean registered() {
        return ShutdownHookManager.get().hasShutdownHook(hook);
    }

    /** Runs what the shutdown would (for tests). */
    void runNow() {
        hook.run();
    }

    @Override
    public void close() {
        ShutdownHookManager hooks = ShutdownHookManager.get();
        if (hooked && !hooks.isShutdownInProgress()) {
            hooks.removeShutdownHook(hook);
        }
    }
}
