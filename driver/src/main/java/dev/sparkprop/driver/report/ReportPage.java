package dev.sparkprop.driver.report;

import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.Evaluation;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The HTML page of a training run: title, which epoch the saved model is and why, a chart of the
 * losses and one of the main quality metric (the saved epoch marked), a summary table, the saved
 * model's per-class table, the time per epoch, and the effective config. Self-contained (inline
 * CSS and SVG, no scripts, fonts or links elsewhere) so it opens offline and can be mailed or
 * archived as one file.
 */
final class ReportPage {

    /** Metric stems in order of preference for the quality chart, with their chart titles. */
    private static final String[][] QUALITY = {{"accuracy", "Accuracy"}, {"r2", "R²"}, {"rmse", "RMSE"}};

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
                   margin: 24px 32px; color: #212529; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 16px; margin: 28px 0 8px; }
            .meta { color: #6c757d; margin: 0 0 20px; }
            .charts { display: flex; flex-wrap: wrap; gap: 20px; }
            svg.chart { border: 1px solid #dee2e6; border-radius: 4px; background: #fff; }
            svg text { font-size: 11px; fill: #495057; }
            svg .chart-title { font-size: 13px; font-weight: 600; fill: #212529; }
            svg .legend { font-size: 12px; fill: #212529; }
            svg .axis-title { font-size: 12px; }
            .grid { stroke: #e9ecef; }
            .axis { stroke: #868e96; fill: none; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 14px; }
            th, td { padding: 5px 14px; border-bottom: 1px solid #dee2e6; text-align: right; }
            th { background: #f8f9fa; }
            th:first-child, td:first-child { text-align: left; }
            .muted { color: #868e96; font-size: 12px; }
            .kept { background: #e7f5ff; border-left: 4px solid #1f5fbf; padding: 8px 12px; margin: 0 0 20px;
                    max-width: 980px; }
            table.config th { text-align: left; }
            table.config td { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
                              font-size: 13px; text-align: left; }
            """;

    private ReportPage() {
    }

    static String render(TrainingReport.Contents run, List<String> metrics) {
        List<EpochRecord> history = run.history();
        String title = run.title();
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(escape(title)).append("</h1>\n<p class=\"meta\">")
                .append(history.size()).append(history.size() == 1 ? " epoch" : " epochs")
                .append(" · per-epoch values in <a href=\"history.csv\">history.csv</a> and ")
                .append("<a href=\"history.json\">history.json</a>, per-step values in ")
                .append("<a href=\"steps.csv\">steps.csv</a></p>\n");
        int kept = run.keptEpoch();
        html.append("<p class=\"kept\">The saved model is <strong>epoch ").append(kept).append("</strong>: ")
                .append(escape(run.keptWhy())).append(".</p>\n");

        html.append("<div class=\"charts\">\n")
                .append(LineChart.render("Loss", trainAndValidation(history, "loss"), kept));
        for (String[] quality : QUALITY) {
            String chart = LineChart.render(quality[1], trainAndValidation(history, quality[0]), kept);
            if (!chart.isEmpty()) {
                html.append(chart);
                break;
            }
        }
        html.append("</div>\n");

        html.append("<h2>Summary</h2>\n<table>\n<tr><th>Metric</th><th>Final</th><th>at epoch</th><th>Best</th>")
                .append("<th>at epoch</th></tr>\n");
        for (String metric : metrics) {
            appendSummaryRow(html, history, metric);
        }
        html.append("</table>\n");
        appendPerClass(html, run);
        appendTime(html, run);
        appendConfig(html, run.config());
        return html.append("</body>\n</html>\n").toString();
    }

    private static void appendPerClass(StringBuilder html, TrainingReport.Contents run) {
        if (run.perClass().isEmpty()) {
            return;
        }
        // A data.weight column weighs every row's count; class weights the training rows' (as they weigh
        // the train_ metrics), not the validation rows'
        String weight = String.valueOf(JobConfigLoader.plainValue(run.config().getOrDefault("data.weight", "\"\"")));
        String classWeights = String.valueOf(JobConfigLoader.plainValue(
                run.config().getOrDefault("training.class_weights", "\"\"")));
        boolean byClass = !classWeights.isEmpty() && run.perClassRows().startsWith("training");
        html.append("<h2>Per class</h2>\n<p class=\"muted\">The saved model on the ")
                .append(escape(run.perClassRows())).append("; support and predicted are ")
                .append(!weight.isEmpty() ? "row counts weighted by column " + escape(weight)
                        : byClass ? "row counts weighted by class (training.class_weights = " + escape(classWeights)
                        + "), as the train_ metrics are" : "row counts")
                .append(".</p>\n")
                .append("<table>\n<tr><th>Class</th><th>Support</th><th>Predicted</th><th>Precision</th>")
                .append("<th>Recall</th><th>F1</th></tr>\n");
        for (Evaluation.ClassRow r : run.perClass()) {
            html.append("<tr><td>").append(escape(r.name())).append("</td><td>").append(display(r.support()))
                    .append("</td><td>").append(display(r.predicted())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.4f", r.precision())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.4f", r.recall())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.4f", r.f1())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    /** Seconds per epoch and training rows/s: the saved epoch's, the range over epochs, and the whole run's. */
    private static void appendTime(StringBuilder html, TrainingReport.Contents run) {
        List<EpochRecord> history = run.history();
        if (!TrainingReport.timed(history)) {
            return;
        }
        double seconds = 0;
        int timed = 0;
        for (EpochRecord r : history) {
            if (Double.isFinite(r.seconds())) {
                seconds += r.seconds();
                timed++;
            }
        }
        double stepSeconds = 0;
        long rows = 0;
        for (DistributedTrainer.Iteration step : run.steps()) {
            stepSeconds += step.seconds();
            rows += step.rows();
        }
        boolean validated = history.stream().anyMatch(r -> r.metrics().containsKey("validation_loss"));
        html.append("<h2>Time</h2>\n<p>").append(timed).append(timed == 1 ? " epoch" : " epochs").append(" in ")
                .append(timing(seconds)).append(validated ? " s (their steps and validation passes), "
                        : " s (their steps), ")
                .append(timing(seconds / timed)).append(" s per epoch on average");
        if (rows > 0) {
            // With local steps, steps.csv has a line per job (of training.local_steps steps each)
            String localSteps = run.config().getOrDefault("training.local_steps", "1");
            html.append("; ").append(timing(rows / stepSeconds)).append(" training rows/s over ")
                    .append(run.steps().size()).append(localSteps.equals("1") ? " steps"
                            : " jobs (of up to " + localSteps + " local steps each)");
        }
        html.append(".</p>\n<table>\n<tr><th></th><th>Epoch ").append(run.keptEpoch()).append(" (saved)</th>")
                .append("<th>Fastest</th><th>at epoch</th><th>Slowest</th><th>at epoch</th></tr>\n");
        appendTimeRow(html, history, "seconds per epoch", EpochRecord::seconds, false, run.keptEpoch());
        appendTimeRow(html, history, "training rows/s", EpochRecord::trainRowsPerSecond, true, run.keptEpoch());
        html.append("</table>\n");
    }

    private static void appendTimeRow(StringBuilder html, List<EpochRecord> history, String name,
                                      ToDoubleFunction<EpochRecord> value, boolean higherIsFaster, int keptEpoch) {
        EpochRecord fastest = null;
        EpochRecord slowest = null;
        double kept = Double.NaN;
        for (EpochRecord r : history) {
            double v = value.applyAsDouble(r);
            if (!Double.isFinite(v)) {
                continue;
            }
            if (r.epoch() == keptEpoch) {
                kept = v;
            }
            boolean faster = fastest == null || (higherIsFaster ? v > value.applyAsDouble(fastest)
                    : v < value.applyAsDouble(fastest));
            boolean slower = slowest == null || (higherIsFaster ? v < value.applyAsDouble(slowest)
                    : v > value.applyAsDouble(slowest));
            fastest = faster ? r : fastest;
            slowest = slower ? r : slowest;
        }
        if (fastest == null) {
            return;
        }
        html.append("<tr><td>").append(name).append("</td><td>")
                .append(Double.isFinite(kept) ? timing(kept) : "–").append("</td><td>")
                .append(timing(value.applyAsDouble(fastest))).append("</td><td>")
                .append(fastest.epoch()).append("</td><td>").append(timing(value.applyAsDouble(slowest)))
                .append("</td><td>").append(slowest.epoch()).append("</td></tr>\n");
    }

    private static void appendConfig(StringBuilder html, Map<String, String> config) {
        if (config.isEmpty()) {
            return;
        }
        html.append("<h2>Effective config</h2>\n<table class=\"config\">\n<tr><th>Key</th><th>Value</th></tr>\n");
        config.forEach((key, value) -> html.append("<tr><td>").append(escape(key)).append("</td><td>")
                .append(escape(value)).append("</td></tr>\n"));
        html.append("</table>\n");
    }

    private static List<LineChart.Series> trainAndValidation(List<EpochRecord> history, String stem) {
        return List.of(series(history, "train_" + stem, "train"), series(history, "validation_" + stem, "validation"));
    }

    private static LineChart.Series series(List<EpochRecord> history, String metric, String label) {
        int[] epochs = new int[history.size()];
        double[] values = new double[history.size()];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = history.get(i).epoch();
            values[i] = history.get(i).metrics().getOrDefault(metric, Double.NaN);
        }
        return new LineChart.Series(metric, label, epochs, values);
    }

    /** Final is the last finite value; best the lowest loss or error, else the highest, first epoch on ties. */
    private static void appendSummaryRow(StringBuilder html, List<EpochRecord> history, String metric) {
        boolean lowerIsBetter = metric.matches(".*(loss|rmse|mse|mae|error).*");
        EpochRecord last = null;
        EpochRecord best = null;
        for (EpochRecord r : history) {
            Double v = r.metrics().get(metric);
            if (v == null || !Double.isFinite(v)) {
                continue;
            }
            last = r;
            double b = best == null ? Double.NaN : best.metrics().get(metric);
            if (best == null || (lowerIsBetter ? v < b : v > b)) {
                best = r;
            }
        }
        html.append("<tr><td>").append(escape(metric)).append("</td>");
        if (last == null) {
            html.append("<td>–</td><td></td><td>–</td><td></td></tr>\n");
            return;
        }
        html.append("<td>").append(display(last.metrics().get(metric))).append("</td><td>").append(last.epoch())
                .append("</td><td>").append(display(best.metrics().get(metric)))
                .append(lowerIsBetter ? " <span class=\"muted\">(min)</span>" : " <span class=\"muted\">(max)</span>")
                .append("</td><td>").append(best.epoch()).append("</td></tr>\n");
    }

    /** A time or a rate: three significant digits, and whole numbers from 100 up. */
    private static String timing(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** Five significant digits, plain unless very small or large. */
    private static String display(double v) {
        double magnitude = Math.abs(v);
        return v == 0 || (magnitude >= 1e-4 && magnitude < 1e7)
                ? new BigDecimal(v).round(new MathContext(5)).stripTrailingZeros().toPlainString()
                : String.format(Locale.ROOT, "%.4e", v);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
