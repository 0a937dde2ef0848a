package dev.sparkprop.driver.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An inline SVG line chart of metric series over epochs: nice-number value axis, epoch axis, a
 * legend above the plot, a gap wherever a value is missing or not finite, and a marked epoch
 * (the saved model's). Series differ in
 * colour and in dash pattern, so the chart also reads in grayscale.
 */
final class LineChart {

    /** One line: {@code values[i]} belongs to {@code epochs[i]}; a value that is not finite is a gap. */
    record Series(String metric, String label, int[] epochs, double[] values) {}

    private static final int WIDTH = 480;
    private static final int HEIGHT = 300;
    private static final int TOP = 40;
    private static final int RIGHT = 22;
    private static final int BOTTOM = 44;
    // Rough advance of one 11px sans-serif glyph, to size the margin and legend around text.
    private static final double CHAR_WIDTH = 6.6;
    private static final int LEGEND_GAP = 16;
    private static final String[] COLOURS = {"#1f5fbf", "#d9480f", "#2b8a3e", "#7048e8"};
    private static final String[] DASHES = {"", "7 4", "2 3", "10 3 2 3"};

    private LineChart() {
    }

    /**
     * The chart of those series that have a finite value, or nothing when none has. A series' style
     * follows its position in {@code all}, so e.g. validation looks the same in every chart even
     * where there is no training series. {@code marked} is the epoch to mark with a vertical line
     * (none when outside the data's epochs).
     */
    static String render(String title, List<Series> all, int marked) {
        List<Series> series = new ArrayList<>();
        List<Integer> styles = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (Arrays.stream(all.get(i).values).anyMatch(Double::isFinite)) {
                series.add(all.get(i));
                styles.add(i);
            }
        }
        if (series.isEmpty()) {
            return "";
        }
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        int xMin = Integer.MAX_VALUE;
        int xMax = Integer.MIN_VALUE;
        for (Series s : series) {
            for (int i = 0; i < s.values.length; i++) {
                if (Double.isFinite(s.values[i])) {
                    yMin = Math.min(yMin, s.values[i]);
                    yMax = Math.max(yMax, s.values[i]);
                    xMin = Math.min(xMin, s.epochs[i]);
                    xMax = Math.max(xMax, s.epochs[i]);
                }
            }
        }
        Axis y = Axis.nice(yMin, yMax, 5);
        // A single epoch gets half an epoch either side, so its point sits mid-chart.
        Axis x = xMin == xMax ? new Axis(xMin - 0.5, xMax + 0.5, 1)
                : new Axis(xMin, xMax, Math.max(1, niceNumber((xMax - xMin) / 8.0, true)));

        List<Double> yTicks = y.ticks();
        int longestLabel = 0;
        for (double t : yTicks) {
            longestLabel = Math.max(longestLabel, y.label(t).length());
        }
        double left = 16 + longestLabel * CHAR_WIDTH;
        double plotWidth = WIDTH - left - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double bottom = TOP + plotHeight;

        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(ReportPage.escape(title))
                .append("\">\n");
        svg.append("<text class=\"chart-title\" x=\"").append(num(left)).append("\" y=\"20\">")
                .append(ReportPage.escape(title)).append("</text>\n");

        // Legend, right-aligned on the title line: a line sample in the series' style, then its label.
        double legendX = WIDTH - RIGHT + LEGEND_GAP;
        for (Series s : series) {
            legendX -= legendWidth(s) + LEGEND_GAP;
        }
        for (int i = 0; i < series.size(); i++) {
            svg.append("<line x1=\"").append(num(legendX)).append("\" y1=\"16\" x2=\"").append(num(legendX + 26))
                    .append("\" y2=\"16\"").append(stroke(styles.get(i))).append("/>\n");
            svg.append("<text class=\"legend\" x=\"").append(num(legendX + 32)).append("\" y=\"16\" dy=\"0.35em\">")
                    .append(ReportPage.escape(series.get(i).label)).append("</text>\n");
            legendX += legendWidth(series.get(i)) + LEGEND_GAP;
        }

        for (double t : yTicks) {
            double py = bottom - (t - y.lo) / (y.hi - y.lo) * plotHeight;
            svg.append("<line class=\"grid\" x1=\"").append(num(left)).append("\" y1=\"").append(num(py))
                    .append("\" x2=\"").append(num(left + plotWidth)).append("\" y2=\"").append(num(py)).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(num(left - 6)).append("\" y=\"").append(num(py))
                    .append("\" dy=\"0.35em\" text-anchor=\"end\">").append(y.label(t)).append("</text>\n");
        }
        for (double t : x.ticks()) {
            double px = left + (t - x.lo) / (x.hi - x.lo) * plotWidth;
            svg.append("<line class=\"axis\" x1=\"").append(num(px)).append("\" y1=\"").append(num(bottom))
                    .append("\" x2=\"").append(num(px)).append("\" y2=\"").append(num(bottom + 5)).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(num(px)).append("\" y=\"").append(num(bottom + 18))
                    .append("\" text-anchor=\"middle\">").append(x.label(t)).append("</text>\n");
        }
        svg.append("<path class=\"axis\" d=\"M").append(num(left)).append(',').append(num(TOP)).append(" V")
                .append(num(bottom)).append(" H").append(num(left + plotWidth)).append("\"/>\n");
        svg.append("<text class=\"axis-title\" x=\"").append(num(left + plotWidth / 2)).append("\" y=\"")
                .append(HEIGHT - 6).append("\" text-anchor=\"middle\">epoch</text>\n");
        if (marked >= xMin && marked <= xMax) {
            double px = left + (marked - x.lo) / (x.hi - x.lo) * plotWidth;
            svg.append("<line class=\"marker\" data-epoch=\"").append(marked).append("\" x1=\"").append(num(px))
                    .append("\" y1=\"").append(TOP).append("\" x2=\"").append(num(px)).append("\" y2=\"")
                    .append(num(bottom)).append("\" stroke=\"#868e96\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>")
                    // The label left of the line, or right of it where the line is near the value axis
                    .append("<text class=\"tick\" x=\"").append(num(px - left < 40 ? px + 4 : px - 4))
                    .append("\" y=\"").append(TOP + 10).append("\" text-anchor=\"")
                    .append(px - left < 40 ? "start" : "end").append("\">saved</text>\n");
        }

        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            StringBuilder d = new StringBuilder();
            List<double[]> isolated = new ArrayList<>();
            for (int j = 0; j < s.values.length; j++) {
                if (!Double.isFinite(s.values[j])) {
                    continue;
                }
                double px = left + (s.epochs[j] - x.lo) / (x.hi - x.lo) * plotWidth;
                double py = bottom - (s.values[j] - y.lo) / (y.hi - y.lo) * plotHeight;
                boolean joinsPrevious = j > 0 && Double.isFinite(s.values[j - 1]);
                boolean joinsNext = j + 1 < s.values.length && Double.isFinite(s.values[j + 1]);
                d.append(d.length() == 0 ? "" : " ").append(joinsPrevious ? 'L' : 'M')
                        .append(num(px)).append(',').append(num(py));
                if (!joinsPrevious && !joinsNext) {
                    isolated.add(new double[] {px, py});
                }
            }
            svg.append("<path class=\"series\" data-metric=\"").append(ReportPage.escape(s.metric)).append("\" d=\"")
                    .append(d).append('"').append(stroke(styles.get(i))).append("/>\n");
            // A lone point draws no line, so mark it (e.g. a one-epoch run, or a value between gaps).
            for (double[] p : isolated) {
                svg.append("<circle cx=\"").append(num(p[0])).append("\" cy=\"").append(num(p[1]))
                        .append("\" r=\"3.5\" fill=\"").append(COLOURS[styles.get(i) % COLOURS.length])
                        .append("\"/>\n");
            }
        }
        return svg.append("</svg>\n").toString();
    }

    private static double legendWidth(Series s) {
        return 32 + s.label.length() * CHAR_WIDTH;
    }

    private static String stroke(int i) {
        String dash = DASHES[i % DASHES.length];
        return " fill=\"none\" stroke=\"" + COLOURS[i % COLOURS.length] + "\" stroke-width=\"2\""
                + (dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"");
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A nice number near {@code x}: 1, 2 or 5 (or 10) times a power of ten (Heckbert, Graphics Gems). */
    static double niceNumber(double x, boolean round) {
        double power = Math.pow(10, Math.floor(Math.log10(x)));
        double f = x / power;
        double nice = round ? (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10)
                : (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10);
        return nice * power;
    }

    /** A linear axis from {@code lo} to {@code hi} with ticks at the multiples of {@code step} inside it. */
    record Axis(double lo, double hi, double step) {

        /** Bounds widened to whole steps around the data, about {@code ticks} ticks. */
        static Axis nice(double min, double max, int ticks) {
            if (min == max) {
                // A constant series still needs a range to draw in: centre it.
                double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
                min -= pad;
                max += pad;
            }
            double step = niceNumber(niceNumber(max - min, false) / (ticks - 1), true);
            return new Axis(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            // The tolerance keeps a bound that is a whole step despite rounding.
            for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
                ticks.add(k * step);
            }
            return ticks;
        }

        /** The tick value with as many decimals as the step needs, so 0.1 + 0.2 shows as 0.3. */
        String label(double v) {
            int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
            String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
            // A tick just below zero by rounding would read "-0.0".
            return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
        }
    }
}
