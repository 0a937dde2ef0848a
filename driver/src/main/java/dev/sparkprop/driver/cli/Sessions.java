package dev.sparkprop.driver.cli;

import dev.sparkprop.driver.spark.SparkSessions;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.SparkSession;

/** Runs a command's work in a SparkSession, stopping it afterwards only if the command started it. */
final class Sessions {

    /**
     * Above Spark's own shutdown hooks, which run together at FileSystem.SHUTDOWN_HOOK_PRIORITY + 30
     * in Hadoop's manager (higher runs first, one after another).
     */
    private static final int BEFORE_SPARK = FileSystem.SHUTDOWN_HOOK_PRIORITY + 40;

    private Sessions() {
    }

    static void run(String appName, Consumer<SparkSession> work) {
        boolean own = SparkSession.getDefaultSession().isEmpty();
        // Ctrl-C stops the SparkContext under the running job, whose tasks then log errors and
        // stack traces that say only that; Main prints the one line. An embedding application's
        // session, and its logging, are left alone.
        Runnable quiet = () -> Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
        ShutdownHookManager hooks = ShutdownHookManager.get();
        if (own) {
            hooks.addShutdownHook(quiet, BEFORE_SPARK);
        }
        try {
            SparkSession spark = SparkSessions.getOrCreate(appName);
            try {
                work.accept(spark);
            } finally {
                if (own) {
                    spark.stop();
                }
            }
        } finally {
            if (own && !hooks.isShutdownInProgress()) {
                hooks.removeShutdownHook(quiet);
            }
        }
    }
}
