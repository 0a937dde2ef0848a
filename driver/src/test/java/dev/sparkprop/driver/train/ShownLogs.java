package dev.sparkprop.driver.train;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Log events as sparkprop's shipped config shows them (sparkprop at INFO, the rest at WARN), while
 * open: each its level, logger and message, and after it the stack trace of its exception if any.
 */
public final class ShownLogs implements AutoCloseable {
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender =
            new AbstractAppender("shown", null, null, true, Property.EMPTY_ARRAY) {
                @Override
                public void append(LogEvent event) {
                    StringWriter trace = new StringWriter();
                    if (event.getThrown() != null) {
                        trace.write(System.lineSeparator());
                        event.getThrown().printStackTrace(new PrintWriter(trace));
                    }
                    events.add(event.getLevel() + " " + event.getLoggerName() + ": "
                            + event.getMessage().getFormattedMessage() + trace);
                }
            };

    public ShownLogs() {
        appender.start();
        context.getConfiguration().getRootLogger().addAppender(appender, null, null);
        Configurator.setLevel("dev.sparkprop", Level.INFO);
    }

    public List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger("dev.sparkprop");
        context.getConfiguration().getRootLogger().removeAppender("shown");
        context.updateLoggers();
        appender.stop();
    }
}
