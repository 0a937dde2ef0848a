package dev.sparkprop.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.report.StepsCsv;
import dev.sparkprop.driver.train.DistributedTrainer;
import dev.sparkprop.driver.train.ShownLogs;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end: train, evaluate and predict on real data, and every kind of bad input. */
class MainTest {

    record Run(int exitCode, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    static Run run(String... args) {
        SparkTestSession.spark();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @TempDir
    Path dir;

    private String[] iris(String... more) {
        List<String> args = new ArrayList<>(List.of("train",
                "--set", "data.path=" + SparkTestSession.dataset("iris.csv"),
                "--set", "network.layers=4,8:tanh,3:softmax", "--set", "network.loss=cross_entropy",
                "--set", "optimizer.learning_rate=0.05", "--set", "training.epochs=40",
                "--set", "data.validation_fraction=0.2", "--set", "spark.partitions=3",
                "--set", "output.model_path=" + dir.resolve("model")));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    @Test
    void gradcheckPrintsMaxRelativeErrorLastAndExitsZeroWhenWithinBound() {
        Run r = run("gradcheck", "--layers", "5,7:tanh,4:softmax", "--loss", "mse");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.lastLine().startsWith("max_rel_error="), r.out());
        double error = Double.parseDouble(r.lastLine().substring("max_rel_error=".length()));
        assertTrue(error <= 1e-6 && error > 0, r.out());
    }

    @Test
    void gradcheckChecksANetworkWithDropoutWithItsMasksFixed() {
        Run r = run("gradcheck", "--layers", "5,8:tanh(dropout=0.5),6:relu(dropout=0.2),4:softmax", "--loss",
                "cross_entropy");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("dropout masks fixed"), r.out());
        Run bad = run("gradcheck", "--layers", "5,7:relu(dropout=1),4:softmax", "--loss", "mse");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("dropout must be in [0, 1), got 1.0"), bad.err());
        assertEquals(1, bad.err().strip().split("\n").length, "one line, no stack trace: " + bad.err());
    }

    @Test
    void everyCommandExplainsItselfWithHelp() {
        for (String command : List.of("train", "evaluate", "predict", "gradcheck")) {
            Run r = run(command, "--help");
            assertEquals(0, r.exitCode(), command);
            assertTrue(r.out().startsWith("Usage: sparkprop " + command), r.out());
        }
        assertTrue(run("--help").out().contains("train"));
    }

    @Test
    void helpShowsEveryDescriptionLineWholeAtEightyColumns() {
        // picocli wraps a line too long for its column where Java's BreakIterator allows, which
        // includes inside dotted words ("digits. conf"); a line that fits is printed whole.
        for (picocli.CommandLine command : new picocli.CommandLine(new Main()).getSubcommands().values()) {
            List<String> shown = command.getUsageMessage().lines().map(String::strip).toList();
            List<String> lines = new ArrayList<>(List.of(command.getCommandSpec().usageMessage().description()));
            for (picocli.CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
                for (String line : option.description()) {
                    lines.add(line.replace("${DEFAULT-VALUE}", String.valueOf(option.defaultValue())));
                }
            }
            for (String line : lines) {
                assertTrue(shown.stream().anyMatch(s -> s.endsWith(line.strip())), command.getCommandName() + ": '"
                        + line + "' is wrapped:\n" + String.join("\n", shown));
            }
        }
    }

    @Test
    void noCommandOrAMistypedOptionIsAUsageErrorOfOneLine() {
        Run none = run();
        assertEquals(2, none.exitCode(), none.out() + none.err());
        assertTrue(none.err().startsWith("error: no command given; give one of train, evaluate, predict or gradcheck"),
                none.err());
        Run typo = run("train", "--confg", "conf/examples/digits.conf");
        assertEquals(2, typo.exitCode(), typo.out() + typo.err());
        assertEquals("error: unknown option '--confg'; did you mean --config? (sparkprop train --help lists the"
                + " options)", typo.err().strip());
        Run command = run("tran", "--config", "conf/examples/digits.conf");
        assertEquals(2, command.exitCode(), command.out() + command.err());
        assertEquals("error: unknown command 'tran'; did you mean train? (sparkprop --help lists the commands)",
                command.err().strip());
        Run spaced = run("train", "--config", "conf/examples/digits.conf", "--set", "training.epochs", "5");
        assertEquals(2, spaced.exitCode(), spaced.out() + spaced.err());
        assertEquals("error: --set training.epochs 5: --set takes key=value as one argument; write --set"
                + " training.epochs=5", spaced.err().strip());
        // The value also given before, and HOCON's spaced =
        Run twice = run("train", "--config", "conf/examples/digits.conf", "--set", "data.path",
                "conf/examples/digits.conf");
        assertEquals("error: --set data.path conf/examples/digits.conf: --set takes key=value as one argument;"
                + " write --set data.path=conf/examples/digits.conf", twice.err().strip());
        Run equals = run("train", "--config", "conf/examples/digits.conf", "--set", "training.epochs", "=", "5");
        assertTrue(equals.err().contains("write --set training.epochs=5"), equals.err());
    }

    @Test
    void trainWithoutAJobFileSaysSoBeforeTheKeysItLacks() {
        Run r = run("train");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals("error: no job file given; give it with --config <job.conf> (e.g. --config"
                + " conf/examples/digits.conf), or set every required key with --set", lines.get(0));
        assertTrue(lines.contains("  data.path: is required and has no default"), r.err());
    }

    @Test
    void gradcheckRejectsABadNetworkWithOneClearMessage() {
        Run r = run("gradcheck", "--layers", "5,7:swish,4:softmax", "--loss", "mse");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown activation 'swish'"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one line, no stack trace: " + r.err());
        Run none = run("gradcheck", "--layers", "5,4:softmax", "--loss", "cross_entropy", "--rows", "0");
        assertEquals("error: --rows must be at least 1, got 0", none.err().strip());
    }

    @Test
    void trainWritesModelAndReportThenEvaluateAndPredictUseThem() throws IOException {
        Run train = run(iris());
        assertEquals(0, train.exitCode(), train.out() + train.err());
        assertTrue(train.out().contains("\non the validation rows:\nclass "), train.out());
        assertTrue(train.out().startsWith("effective config:"), train.out());
        assertTrue(train.out().contains("epoch 40/40 train_loss="), train.out());
        String last = train.lastLine();
        assertTrue(last.startsWith("final train_loss="), last);
        double accuracy = Double.parseDouble(last.replaceAll(".* validation_accuracy=([0-9.]+).*", "$1"));
        assertTrue(accuracy >= 0.9, last);
        assertTrue(Files.isRegularFile(dir.resolve("model/metadata.json")));
        assertTrue(Files.isRegularFile(dir.resolve("model/weights.bin")));
        for (String report : List.of("history.csv", "history.json", "report.html")) {
            assertTrue(Files.isRegularFile(dir.resolve("model/report/" + report)), report);
        }
        List<String> history = Files.readAllLines(dir.resolve("model/report/history.csv"));
        assertEquals(41, history.size(), "header + 40 epochs");
        assertTrue(history.get(0).startsWith("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy"),
                history.get(0));

        Run evaluate = run("evaluate", "--model", dir.resolve("model").toString(), "--data",
                SparkTestSession.dataset("iris.csv"));
        assertEquals(0, evaluate.exitCode(), evaluate.out() + evaluate.err());
        assertTrue(evaluate.lastLine().matches("metrics loss=\\S+ accuracy=0\\.9\\d+ macro_f1=\\S+ log_loss=\\S+"),
                evaluate.lastLine());

        // The same rows with another delimiter, which --delimiter names, give the same metrics
        Path semicolons = dir.resolve("iris-semicolons.csv");
        Files.write(semicolons, Files.readAllLines(Path.of(SparkTestSession.dataset("iris.csv"))).stream()
                .map(line -> line.replace(',', ';')).toList());
        Run other = run("evaluate", "--model", dir.resolve("model").toString(), "--data", semicolons.toString(),
                "--delimiter", ";");
        assertEquals(0, other.exitCode(), other.out() + other.err());
        assertEquals(evaluate.lastLine(), other.lastLine());
        Run unsaid = run("predict", "--model", dir.resolve("model").toString(), "--data", semicolons.toString(),
                "--output", dir.resolve("unsaid").toString());
        assertEquals(2, unsaid.exitCode());
        assertTrue(unsaid.err().strip().endsWith("--delimiter ';' for evaluate and predict)"), unsaid.err());
        assertEquals("error: --delimiter ';;' must be one character (\\t for a tab), e.g. --delimiter ';'",
                run("evaluate", "--model", dir.resolve("model").toString(), "--data", semicolons.toString(),
                        "--delimiter", ";;").err().strip());

        Run predict = run("predict", "--model", dir.resolve("model").toString(), "--data",
                SparkTestSession.dataset("iris.csv"), "--output", dir.resolve("predictions").toString());
        assertEquals(0, predict.exitCode(), predict.out() + predict.err());
        Dataset<Row> predictions = SparkTestSession.spark().read().parquet(dir.resolve("predictions").toString());
        assertEquals(List.of("prediction", "probability_0", "probability_1", "probability_2"),
                List.of(predictions.columns()));
        assertEquals(150, predictions.count());
        Row first = predictions.first();
        // float32 (the default precision) probabilities sum to 1 to float32 accuracy.
        assertEquals(1, first.getDouble(1) + first.getDouble(2) + first.getDouble(3), 1e-6);
        assertTrue(!SparkTestSession.spark().sparkContext().isStopped(), "a session the command did not start stays up");
        // --overwrite replaces earlier predictions, never a directory of other files; a file is no directory
        String[] replace = {"predict", "--model", dir.resolve("model").toString(), "--data",
            SparkTestSession.dataset("iris.csv"), "--output", dir.resolve("predictions").toString(), "--overwrite"};
        assertEquals(0, run(replace).exitCode());
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("thesis.txt"), "precious");
        for (String[] flags : new String[][] {{}, {"--overwrite"}}) {
            List<String> args = new ArrayList<>(List.of("predict", "--model", dir.resolve("model").toString(), "--data",
                    SparkTestSession.dataset("iris.csv"), "--output", mine.toString()));
            args.addAll(List.of(flags));
            Run refused = run(args.toArray(new String[0]));
            assertEquals(2, refused.exitCode(), refused.err());
            assertEquals("error: --output '" + mine + "' holds 'thesis.txt', which is not part of predictions; give a"
                    + " directory of its own (empty, or one that holds predictions)", refused.err().strip());
        }
        Run onAFile = run("predict", "--model", dir.resolve("model").toString(), "--data",
                SparkTestSession.dataset("iris.csv"), "--output", mine.resolve("thesis.txt").toString());
        assertTrue(onAFile.err().startsWith("error: --output '" + mine.resolve("thesis.txt") + "' is a file, not a"
                + " directory"), onAFile.err());
        assertEquals("precious", Files.readString(mine.resolve("thesis.txt")));

        // --keep copies input columns beside the predictions, in the rows' own order, to join on
        Run kept = run("predict", "--model", dir.resolve("model").toString(), "--data",
                SparkTestSession.dataset("iris.csv"), "--keep", "label,x1", "--output", dir.resolve("kept").toString(),
                "--output-format", "csv");
        assertEquals(0, kept.exitCode(), kept.out() + kept.err());
        Dataset<Row> keptRows = SparkTestSession.spark().read().option("header", true).option("inferSchema", true)
                .csv(dir.resolve("kept").toString());
        assertEquals(List.of("label", "x1", "prediction", "probability_0", "probability_1", "probability_2"),
                List.of(keptRows.columns()));
        long right = keptRows.where("cast(label as string) = cast(prediction as string)").count();
        assertTrue(right >= 135, right + " of 150 kept labels are the prediction");
        // A kept column that is not there, that would clash with an output or itself, or that CSV cannot hold
        Path extra = dir.resolve("extra.parquet");
        SparkTestSession.spark().read().option("header", true).option("inferSchema", true)
                .csv(SparkTestSession.dataset("iris.csv"))
                .selectExpr("*", "label as prediction", "array(x1, x2) as pair").write().parquet(extra.toString());
        for (String[] bad : new String[][] {{"nope", "--keep column 'nope' is not in --data; its columns are ['x1', 'x2', 'x3', 'x4', 'label',"
                + " 'prediction', 'pair']; name columns of --data in --keep"},
            {"prediction", "--keep column 'prediction' has the name of an output column"},
            {"label,label", "--keep column 'label' is named twice; name each column to keep once"},
            {"pair", "column 'pair' holds array<double>, which CSV cannot hold"}}) {
            Run refused = run("predict", "--model", dir.resolve("model").toString(), "--data", extra.toString(),
                    "--format", "parquet", "--keep", bad[0], "--output", dir.resolve("no").toString(),
                    "--output-format", "csv");
            assertEquals(2, refused.exitCode(), refused.err());
            assertTrue(refused.err().startsWith("error: " + bad[1]), refused.err());
            assertTrue(!Files.exists(dir.resolve("no")), "nothing is written");
        }

        Run again = run("predict", "--model", dir.resolve("model").toString(), "--data",
                SparkTestSession.dataset("iris.csv"), "--output", dir.resolve("predictions").toString());
        assertEquals(2, again.exitCode());
        assertEquals("error: --output '" + dir.resolve("predictions") + "' already exists; to replace it, add"
                + " --overwrite, or choose another path", again.err().strip(), "names the option that replaces it");
    }

    private Path csv(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines));
        return file;
    }

    /** Runs a train that must fail: exit 2, a message naming the problem, and no model written. */
    private void trainFails(String expected, String... overrides) {
        List<String> args = new ArrayList<>(List.of("train", "--set", "output.model_path=" + dir.resolve("bad-model")));
        for (String o : overrides) {
            args.add("--set");
            args.add(o);
        }
        Run r = run(args.toArray(new String[0]));
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(dir.resolve("bad-model")), "no model may be written");
        try (Stream<Path> left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("bad-model")), "no temporary left");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badInputGivesOneClearMessageAndWritesNothing() throws IOException {
        String net = "network.layers=2,4:tanh,2:softmax";
        String ce = "network.loss=cross_entropy";
        String good = csv("good.csv", "a,b,label", "1,2,0", "2,1,1", "3,3,0", "4,1,1").toString();
        trainFails("data.path '" + dir.resolve("missing.csv") + "' does not exist",
                "data.path=" + dir.resolve("missing.csv"), net, ce);
        trainFails("cannot read '" + good + "' as parquet", "data.path=" + good, "data.format=parquet", net, ce);
        trainFails("column 'species' is not in the data", "data.path=" + good, "data.label=species", net, ce);
        trainFails("column 'c' is not in the data", "data.path=" + good, "data.features=[a,c]", net, ce);
        trainFails("feature column 'b' has type string; list it in data.categorical",
                "data.path=" + csv("text.csv", "a,b,label", "1,x,0", "2,y,1"), net, ce);
        trainFails("in the training data, feature column 'b' has NaN or infinite values in 1 row (e.g. NaN)",
                "data.path=" + csv("nan.csv", "a,b,label", "1,NaN,0", "2,1,1"), net, ce);
        trainFails("has 3 classes [0, 1, 2] but the output layer has 2 softmax units; give it 3",
                "data.path=" + csv("three.csv", "a,b,label", "1,2,0", "2,1,1", "3,3,2"), net, ce);
        trainFails("has only the class [0]; classification needs at least two classes",
                "data.path=" + csv("one.csv", "a,b,label", "1,2,0", "2,1,0"), net, ce);
        trainFails("no rows", "data.path=" + csv("empty.csv", "a,b,label"), net, ce);
        // Split off as numbers, and as rows (a categorical column)
        trainFails("data.validation_fraction = 0.99 left no training rows; lower it, or give the validation rows apart"
                + " with data.validation_path", "data.path=" + good, "data.validation_fraction=0.99", net, ce);
        trainFails("data.validation_fraction = 0.99 left no training rows", "data.path=" + good,
                "data.validation_fraction=0.99", "data.categorical=[a]", "network.layers=5,4:tanh,2:softmax", ce);
        trainFails("data.validation_fraction = 0.001 left no validation rows; raise it, or set it to 0 to train"
                + " without validation", "data.path=" + good, "data.validation_fraction=0.001", net, ce);
        trainFails("data.validation_fraction = 0.001 left no validation rows", "data.path=" + good,
                "data.validation_fraction=0.001", "data.categorical=[a]", "network.layers=5,4:tanh,2:softmax", ce);
        trainFails("the data encodes to 2 inputs (2 numeric) but network.layers starts with 5; start it with 2",
                "data.path=" + good, "network.layers=5,4:tanh,2:softmax", ce);
        trainFails("training.epochs", "data.path=" + good, net, ce, "training.epochs=0");
        trainFails("training.epoch", "data.path=" + good, net, ce, "training.epoch=3");
        trainFails("in the validation data, label column 'label' has classes the model does not know in 1 row"
                + " (e.g. '7'); its classes are [0, 1]",
                "data.path=" + good, "data.validation_path=" + csv("unseen.csv", "a,b,label", "1,2,7"), net, ce);
    }

    @Test
    void trainRefusesToReplaceAModelUnlessToldAndKeepsTheOldOne() throws IOException {
        Path model = dir.resolve("model");
        assertEquals(0, run(iris("--set", "training.epochs=1")).exitCode());
        byte[] first = Files.readAllBytes(model.resolve("weights.bin"));

        Run refused = run(iris("--set", "training.epochs=2"));
        assertEquals(2, refused.exitCode());
        assertEquals("error: output.model_path '" + model + "' already exists; to replace it, set output.overwrite"
                + " = true (--set output.overwrite=true), or choose another path", refused.err().strip(),
                "names the setting that replaces it");
        assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(model.resolve("weights.bin"))), "old model kept");

        Run replaced = run(iris("--set", "output.overwrite=true", "--set", "training.epochs=2"));
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(model.resolve("weights.bin"))), "new model");
    }

    @Test
    void outputPathsThatCannotBeWrittenAreRefusedBeforeTrainingAndNothingIsWritten() throws IOException {
        Path file = csv("a-file.csv", "a,b,label", "1,2,0");
        Path notAModel = Files.createDirectories(dir.resolve("not-a-model"));
        Files.writeString(notAModel.resolve("notes.txt"), "mine");
        String[][] cases = {
            {"output.model_path=" + file.resolve("model"),
                "output.model_path '" + file.resolve("model") + "' is inside '" + file + "', which is a file, not a"
                        + " directory; choose another path"},
            {"output.report_path=" + file.resolve("report"), "output.report_path '" + file.resolve("report")
                    + "' is inside '" + file + "', which is a file"},
            {"training.checkpoint.path=" + file, "training.checkpoint.path '" + file + "' is a file, not a directory"},
            {"output.model_path=" + notAModel, notAModel + " exists and is not a sparkprop model directory (it has no"
                    + " metadata.json); refusing to replace it even with overwrite"},
            // Linux's /proc takes no new directory, even from root
            {"output.model_path=/proc/sparkprop-model", "output.model_path '/proc/sparkprop-model' cannot be written:"
                    + " '/proc' refuses a new directory"},
            {"output.report_path=" + dir.resolve("model"), "output.report_path '" + dir.resolve("model") + "' is"
                    + " output.model_path '" + dir.resolve("model") + "'; the report's files would mix with the"
                    + " model's"},
            {"output.report_path=" + notAModel, "output.report_path '" + notAModel + "' holds 'notes.txt', which is"
                    + " not part of a training report; give a directory of its own (empty, or one that holds a training"
                    + " report)"},
        };
        for (String[] c : cases) {
            // The same refusal with overwrite or without: no hint to overwrite what overwrite cannot replace
            for (String overwrite : List.of("true", "false")) {
                Run r = run(iris("--set", "output.overwrite=" + overwrite, "--set", c[0]));
                assertEquals(2, r.exitCode(), c[0] + ": " + r.out() + r.err());
                assertEquals("error: " + c[1], r.err().strip().substring(0, Math.min(r.err().strip().length(),
                        ("error: " + c[1]).length())), c[0] + ", overwrite " + overwrite);
                assertFalse(r.out().contains("epoch"), "refused before training: " + r.out());
            }
        }
        assertFalse(Files.exists(dir.resolve("model")), "no model written beside a refused report");
        assertEquals(List.of("notes.txt"), Files.list(notAModel).map(p -> p.getFileName().toString()).toList(),
                "the directory that is not a model is left as it was");
    }

    @Test
    void aPathOfAFileSystemThisJvmDoesNotHaveIsBadInputWithAHint() {
        for (String key : List.of("data.path", "output.model_path")) {
            Run r = run(iris("--set", key + "=nosuchfs://bucket/x"));
            assertEquals(2, r.exitCode(), key + ": " + r.err());
            assertTrue(r.err().strip().endsWith("check the path's scheme (file:, hdfs:, s3a:, ...), or put that file"
                    + " system's connector jar on the classpath"), r.err());
            assertTrue(r.err().contains("nosuchfs"), r.err());
        }
    }

    @Test
    void aValidationSplitThatTakesEveryRowOfAClassSaysSoInsteadOfAskingForAnotherLayer() throws IOException {
        // One row of class 2: a split puts it on one side or the other, by seed. Where it goes to the validation
        // rows, the training rows have 2 classes against the layer's 3; the message names the split, not the layer.
        List<String> lines = new ArrayList<>(List.of("x1,x2,label"));
        for (int i = 0; i < 40; i++) {
            lines.add(i + "," + (i % 7) + "," + (i % 2));
        }
        lines.add("50,3,2");
        Path data = csv("rare.csv", lines.toArray(new String[0]));
        int splitOff = 0;
        for (int seed = 1; seed <= 8; seed++) {
            Run r = run("train", "--set", "data.path=" + data, "--set", "network.layers=2,4:tanh,3:softmax", "--set",
                    "network.loss=cross_entropy", "--set", "training.epochs=1", "--set",
                    "data.validation_fraction=0.5", "--set", "training.seed=" + seed, "--set",
                    "output.overwrite=true", "--set", "output.model_path=" + dir.resolve("rare-model"));
            if (r.exitCode() != 0) {
                assertEquals("error: data.validation_fraction = 0.5 (split by training.seed = " + seed + ") put every"
                        + " row of class '2' into the validation rows, so the training rows lack it; change"
                        + " training.seed, lower data.validation_fraction, or give the validation rows apart with"
                        + " data.validation_path", r.err().strip(), "seed " + seed);
                splitOff++;
            }
        }
        assertTrue(splitOff > 0, "some seed of 8 splits the one row off (half the rows go to validation)");
    }

    @Test
    void evaluateAppliesTheTrainingTransformationExactly() {
        String iris = SparkTestSession.dataset("iris.csv");
        Run train = run(iris("--set", "data.validation_fraction=0", "--set", "data.validation_path=" + iris));
        assertEquals(0, train.exitCode(), train.err());
        String trained = train.lastLine().replaceAll(".* validation_loss=(\\S+) .*", "$1");

        Run evaluate = run("evaluate", "--model", dir.resolve("model").toString(), "--data", iris);
        String evaluated = evaluate.lastLine().replaceAll("metrics loss=(\\S+) .*", "$1");
        assertEquals(trained, evaluated, "the same rows through the saved preprocessing give the same loss");
    }

    @Test
    void aLibsvmFileWhoseRowsLeaveTheLastFeaturesOutIsReadAtTheModelsWidthAndAWiderOneIsRefused() throws IOException {
        // libsvm leaves zeros out, and Spark infers a file's width from its largest index: these rows never name 4
        List<String> wide = new ArrayList<>();
        List<String> narrow = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double x1 = (i % 7) / 7.0;
            double x2 = (i % 5) / 5.0;
            String row = (x1 + x2 > 0.9 ? 1 : 0) + " 1:" + x1 + " 2:" + x2 + " 3:" + (i % 3);
            (i % 2 == 0 ? wide : narrow).add(row + (i % 2 == 0 ? " 4:" + (i % 4 + 1) : ""));
        }
        Path train = Files.write(dir.resolve("train.libsvm"), wide);
        Path rows = Files.write(dir.resolve("narrow.libsvm"), narrow);
        Path model = dir.resolve("libsvm-model");
        Run trained = run("train", "--set", "data.path=" + train, "--set", "data.format=libsvm",
                "--set", "data.validation_fraction=0", "--set", "data.validation_path=" + rows,
                "--set", "network.layers=4,4:tanh,2:softmax", "--set", "network.loss=cross_entropy",
                "--set", "training.epochs=3", "--set", "output.model_path=" + model);
        assertEquals(0, trained.exitCode(), trained.out() + trained.err());

        Run evaluate = run("evaluate", "--model", model.toString(), "--data", rows.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.out() + evaluate.err());
        assertEquals(trained.lastLine().replaceAll(".* validation_loss=(\\S+) .*", "$1"),
                evaluate.lastLine().replaceAll("metrics loss=(\\S+) .*", "$1"),
                "the validation rows and the evaluated ones are the same rows at the same width");
        Run predict = run("predict", "--model", model.toString(), "--data", rows.toString(),
                "--output", dir.resolve("libsvm-predictions").toString());
        assertEquals(0, predict.exitCode(), predict.out() + predict.err());
        assertEquals(30, SparkTestSession.spark().read().parquet(dir.resolve("libsvm-predictions").toString())
                .where("prediction is not null").count());

        // A file with an index past the model's inputs is refused, naming both widths
        Path wider = Files.write(dir.resolve("wider.libsvm"), List.of("1 1:0.5 5:1.0"));
        Run refused = run("evaluate", "--model", model.toString(), "--data", wider.toString());
        assertEquals(2, refused.exitCode());
        assertEquals("error: --data '" + wider + "' has feature index 5 (libsvm indices count from 1), but the model"
                + " reads 4 features; give rows whose indices are 1 to 4", refused.err().strip());

        // An unknown --format is named as such, before what a vector model's features need
        Run unknown = run("evaluate", "--model", model.toString(), "--data", rows.toString(), "--format", "xlsx");
        assertEquals(2, unknown.exitCode());
        assertEquals("error: data format 'xlsx' is not one of csv, parquet, json, libsvm", unknown.err().strip());
    }

    @Test
    void predictionsFollowTheDocumentedRulesForMissingValuesAndUnseenCategories() throws IOException {
        Path train = csv("pets.csv", "id,colour,size,label", "1,red,1.0,a", "2,blue,2.0,b", "3,red,3.0,a",
                "4,blue,4.0,b", "5,red,1.5,a", "6,blue,3.5,b");
        Run trained = run("train", "--set", "data.path=" + train, "--set", "data.categorical=[colour]",
                "--set", "data.id_columns=[id]", "--set", "network.layers=3,4:tanh,2:softmax",
                "--set", "network.loss=cross_entropy", "--set", "optimizer.learning_rate=0.1",
                "--set", "training.epochs=30", "--set", "output.model_path=" + dir.resolve("pets"));
        assertEquals(0, trained.exitCode(), trained.err());
        assertTrue(trained.out().contains("\non the training rows (no validation rows):\nclass "), trained.out());
        Path rows = csv("new.csv", "id,colour,size", "10,red,1.0", "11,green,4.0", "12,blue,");
        Run predict = run("predict", "--model", dir.resolve("pets").toString(), "--data", rows.toString(),
                "--output", dir.resolve("out").toString(), "--output-format", "csv");
        assertEquals(0, predict.exitCode(), predict.err());
        Run json = run("predict", "--model", dir.resolve("pets").toString(), "--data", rows.toString(),
                "--output", dir.resolve("out-json").toString(), "--output-format", "json");
        assertEquals("error: output format must be parquet or csv, got 'json'", json.err().strip());
        assertTrue(predict.lastLine().endsWith("(csv); 1 row has null predictions: a feature is missing or not finite,"
                + " or a CSV line has another number of fields"), predict.lastLine());
        List<Row> out = SparkTestSession.spark().read().option("header", true).option("inferSchema", true)
                .csv(dir.resolve("out").toString()).orderBy("id").collectAsList();
        assertEquals(List.of(10, 11, 12), out.stream().map(r -> r.getInt(0)).toList());
        assertEquals("a", out.get(0).getString(1), "a small red one was class a in training");
        assertTrue(out.get(1).getString(1) != null, "an unseen colour counts as no colour, not as an error");
        assertTrue(out.get(2).isNullAt(1), "a missing size gives a null prediction");
        assertTrue(out.get(2).isNullAt(2));
    }

    /** A header with every kind of name Spark can hold, as real data brings them (R's "x.1", spaces, #, quotes ...). */
    static final List<String> ODD_NAMES = List.of("row.id", "x.1", "x.box", "a b", "#n", "say \"hi\"", "back`tick",
            "größe", "1st", "w.t", "the.label");

    /** Rows of {@link #ODD_NAMES}: the class is "big" when x.1 + (x.box is "p" ? 2 : 0) > 5. */
    private Path oddlyNamedCsv(String name, int rows) throws IOException {
        List<String> lines = new ArrayList<>(List.of(String.join(",", ODD_NAMES)));
        java.util.Random random = new java.util.Random(rows);
        for (int i = 0; i < rows; i++) {
            double x1 = Math.round(random.nextDouble() * 1000) / 100.0;
            String box = random.nextBoolean() ? "p" : "q";
            String label = x1 + (box.equals("p") ? 2 : 0) > 5 ? "big" : "small";
            lines.add(String.join(",", "r" + i, Double.toString(x1), box, Integer.toString(random.nextInt(5)),
                    Integer.toString(i % 3), Double.toString(random.nextDouble()), Integer.toString(i % 2),
                    Double.toString(random.nextGaussian()), Integer.toString(i % 4), "1.0", label));
        }
        return csv(name, lines.toArray(new String[0]));
    }

    @Test
    void anyColumnNameSparkCanHoldTrainsEvaluatesAndPredicts() throws IOException {
        Path data = oddlyNamedCsv("odd.csv", 60);
        assertEquals(ODD_NAMES, List.of(SparkTestSession.spark().read().option("header", true).csv(data.toString())
                .columns()), "Spark reads the names as written");
        Path model = dir.resolve("odd-model");
        Run train = run("train", "--set", "data.path=" + data, "--set", "data.label=the.label",
                "--set", "data.categorical=[\"x.box\"]", "--set", "data.id_columns=[\"row.id\", \"a b\"]",
                "--set", "data.weight=w.t", "--set", "network.layers=8,8:tanh,2:softmax",
                "--set", "network.loss=cross_entropy", "--set", "optimizer.learning_rate=0.05",
                "--set", "training.epochs=30", "--set", "data.validation_fraction=0.2",
                "--set", "output.model_path=" + model);
        assertEquals(0, train.exitCode(), train.out() + train.err());
        assertTrue(train.lastLine().startsWith("final train_loss="), train.lastLine());

        Run evaluate = run("evaluate", "--model", model.toString(), "--data", data.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.out() + evaluate.err());
        double accuracy = Double.parseDouble(evaluate.lastLine().replaceAll(".* accuracy=(\\S+) .*", "$1"));
        assertTrue(accuracy > 0.8, evaluate.lastLine());

        Run predict = run("predict", "--model", model.toString(), "--data", data.toString(),
                "--output", dir.resolve("odd-predictions").toString());
        assertEquals(0, predict.exitCode(), predict.out() + predict.err());
        Dataset<Row> predictions = SparkTestSession.spark().read().parquet(dir.resolve("odd-predictions").toString());
        assertEquals(List.of("row.id", "a b", "prediction", "probability_big", "probability_small"),
                List.of(predictions.columns()));
        assertEquals(60, predictions.count());
        assertEquals("r0", predictions.collectAsList().stream().map(r -> r.getString(0)).sorted().findFirst()
                .orElseThrow());

        // The Spark ML model of a CLI-trained model reads the same named columns
        Dataset<Row> rows = SparkTestSession.spark().read().option("header", true).option("inferSchema", true)
                .csv(data.toString());
        Dataset<Row> transformed = dev.sparkprop.driver.ml.SparkpropClassificationModel.load(model.toString())
                .setPredictionCol("p.class").transform(rows);
        assertEquals(60, transformed.where(dev.sparkprop.driver.spark.Columns.col("p.class").isNotNull()).count());
    }

    @Test
    void anAutoInputWidthComesFromTheEncodedDataAndIsPrintedAndSaved() throws IOException {
        Path train = csv("pets.csv", "colour,size,label", "red,1.0,a", "blue,2.0,b", "red,3.0,a", "green,4.0,b",
                "red,1.5,a", "blue,3.5,b");
        Run trained = run("train", "--set", "data.path=" + train, "--set", "data.categorical=[colour]",
                "--set", "network.layers=auto,4:tanh,2:softmax", "--set", "network.loss=cross_entropy",
                "--set", "training.epochs=2", "--set", "output.model_path=" + dir.resolve("pets"));
        assertEquals(0, trained.exitCode(), trained.err());
        // 1 numeric input and 3 colours
        assertTrue(trained.out().contains("network.layers = \"4,4:tanh,2:softmax\""), trained.out());
        assertFalse(trained.out().contains("auto,"), trained.out());
        String metadata = Files.readString(dir.resolve("pets/metadata.json"));
        assertTrue(metadata.matches("(?s).*\"layers\"\\s*:\\s*\"4,4:tanh,2:softmax\".*"), metadata);
        assertFalse(metadata.contains("auto,"), metadata);
        Run evaluate = run("evaluate", "--model", dir.resolve("pets").toString(), "--data", train.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.err());
    }

    @Test
    void earlyStoppingKeepsTheBestEpochAndStopsAfterThePatience() {
        Run r = run(iris("--set", "training.epochs=300", "--set", "optimizer.learning_rate=0.3",
                "--set", "training.early_stopping.patience=3"));
        assertEquals(0, r.exitCode(), r.err());
        String kept = r.out().lines().filter(l -> l.startsWith("early stopping: keeping epoch")).findFirst()
                .orElseThrow(() -> new AssertionError(r.out()));
        int best = Integer.parseInt(kept.replaceAll("early stopping: keeping epoch (\\d+),.*", "$1"));
        int epochs = Integer.parseInt(r.lastLine().replaceAll(".* epochs=(\\d+) .*", "$1"));
        assertEquals(best + 3, epochs, "stopped three epochs after the best one: " + r.lastLine());
        assertTrue(epochs < 300, r.lastLine());
        assertTrue(kept.endsWith("(stopped after epoch " + epochs + ")"), kept);
    }

    @Test
    void digitsRunShowsOneLinePerEpochAndNoLinePerIterationAndRecordsEveryStep() throws IOException {
        Path model = dir.resolve("digits");
        Run r;
        List<String> logged;
        try (ShownLogs logs = new ShownLogs()) {
            r = run("train", "--config", Path.of("..", "conf", "examples", "digits.conf").toAbsolutePath().toString(),
                    "--set", "data.path=" + SparkTestSession.dataset("digits.csv"), "--set", "training.epochs=3",
                    "--set", "output.model_path=" + model);
            logged = logs.events();
        }
        assertEquals(0, r.exitCode(), r.out() + r.err());
        java.util.regex.Matcher fin = java.util.regex.Pattern.compile(" iterations=(\\d+) seconds=(\\S+)$")
                .matcher(r.lastLine());
        assertTrue(fin.find(), r.lastLine());
        int iterations = Integer.parseInt(fin.group(1));
        assertEquals(3 * 22, iterations, "1366 training rows in batches of 64");
        List<String> epochLines = r.out().lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(3, epochLines.size(), r.out());
        assertTrue(epochLines.stream().allMatch(l -> l.contains(" train_loss=") && l.contains(" seconds=")),
                epochLines.toString());
        String console = r.out() + String.join("\n", logged);
        assertFalse(console.matches("(?s).*\\biteration \\d+.*"), "no line per iteration: " + console);
        // Not a terminal here: a progress line at most every 10 s, besides the few lines of the start.
        double seconds = Double.parseDouble(fin.group(2));
        assertTrue(logged.size() <= 4 + seconds / 10, logged.toString());

        // steps.csv: one row per iteration, whose losses make each epoch's train_loss as the loop sums them.
        List<DistributedTrainer.Iteration> steps = StepsCsv.parse(
                Files.readString(model.resolve("report/steps.csv")), "steps.csv");
        assertEquals(iterations, steps.size());
        List<EpochRecord> history = ModelDirectory.read(model.toString(), new org.apache.hadoop.conf.Configuration())
                .metadata().history();
        for (EpochRecord epoch : history) {
            List<DistributedTrainer.Iteration> its = steps.stream().filter(s -> s.epoch() + 1 == epoch.epoch())
                    .toList();
            double loss = 0;
            double stepSeconds = 0;
            long rows = 0;
            for (DistributedTrainer.Iteration it : its) {
                loss += it.loss() / its.size();
                stepSeconds += it.seconds();
                rows += it.rows();
            }
            assertEquals(22, its.size());
            assertEquals(epoch.metrics().get("train_loss"), loss, "epoch " + epoch.epoch());
            assertEquals(epoch.trainRowsPerSecond(), rows / stepSeconds, "epoch " + epoch.epoch());
            assertTrue(epoch.seconds() > stepSeconds, "the epoch's time includes its validation pass");
        }

        String page = Files.readString(model.resolve("report/report.html"));
        assertTrue(page.contains("The saved model is <strong>epoch 3</strong>: the last epoch (no early stopping)."),
                page);
        assertTrue(page.contains("<h2>Per class</h2>\n<p class=\"muted\">The saved model on the validation rows"), page);
        for (int c = 0; c < 10; c++) {
            assertTrue(page.contains("<tr><td>" + c + "</td><td>"), "class " + c + ": " + page);
        }
        assertTrue(page.contains("<h2>Time</h2>\n<p>3 epochs in "), page);
        assertTrue(page.contains("<tr><td>network.layers</td><td>&quot;64,64:relu,10:softmax&quot;</td></tr>"), page);
    }

    @Test
    void resumeRefusesAnotherNetworkOrOptimizerStateOrNoPathInOneLineBeforeAnyOutput() {
        Path checkpoints = dir.resolve("checkpoints");
        Run train = run(iris("--set", "training.epochs=2", "--set", "training.checkpoint.path=" + checkpoints));
        assertEquals(0, train.exitCode(), train.out() + train.err());
        // Fewer epochs than the checkpoint has trained would end at once with a model of more than it says
        Run fewer = run("train", "--resume", checkpoints.toString(), "--set", "training.epochs=1", "--set",
                "output.overwrite=true");
        assertEquals(2, fewer.exitCode(), fewer.out() + fewer.err());
        assertEquals("error: training.epochs = 1 on resume, but the checkpoint has trained 2 epochs; give 2 or more"
                + " (2 writes the model it holds)", fewer.err().strip());
        assertEquals("", fewer.out(), "no training output");
        Run other = run("train", "--resume", checkpoints.toString(), "--set", "network.layers=4,4:relu,3:softmax",
                "--set", "output.overwrite=true");
        assertEquals(2, other.exitCode(), other.out() + other.err());
        assertEquals("error: network.layers cannot change on resume; the checkpoint has 4,8:tanh,3:softmax",
                other.err().strip());
        assertEquals("", other.out(), "no training output");
        // An optimizer, or local steps, whose state is not the checkpoint's: also refused before the data is read
        // (outer average keeps no state, so local steps alone would resume)
        // An optimizer.kind whose state has the checkpoint's length but is another's: adam keeps 2n values, as
        // adagrad (n) with outer Nesterov (n) would
        for (List<String> change : List.of(List.of("--set", "optimizer.kind=sgd"),
                List.of("--set", "training.local_steps=4", "--set", "training.outer_optimizer=nesterov"),
                List.of("--set", "optimizer.kind=adagrad", "--set", "training.local_steps=4", "--set",
                        "training.outer_optimizer=nesterov"))) {
            List<String> args = new ArrayList<>(List.of("train", "--resume", checkpoints.toString(), "--set",
                    "output.overwrite=true"));
            args.addAll(change);
            Run state = run(args.toArray(new String[0]));
            assertEquals(2, state.exitCode(), state.out() + state.err());
            assertTrue(state.err().startsWith("error: the checkpoint's optimizer state is that of optimizer.kind ="
                    + " adam(") && state.err().contains(" with training.local_steps = 1, which cannot change on"
                    + " resume"), state.err());
            assertEquals("", state.out(), "no training output");
        }
        Run none = run("train", "--resume", "");
        assertEquals(2, none.exitCode(), none.out() + none.err());
        assertEquals("error: --resume needs a checkpoint path", none.err().strip());
    }
}
