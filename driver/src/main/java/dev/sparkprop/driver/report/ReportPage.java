package dev.sparkprop.driver.report;

import dev.sparkprop.driver.model.EpochRecord;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;

/**
 * The HTML page of a training run: title, a chart of the losses, a chart of the main quality
 * metric and a summary table. Self-contained (inline CSS and SVG, no scripts, fonts or links
 * elsewhere) so it opens offline and can be mailed or archived as one file.
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
            """;

    private ReportPage() {
    }

    static String render(List<EpochRecord> history, String title, List<String> metrics) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(escape(title)).append("</h1>\n<p class=\"meta\">")
                .append(history.size()).append(history.size() == 1 ? " epoch" : " epochs")
                .append(" · per-epoch values in <a href=\"history.csv\">history.csv</a> and ")
                .append("<a href=\"history.json\">history.json</a></p>\n");

        html.append("<div class=\"charts\">\n").append(LineChart.render("Loss", trainAndValidation(history, "loss")));
        for (String[] quality : QUALITY) {
            String chart = LineChart.render(quality[1], trainAndValidation(history, quality[0]));
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
        return html.append("</table>\n</body>\n</html>\n").toString();
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
