package dev.sparkprop.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One model's test metrics and training seconds: accuracy and macro-F1 for classes, R² for
 * regression (the others NaN).
 */
record Score(String model, String setting, double accuracy, double macroF1, double r2, double seconds) {

    static Score classes(String model, String setting, double accuracy, double macroF1, double seconds) {
        return new Score(model, setting, accuracy, macroF1, Double.NaN, seconds);
    }

    static Score regression(String model, String setting, double r2, double seconds) {
        return new Score(model, setting, Double.NaN, Double.NaN, r2, seconds);
    }

    boolean isRegression() {
        return !Double.isNaN(r2);
    }

    /**
     * The metric models are ranked by: R² for regression, macro-F1 for classes (it weighs a rare
     * class as much as a common one, which accuracy does not), accuracy breaking ties.
     */
    double rank() {
        return isRegression() ? r2 : macroF1 + 1e-9 * accuracy;
    }

    /** "0.9721/0.9718" (accuracy/macro-F1) or "0.8123" (R²). */
    String metrics() {
        return isRegression() ? String.format(Locale.ROOT, "%.4f", r2)
                : String.format(Locale.ROOT, "%.4f/%.4f", accuracy, macroF1);
    }

    /**
     * Accuracy and macro-F1 from counts of (true class, predicted class) pairs. Macro-F1 is the mean
     * F1 over the classes that occur as a true or a predicted class, F1 0 where precision or recall
     * is undefined: sparkprop's Evaluation computes it the same way.
     *
     * @return {accuracy, macro-F1}
     */
    static double[] accuracyAndMacroF1(Map<Integer, Map<Integer, Long>> counts) {
        TreeSet<Integer> classes = new TreeSet<>(counts.keySet());
        counts.values().forEach(row -> classes.addAll(row.keySet()));
        double total = 0;
        double correct = 0;
        double f1Sum = 0;
        for (int c : classes) {
            double tp = counts.getOrDefault(c, Map.of()).getOrDefault(c, 0L);
            double actual = counts.getOrDefault(c, Map.of()).values().stream().mapToLong(Long::longValue).sum();
            double predicted = counts.values().stream().mapToLong(row -> row.getOrDefault(c, 0L)).sum();
            double precision = predicted > 0 ? tp / predicted : 0;
            double recall = actual > 0 ? tp / actual : 0;
            f1Sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            total += actual;
            correct += tp;
        }
        return new double[] {correct / total, f1Sum / classes.size()};
    }
}
