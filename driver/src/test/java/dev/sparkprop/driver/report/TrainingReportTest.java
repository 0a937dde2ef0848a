package dev.sparkprop.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.Evaluation;
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

    /** A report of {@code history} alone: the last epoch kept, no classes, config or steps. */
    private static TrainingReport.Contents contents(List<EpochRecord> history, String title) {
        return new TrainingReport.Contents(title, history, history.get(history.size() - 1).epoch(),
                "the last epoch (no early stopping)", List.of(), "", Map.of(), List.of());
    }

    private String write(List<EpochRecord> history, String title, String file) throws IOException {
        return write(contents(history, title), file);
    }

    private String write(TrainingReport.Contents contents, String file) throws IOException {
        TrainingReport.write(contents, dir.toString(), new Configuration());
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
        TrainingReport.write(contents(List.of(epoch(1, "train_loss", 1.0)), "first"), nested.toString(),
                new Configuration());
        TrainingReport.write(contents(List.of(epoch(1, "train_loss", 2.0)), "second"), nested.toString(),
                new Configuration());

        try (Stream<Path> files = Files.list(nested)) {
            assertEquals(List.of("history.csv", "history.json", "report.html", "steps.csv"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("epoch,train_loss\n1,2.0\n", Files.readString(nested.resolve("history.csv")));
        assertTrue(Files.readString(nested.resolve("report.html")).contains("<h1>second</h1>"));
    }
    /** Three timed epochs of an early-stopped run that keeps epoch 2, with classes, config and steps. */
    private static TrainingReport.Contents earlyStoppedRun() {
        List<EpochRecord> history = List.of(
                timed(epoch(1, "train_loss", 0.9, "validation_loss", 0.8), 2.5, 800.0),
                timed(epoch(2, "train_loss", 0.5, "validation_loss", 0.4), 1.25, 1600.0),
                timed(epoch(3, "train_loss", 0.3, "validation_loss", 0.45), 1.5, 1250.0));
        List<Evaluation.ClassRow> perClass = List.of(
                new Evaluation.ClassRow("setosa", 10, 11, 0.9090909, 1.0, 0.952381),
                new Evaluation.ClassRow("<versicolor>", 12, 11, 1.0, 0.9166667, 0.9565217));
        Map<String, String> config = new LinkedHashMap<>();
        config.put("network.layers", "4,8:tanh,3:softmax");
        config.put("data.path", "data/a&b.csv");
        List<DistributedTrainer.Iteration> steps = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            for (int k = 1; k <= 2; k++) {
                steps.add(new DistributedTrainer.Iteration(steps.size() + 1, e, k, 1000, 1.0 / (steps.size() + 1),
                        0.01, 0.5, false));
            }
        }
        return new TrainingReport.Contents("run", history, 2, "the best validation_loss (0.4) of the 3 epochs run",
                perClass, "validation rows", config, steps);
    }

    @Test
    void pageShowsTheSavedEpochAndWhyThePerClassTableTheTimePerEpochAndTheEffectiveConfig() throws IOException {
        String html = write(earlyStoppedRun(), "report.html");

        assertTrue(html.contains("The saved model is <strong>epoch 2</strong>: the best validation_loss (0.4) of the"
                + " 3 epochs run.</p>"), html);
        assertEquals(1, count(html, "<line class=\"marker\" data-epoch=\"2\""), "the loss chart marks epoch 2");
        assertTrue(html.contains("The saved model on the validation rows; support and predicted are row counts."),
                html);
        assertTrue(html.contains("<tr><td>setosa</td><td>10</td><td>11</td><td>0.9091</td><td>1.0000</td>"
                + "<td>0.9524</td></tr>"), html);
        assertTrue(html.contains("<tr><td>&lt;versicolor&gt;</td><td>12</td><td>11</td>"), html);
        assertTrue(html.contains("3 epochs in 5.25 s (their steps and validation passes), 1.75 s per epoch on"
                + " average; 2000 training rows/s over 6 steps."), html);
        assertTrue(html.contains("<tr><td>seconds per epoch</td><td>1.25</td><td>1.25</td><td>2</td><td>2.5</td>"
                + "<td>1</td></tr>"), html);
        assertTrue(html.contains("<tr><td>training rows/s</td><td>1600</td><td>1600</td><td>2</td><td>800</td>"
                + "<td>1</td></tr>"), html);
        assertTrue(html.contains("<tr><td>network.layers</td><td>4,8:tanh,3:softmax</td></tr>"), html);
        assertTrue(html.contains("<tr><td>data.path</td><td>data/a&amp;b.csv</td></tr>"), html);
        assertAllCoordinatesFinite(html);
    }

    @Test
    void thePerClassCountsAreSaidToBeWeightedOnlyWhenRowsHaveWeights() throws IOException {
        TrainingReport.Contents run = earlyStoppedRun();
        Map<String, String> config = new LinkedHashMap<>(run.config());
        config.put("data.weight", "\"w\"");
        String html = write(new TrainingReport.Contents(run.title(), run.history(), run.keptEpoch(), run.keptWhy(),
                run.perClass(), run.perClassRows(), config, run.steps()), "report.html");
        assertTrue(html.contains("support and predicted are row counts weighted by column w."), html);

        // Class weights weigh the training rows' counts, as they weigh the train_ metrics, not the validation rows'
        config.remove("data.weight");
        config.put("training.class_weights", "\"1,2,3\"");
        String validated = write(new TrainingReport.Contents(run.title(), run.history(), run.keptEpoch(),
                run.keptWhy(), run.perClass(), "validation rows", config, run.steps()), "report.html");
        assertTrue(validated.contains("The saved model on the validation rows; support and predicted are row counts."),
                validated);
        String trained = write(new TrainingReport.Contents(run.title(), run.history(), run.keptEpoch(), run.keptWhy(),
                run.perClass(), "training rows (no validation rows)", config, run.steps()), "report.html");
        assertTrue(trained.contains("support and predicted are row counts weighted by class (training.class_weights"
                + " = 1,2,3), as the train_ metrics are."), trained);
    }

    @Test
    void aPageWithoutTimesClassesOrConfigLeavesThoseSectionsOut() throws IOException {
        String html = write(List.of(epoch(1, "train_loss", 0.5, "train_rmse", 2.0)), "run", "report.html");
        assertTrue(html.contains("The saved model is <strong>epoch 1</strong>: the last epoch (no early"
                + " stopping).</p>"), html);
        assertFalse(html.contains("<h2>Per class</h2>") || html.contains("<h2>Time</h2>")
                || html.contains("<h2>Effective config</h2>"), html);
    }

    @Test
    void withLocalStepsTheTimeLineCountsJobsNotSteps() throws IOException {
        TrainingReport.Contents r = earlyStoppedRun();
        Map<String, String> config = new LinkedHashMap<>(r.config());
        config.put("training.local_steps", "4");
        TrainingReport.Contents run = new TrainingReport.Contents(r.title(), r.history(), r.keptEpoch(), r.keptWhy(),
                r.perClass(), r.perClassRows(), config, r.steps());
        assertTrue(write(run, "report.html").contains("2000 training rows/s over 6 jobs (of up to 4 local steps"
                + " each)."));
    }

    @Test
    void historyFilesCarryEachEpochsSecondsAndRowsPerSecondWhereRecorded() throws IOException {
        TrainingReport.Contents run = earlyStoppedRun();
        assertEquals("""
                epoch,train_loss,validation_loss,seconds,train_rows_per_second
                1,0.9,0.8,2.5,800.0
                2,0.5,0.4,1.25,1600.0
                3,0.3,0.45,1.5,1250.0
                """, write(run, "history.csv"));
        JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("history.json")));
        assertEquals(1.25, json.get(1).get("seconds").doubleValue());
        assertEquals(1600.0, json.get(1).get("train_rows_per_second").doubleValue());
    }

    private static EpochRecord timed(EpochRecord r, double seconds, double rowsPerSecond) {
        return new EpochRecord(r.epoch(), r.metrics(), seconds, rowsPerSecond);
    }

    @Test
    void stepsCsvHasOneRowPerStepThatParsesBackToTheSameSteps() throws IOException {
        TrainingReport.Contents run = earlyStoppedRun();
        String csv = write(run, "steps.csv");
        String[] lines = csv.split("\n");
        assertEquals(1 + 6, lines.length);
        assertEquals("iteration,epoch,step,rows,loss,learning_rate,seconds,skipped", lines[0]);
        assertEquals("3,2,1,1000,0.3333333333333333,0.01,0.5,false", lines[3]);
        assertEquals(run.steps(), StepsCsv.parse(csv, "steps.csv"));
    }

    @Test
    void stepsCsvThatDoesNotParseIsRefusedNamingTheLine() {
        String csv = StepsCsv.format(earlyStoppedRun().steps());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StepsCsv.parse(csv.replace("\n3,2,1,", "\n2,2,1,"), "x/steps.csv"));
        assertTrue(e.getMessage().startsWith("x/steps.csv line 4 is not a step record: iteration 2 does not come"
                + " after 2"),
                e.getMessage());
    }
}
