package dev.sparkprop.driver.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * While open, leaves out the log lines of a SparkContext that fails to start which only repeat
 * its failure (an ERROR with the stack trace, and a warning from its cleanup): the exception
 * reaches the caller, which says it once. Every other line is logged as configured.
 */
final class FailedStartLog implements AutoCloseable {

    /** Logger to the message it repeats the failure with. */
    private static final Map<String, String> REPEATS = Map.of(
            "org.apache.spark.SparkContext", "Error initializing SparkContext.",
            "org.apache.spark.metrics.MetricsSystem", "Stopping a MetricsSystem that is not running");

    private final Filter filter = new AbstractFilter(Filter.Result.DENY, Filter.Result.NEUTRAL) {
        @Override
        public Result filter(LogEvent event) {
            String repeat = REPEATS.get(event.getLoggerName());
            return repeat != null && event.getMessage() != null
                    && repeat.equals(event.getMessage().getFormattedMessage()) ? onMatch : onMismatch;
        }
    };
    private final List<LoggerConfig> filtered = new ArrayList<>();

    FailedStartLog() {
        // Another logging backend (an embedding application's) keeps its lines
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            for (String logger : REPEATS.keySet()) {
                // The configuration that handles the logger's events: its own, or its nearest ancestor's
                LoggerConfig config = context.getConfiguration().getLoggerConfig(logger);
                if (!filtered.contains(config)) {
                    config.addFilter(filter);
                    filtered.add(config);
                }
            }
        }
    }

    @Override
    public void close() {
        filtered.forEach(config -> config.removeFilter(filter));
    }
}
