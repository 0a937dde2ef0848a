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
 * Closing it, once the write is done or has failed, takes the hook back.
 */
public final class ShutdownCleanup implements AutoCloseable {

    /**
     * After Spark's shutdown hooks (FileSystem.SHUTDOWN_HOOK_PRIORITY + 30; higher runs first),
     * which stop the tasks that write, and before the file systems close.
     */
    static final int AFTER_SPARK = FileSystem.SHUTDOWN_HOOK_PRIORITY + 20;

    private final Runnable hook;

    private ShutdownCleanup(Runnable hook) {
        this.hook = hook;
        ShutdownHookManager.get().addShutdownHook(hook, AFTER_SPARK);
    }

    /** Deletes {@code path}, recursively, if the JVM shuts down before {@link #close}. */
    public static ShutdownCleanup deleting(Path path, Configuration conf) {
        return new ShutdownCleanup(() -> {
            try {
                path.getFileSystem(conf).delete(path, true);
            } catch (IOException e) {
                // shutting down: nowhere to say it; the path keeps its ._tmp- name
            }
        });
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
        if (!hooks.isShutdownInProgress()) {
            hooks.removeShutdownHook(hook);
        }
    }
}
