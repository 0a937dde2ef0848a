package dev.sparkprop.driver.cli;

import dev.sparkprop.driver.spark.SparkSessions;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/** Runs a command's work in a SparkSession, stopping it afterwards only if the command started it. */
final class Sessions {

    private Sessions() {
    }

    static void run(String appName, Consumer<SparkSession> work) {
        boolean own = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.getOrCreate(appName);
        try {
            work.accept(spark);
        } finally {
            // A session that was already running (an embedding application's) stays up.
            if (own) {
                spark.stop();
            }
        }
    }
}
