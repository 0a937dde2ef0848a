package dev.sparkprop.bench;

import java.util.List;

/**
 * One contestant's run to a test accuracy: its checks in order (sparkprop checks after each
 * epoch, MLlib after each fit of its maxIter schedule), stopped at the first that reaches the
 * target. Since the checks are discrete, the true time to the target lies between the check
 * before and the one that reached it.
 *
 * @param step           what a check is counted in: "epoch" or "maxIter"
 * @param checks         in order; the last one reached the target, or none did
 * @param wallSeconds    everything the run took, including the test evaluations (and for MLlib
 *                       every fit of the schedule)
 * @param otherCores     cores' worth of CPU other processes took meanwhile
 */
record Race(String contestant, String setting, String step, double target, List<Check> checks, double wallSeconds,
            double otherCores) {

    /**
     * @param step       the epoch (1-based) or maxIter
     * @param iterations optimizer steps taken so far (MLlib: as its objective history counts them)
     * @param seconds    training time to this check, without any evaluation (MLlib: the fit's wall time)
     * @param accuracy   on the test rows
     */
    record Check(int step, long iterations, double seconds, double accuracy) {
    }

    Race {
        checks = List.copyOf(checks);
    }

    boolean reached() {
        return !checks.isEmpty() && last().accuracy() >= target;
    }

    Check last() {
        return checks.get(checks.size() - 1);
    }

    /**
     * The time of the check before the one that reached the target: 0 if it was the first, NaN
     * if none reached it.
     */
    double lowerBoundSeconds() {
        if (!reached()) {
            return Double.NaN;
        }
        return checks.size() < 2 ? 0 : checks.get(checks.size() - 2).seconds();
    }

    double bestAccuracy() {
        return checks.stream().mapToDouble(Check::accuracy).max().orElse(Double.NaN);
    }
}
