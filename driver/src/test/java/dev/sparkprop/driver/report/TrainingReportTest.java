package dev.sparkprop.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkprop.driver.model.EpochRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingReportTest {

    @TempDir
    Path dir;

    private static EpochRecord epoch(int epoch, Object... namesAndValues) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            metrics.put((String) namesAndValues[i], (Double) namesAndValues[i + 1]);
        }
        return new EpochRecord(epoch, metrics);
    }

    private String write(List<EpochRecord> history, String title, String file) throws IOException {
        TrainingReport.write(history, title, dir.toString(), new Configuration());
        return Files.readString(dir.resolve(file));
    }

    /** The path data of the chart line of one metric. */
    private static String line(String html, String metric) {
        Matcher m = Pattern.compile("<path class=\"series\" data-metric=\"" + metric + "\" d=\"([^\"]*)\"")
                .matcher(html);
        assertTrue(m.find(), "no line for " + metric);
        return m.group(1);
    }

    /** The coordinates of the chart line of one metric. */
    private static List<String> points(String html, String metric) {
        List<String> points = new ArrayList<>();
        Matcher point = Pattern.compile("[ML]([^ ]+)").matcher(line(html, metric));
        while (point.find()) {
            points.add(point.group(1));
        }
        return points;
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static void assertAllCoordinatesFinite(String html) {
        assertFalse(html.contains("NaN") || html.contains("Infinity"), html);
        Matcher numbers = Pattern.compile(" (?:x|y|x1|y1|x2|y2|cx|cy|d)=\"([^\"]*)\"").matcher(html);
        while (numbers.find()) {
            for (String n : numbers.group(1).replaceAll("[MLVH,]", " ").trim().split(" +")) {
                assertTrue(Double.isFinite(Double.parseDouble(n)), numbers.group());
            }
        }
    }

    @Test
    void csvHasMetricsInFirstSeenOrderAndAnEmptyCellWhereAnEpochLacksOne() throws IOException {
        List<EpochRecord> history = List.of(
                epoch(1, "train_loss", 0.9, "train_accuracy", 0.5),
                epoch(2, "train_loss", 0.1 + 0.2, "validation_loss", 0.4, "train_accuracy", 0.75),
                epoch(3, "validation_loss", 1e-7, "train_loss", 0.25));
        assertEquals("""
                epoch,train_loss,train_accuracy,validation_loss
                1,0.9,0.5,
                2,0.30000000000000004,0.75,0.4
                3,0.25,,1.0E-7
                """, write(history, "run", "history.csv"));
    }

    @Test
    void jsonParsesBackToTheSameNumbersWithNullForNaNAndInfinity() throws IOException {
        List<EpochRecord> history = List.of(
                epoch(1, "train_loss", 0.1 + 0.2, "validation_loss", Double.NaN),
                epoch(2, "train_loss", Double.POSITIVE_INFINITY, "validation_r2", -3.25e-12));
        JsonNode json = new ObjectMapper().readTree(write(history, "run", "history.json"));

        assertEquals(2, json.size());
        assertEquals(1, json.get(0).get("epoch").intValue());
        assertEquals(0.1 + 0.2, json.get(0).get("train_loss").doubleValue());
        assertTrue(json.get(0).get("validation_loss").isNull());
        assertFalse(json.get(0).has("validation_r2"), "absent stays absent");
        assertEquals(2, json.get(1).get("epoch").intValue());
        assertTrue(json.get(1).get("train_loss").isNull());
        assertEquals(-3.25e-12, json.get(1).get("validation_r2").doubleValue());
    }

    @Test
    void htmlHasOneSvgPerChartWithAPointForEachEpochThatHasAValue() throws IOException {
        List<EpochRecord> history = new ArrayList<>();
        for (int e = 1; e <= 12; e++) {
            // Validation is measured every third epoch only, and one of those is NaN: gaps in its line.
            history.add(e % 3 == 0
                    ? epoch(e, "train_loss", 1.0 / e, "validation_loss", e == 6 ? Double.NaN : 1.2 / e,
                            "train_accuracy", 0.5 + e / 30.0, "validation_accuracy", 0.5 + e / 40.0)
                    : epoch(e, "train_loss", 1.0 / e, "train_accuracy", 0.5 + e / 30.0));
        }
        String html = write(history, "run", "report.html");

        assertEquals(2, count(html, "<svg"));
        assertEquals(12, points(html, "train_loss").size());
        assertEquals(3, points(html, "validation_loss").size());
        assertEquals(12, points(html, "train_accuracy").size());
        assertEquals(4, points(html, "validation_accuracy").size());
        assertEquals(0, count(line(html, "validation_loss"), "L"), "every validation point stands alone");
        assertAllCoordinatesFinite(html);
    }

    @Test
    void qualityChartFallsBackFromAccuracyToR2ToRmse() throws IOException {
        String regression = write(List.of(epoch(1, "train_loss", 2.0, "validation_rmse", 1.5, "validation_r2", 0.4),
                epoch(2, "train_loss", 1.0, "validation_rmse", 1.1, "validation_r2", 0.6)), "run", "report.html");
        assertEquals(2, count(regression, "<svg"));
        assertEquals(2, points(regression, "validation_r2").size());
        assertFalse(regression.contains("data-metric=\"validation_rmse\""), regression);

        String rmseOnly = write(List.of(epoch(1, "validation_rmse", 1.5)), "run", "report.html");
        assertEquals(1, count(rmseOnly, "<svg"), "no losses, so only the quality chart");
        assertEquals(1, points(rmseOnly, "validation_rmse").size());
    }

    @Test
    void htmlEscapesTheTitleAndMetricNamesAndLoadsNothingFromTheNetwork() throws IOException {
        String title = "<script>alert('x')</script> & \"co\"";
        String html = write(List.of(epoch(1, "train_loss", 0.5, "<b>odd</b>", 1.0)), title, "report.html");

        assertTrue(html.contains("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</h1>"),
                html);
        assertTrue(html.contains("<td>&lt;b&gt;odd&lt;/b&gt;</td>"), html);
        assertFalse(html.contains("<script") || html.contains("<b>"), html);
        assertEquals(count(html, "http"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""), html);
    }

    @Test
    void summaryShowsFinalAndBestWithTheirEpochs() throws IOException {
        String html = write(List.of(
                epoch(1, "validation_loss", 0.8, "validation_accuracy", 0.6),
                epoch(2, "validation_loss", 0.5, "validation_accuracy", 0.9),
                epoch(3, "validation_loss", 0.7, "validation_accuracy", 0.8)), "run", "report.html");

        assertTrue(html.contains("<tr><td>validation_loss</td><td>0.7</td><td>3</td>"
                + "<td>0.5 <span class=\"muted\">(min)</span></td><td>2</td></tr>"), html);
        assertTrue(html.contains("<tr><td>validation_accuracy</td><td>0.8</td><td>3</td>"
                + "<td>0.9 <span class=\"muted\">(max)</span></td><td>2</td></tr>"), html);
    }

    @Test
    void singleEpochAndConstantSeriesGiveFiniteCoordinatesAndVisiblePoints() throws IOException {
        String single = write(List.of(epoch(1, "train_loss", 0.7, "validation_loss", 0.0)), "run", "report.html");
        assertEquals(1, points(single, "train_loss").size());
        assertEquals(2, count(single, "<circle"), "a lone point is drawn as a dot");
        assertAllCoordinatesFinite(single);

        List<EpochRecord> constant = new ArrayList<>();
        for (int e = 1; e <= 5; e++) {
            constant.add(epoch(e, "train_loss", 0.0, "validation_loss", 0.0, "train_accuracy", 1.0));
        }
        String flat = write(constant, "run", "report.html");
        assertEquals(5, points(flat, "train_accuracy").size());
        assertAllCoordinatesFinite(flat);
    }

    @Test
    void manyEpochsDrawEveryPointInOnePath() throws IOException {
        List<EpochRecord> history = new ArrayList<>();
        for (int e = 1; e <= 500; e++) {
            history.add(epoch(e, "train_loss", Math.exp(-e / 100.0), "validation_loss", 1.1 * Math.exp(-e / 120.0)));
        }
        String html = write(history, "run", "report.html");
        assertEquals(500, points(html, "validation_loss").size());
        assertEquals(1, count(html, "<svg"));
        assertTrue(html.length() < 60_000, "page of " + html.length() + " characters");
    }

    @Test
    void tickLabelsAreRoundNumbersSpanningTheData() {
        LineChart.Axis axis = LineChart.Axis.nice(0.013, 0.947, 5);
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"),
                axis.ticks().stream().map(axis::label).toList());
        LineChart.Axis small = LineChart.Axis.nice(0.1012, 0.1049, 5);
        assertEquals(List.of("0.101", "0.102", "0.103", "0.104", "0.105"),
                small.ticks().stream().map(small::label).toList());
    }

    @Test
    void rewritingReplacesTheReportInANewDirectoryWithoutLeavingTemporaryFiles() throws IOException {
        Path nested = dir.resolve("a/b/report");
        TrainingReport.write(List.of(epoch(1, "train_loss", 1.0)), "first", nested.toString(), new Configuration());
        TrainingReport.write(List.of(epoch(1, "train_loss", 2.0)), "second", nested.toString(), new Configuration());

        try (Stream<Path> files = Files.list(nested)) {
            assertEquals(List.of("history.csv", "history.json", "report.html"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("epoch,train_loss\n1,2.0\n", Files.readString(nested.resolve("history.csv")));
        assertTrue(Files.readString(nested.resolve("report.html")).contains("<h1>second</h1>"));
    }
}
