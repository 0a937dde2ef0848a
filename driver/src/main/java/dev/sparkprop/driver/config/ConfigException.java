package dev.sparkprop.driver.config;

import java.util.List;

/**
 * An invalid job configuration: every problem found, one per line of the message, so a user
 * fixes them all in one go. Its message is meant to be printed as it is, without a stack trace.
 */
public final class ConfigException extends IllegalArgumentException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, e.g. {@code training.epochs: must be ≥ 1, got 0 (job.conf: 12)}. */
    public List<String> problems() {
        return problems;
    }

    /** Whether a key the job must give is missing. */
    public boolean lacksRequiredKey() {
        return problems.stream().anyMatch(p -> p.contains(ConfigReader.REQUIRED));
    }

    private static String message(List<String> problems) {
        String header = problems.size() == 1 ? "invalid job configuration:"
                : "invalid job configuration (" + problems.size() + " problems):";
        return header + "\n  " + String.join("\n  ", problems);
    }
}
