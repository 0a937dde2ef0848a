package dev.sparkprop.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.ShownLogs;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad data ends in one message: exit code 2, one line on stderr, no stack trace,
 * no Spark task failed (Spark would log an ERROR and a stack trace for it), and nothing written.
 */
class BadDataTest {

    private static final String NET = "network.layers=2,4:tanh,2:softmax";
    private static final String CE = "network.loss=cross_entropy";

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    /** A model of (a, b) → label, for evaluate and predict. */
    private static Path model;

    @BeforeAll
    static void trainAModel() throws IOException {
        Path data = Files.write(shared.resolve("good.csv"), List.of("a,b,label", "1,2,0", "2,1,1", "3,3,0", "4,1,1"));
        model = shared.resolve("model");
        MainTest.Run r = MainTest.run("train", "--set", "data.path=" + data, "--set", NET, "--set", CE,
                "--set", "training.epochs=2", "--set", "output.model_path=" + model);
        assertEquals(0, r.exitCode(), r.out() + r.err());
    }

    /** The input files a test wrote; anything else in its directory was written by sparkprop. */
    private final List<String> inputs = new ArrayList<>();

    private Path csv(String name, String... lines) throws IOException {
        inputs.add(name);
        return Files.write(dir.resolve(name), List.of(lines));
    }

    /** Runs a command that must fail on bad data and returns its one message, without "error: ". */
    private String fails(String... args) {
        long failedBefore = SparkTestSession.failedTasks();
        MainTest.Run r = MainTest.run(args);
        assertEquals(2, r.exitCode(), r.out() + r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        assertTrue(lines.get(0).startsWith("error: "), r.err());
        assertEquals(failedBefore, SparkTestSession.failedTasks(), "no Spark task may fail: " + r.err());
        try (Stream<Path> written = Files.list(dir)) {
            List<String> names = written.map(p -> p.getFileName().toString()).filter(n -> !inputs.contains(n)).toList();
            assertEquals(List.of(), names, "nothing written: no model, no report, no output");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return lines.get(0).substring("error: ".length());
    }

    private String trainFails(Path data, String... overrides) {
        List<String> args = new ArrayList<>(List.of("train", "--set", "data.path=" + data, "--set", NET, "--set", CE,
                "--set", "output.model_path=" + dir.resolve("model")));
        for (String o : overrides) {
            args.add("--set");
            args.add(o);
        }
        return fails(args.toArray(new String[0]));
    }

    @Test
    void aFileThatNoLongerMatchesItsChecksumFileSaysSoAndHowToGoOn() throws IOException {
        Path data = csv("summed.csv", "a,b,label", "1,2,0", "2,1,1", "3,3,0");
        // Hadoop's .crc format: "crc\0", bytes per checksum, then a CRC-32 per chunk (here a wrong one)
        inputs.add(".summed.csv.crc");
        Files.write(dir.resolve(".summed.csv.crc"), new byte[] {'c', 'r', 'c', 0, 0, 0, 2, 0, 0, 0, 0, 1});
        String message = trainFails(data);
        assertTrue(message.startsWith("cannot read '" + data + "': a file does not match the Hadoop checksum file"
                + " (.<name>.crc) beside it (Checksum error: "), message);
        assertTrue(message.endsWith("so it changed after it was written; if the data is right, delete the .crc file,"
                + " else write the data again"), message);
    }

    @Test
    void aRegressionWhoseOutputsAreNotOnePerLabelColumnIsRefusedBeforeTraining() throws IOException {
        Path data = csv("targets.csv", "a,b,y,w", "1,2,0.5,1", "2,1,1.5,2", "3,3,2.5,1");
        // The extra output would have trained on the column after the label in a row: the weight, or the row key
        assertEquals("data.label names 1 column ['y'] but network.layers ends in 2 outputs, one per label column; end"
                + " it with 1:identity, or name 2 label columns", trainFails(data, "data.label=y", "data.weight=w",
                "network.layers=auto,4:tanh,2:identity", "network.loss=mse"));
        assertEquals("data.label names 2 columns ['y', 'b'] but network.layers ends in 1 output, one per label column;"
                + " end it with 2:identity, or name 1 label column", trainFails(data, "data.label=[y,b]",
                "network.layers=auto,4:tanh,1:identity", "network.loss=mse"));
        assertEquals("data.label names 1 column ['y'] but network.layers ends in 3 outputs, one per label column; end"
                + " it with 1:sigmoid, or name 3 label columns", trainFails(data, "data.label=y",
                "network.layers=auto,3:sigmoid", "network.loss=binary_cross_entropy"));
    }

    @Test
    void aMissingFeatureValueNamesTheColumnAndTheFix() throws IOException {
        assertEquals("in the training data, feature column 'b' has missing values in 1 row. Drop or fill such rows,"
                + " or train with data.missing = \"drop\" or \"impute\".",
                trainFails(csv("missing.csv", "a,b,label", "1,2,0", "2,,1", "3,3,0")));
    }

    @Test
    void aNaNFeatureNamesTheColumn() throws IOException {
        assertEquals("in the training data, feature column 'b' has NaN or infinite values in 1 row (e.g. NaN). Drop or"
                + " fill such rows, or train with data.missing = \"drop\" or \"impute\".",
                trainFails(csv("nan.csv", "a,b,label", "1,2,0", "2,NaN,1", "3,3,0")));
    }

    @Test
    void infiniteFeaturesAreCountedWithTheirColumn() throws IOException {
        String message = trainFails(csv("inf.csv", "a,b,label", "1,Inf,0", "2,-Inf,1", "3,3,0"),
                "data.standardize=false");
        assertTrue(message.startsWith("in the training data, feature column 'b' has NaN or infinite values in 2 rows"
                + " (e.g. Infinity)"), message);
    }

    @Test
    void textInANumericColumnIsCountedAndShownInEveryColumnThatHasIt() throws IOException {
        // A typo, and infinity as numpy writes it: Spark reads both columns as text
        Path data = csv("typo.csv", "a,b,label", "1,2,0", "abc,1,1", "3,inf,0", "4,1,1", "x,2,0", "6,3,1");
        assertEquals("in the training data, feature column 'a' has text where numbers belong in 2 rows (e.g. 'abc');"
                + " feature column 'b' has text where numbers belong in 1 row (e.g. 'inf'). Correct such values"
                + " (numbers, NaN, Inf or -Inf as Spark spells them; a missing value is empty in CSV, null in JSON), or"
                + " list the column in data.categorical if it holds categories.", trainFails(data));
    }

    @Test
    void aTextColumnOfCategoriesIsToldToBeListedAsCategorical() throws IOException {
        // One number among the categories does not make it a numeric column
        assertEquals("feature column 'b' has type string; list it in data.categorical to one-hot encode it, or"
                + " leave it out of the features (data.exclude, or data.features when it lists them)",
                trainFails(csv("colours.csv", "a,b,label", "1,red,0", "2,3,1", "3,blue,0", "4,red,1")));
    }

    @Test
    void everyProblemOfTheDataIsInTheOneMessageInTheOrderOfTheRows() throws IOException {
        assertEquals("in the training data, feature column 'a' has missing values in 2 rows; feature column 'b' has"
                + " NaN or infinite values in 1 row (e.g. NaN); weight column 'w' has negative weights in 1 row"
                + " (e.g. -2.0). Drop or fill such rows, or train with data.missing = \"drop\" or \"impute\". Row"
                + " weights must be 0 or more.",
                trainFails(csv("several.csv", "a,b,w,label", ",1,1,0", "2,NaN,1,1", "3,3,-2,0", ",4,1,1", "5,5,1,0"),
                        "data.weight=w", "spark.partitions=3"));
    }

    @Test
    void aNaNOrInfiniteClassLabelIsBadDataNotAClass() throws IOException {
        // Not "3 classes [0, 1, NaN]", which asked for a third softmax unit and then trained NaN as a class
        String message = trainFails(csv("nan-label.csv", "a,b,label", "1,2,0", "2,1,1", "3,3,NaN", "4,1,1", "5,2,Inf",
                "6,1,0"));
        assertTrue(message.startsWith("in the training data, label column 'label' has NaN or infinite values in 2"
                + " rows"), message);
        assertTrue(message.contains("never labels"), message);
    }

    @Test
    void aNaNClassLabelInEvaluatedRowsIsBadDataNotAnUnknownClass() throws IOException {
        String message = fails("evaluate", "--model", model.toString(), "--data",
                csv("evaluated-nan-label.csv", "a,b,label", "1,2,0", "2,1,NaN", "3,3,1").toString());
        assertTrue(message.contains("label column 'label' has NaN or infinite values in 1 row"), message);
    }

    @Test
    void aMissingLabelWithAValidationSplitIsStillTheDataProblem() throws IOException {
        // The fit's failure after a split is looked into for classes split off; a missing label is not one
        List<String> lines = new ArrayList<>(List.of("a,b,label"));
        for (int i = 0; i < 30; i++) {
            lines.add(i + "," + (i % 5) + "," + (i % 6 == 0 ? "" : String.valueOf(i % 2)));
        }
        String message = trainFails(csv("unlabelled-rows.csv", lines.toArray(new String[0])),
                "data.validation_fraction=0.3");
        assertTrue(message.contains("label column 'label' has missing values"), message);
    }

    @Test
    void aNegativeWeightNamesTheWeightColumn() throws IOException {
        String message = trainFails(csv("weights.csv", "a,b,w,label", "1,2,1,0", "2,1,-1,1", "3,3,1,0"),
                "data.weight=w", "data.standardize=false");
        assertEquals("in the training data, weight column 'w' has negative weights in 1 row (e.g. -1.0). Row weights"
                + " must be 0 or more.", message);
    }

    @Test
    void aColumnTooLargeToStandardizeNamesTheColumnAndTheFix() throws IOException {
        String message = trainFails(csv("big.csv", "a,big,label", "1,1e308,0", "2,-1e308,1", "3,5e307,0"));
        assertEquals("feature column 'big' holds values so large that their mean or standard deviation overflows a"
                + " double (beyond ±1.8e308), so standardizing it would give NaN; rescale or log-transform it, or"
                + " exclude it (data.exclude)", message);
    }

    @Test
    void aValueFloat32CannotHoldNamesTheColumn() throws IOException {
        String message = trainFails(csv("float.csv", "a,big,label", "1,1e39,0", "2,2,1", "3,3,0"),
                "data.standardize=false");
        assertEquals("in the training data, feature column 'big' has values beyond float32's range (±3.4e38) in 1 row"
                + " (e.g. 1.0E39), which training.precision = float32 would cache as infinite. Rescale or"
                + " log-transform the column, standardize it (data.standardize = true), or train with"
                + " training.precision = float64.", message);
    }

    @Test
    void aMissingPathIsOneMessageNamingItsKeyWithNoStackTraceLoggedBeforeIt() throws IOException {
        Path good = csv("good.csv", "a,b,label", "1,2,0", "2,1,1", "3,3,0", "4,1,1");
        String missing = dir.resolve("nothere.csv").toString();
        List<String> logged;
        try (ShownLogs logs = new ShownLogs()) {
            assertEquals("data.path '" + missing + "' does not exist; check the path", trainFails(Path.of(missing)));
            assertEquals("data.validation_path '" + missing + "' does not exist; check the path",
                    trainFails(good, "data.validation_path=" + missing));
            assertEquals("--data '" + missing + "' does not exist; check the path",
                    fails("evaluate", "--model", model.toString(), "--data", missing));
            assertEquals("--data '" + missing + "' does not exist; check the path", fails("predict", "--model",
                    model.toString(), "--data", missing, "--output", dir.resolve("out").toString()));
            // A relative path: from where
            assertEquals("data.path 'nothere/x.csv' does not exist (a relative path, read as file:"
                    + Path.of("nothere/x.csv").toAbsolutePath() + "); check the path",
                    trainFails(Path.of("nothere/x.csv")));
            logged = logs.events();
        }
        // Spark logs a warning with the exception's stack trace while it looks for a missing path
        assertEquals(List.of(), logged.stream().flatMap(String::lines).filter(l -> l.matches("\\s+at .*")).toList(),
                String.join("\n", logged));
    }

    @Test
    void aBinaryFileGivenAsDataHasTheBytesOfItsColumnNamesEscapedInTheMessage() throws IOException {
        inputs.add("weights.bin");
        Path data = Files.write(dir.resolve("weights.bin"),
                new byte[] {'x', 0, 1, 0x1b, ',', 'y', 0x7f, '\n', '1', ',', '2', '\n'});
        String message = trainFails(data);
        assertTrue(message.contains("its columns are ['x\\u0000\\u0001\\u001B', 'y\\u007F']"), message);
        assertTrue(message.chars().noneMatch(Character::isISOControl), message);
        assertTrue(message.endsWith("; the names hold control characters: is the file text (a CSV), and of the format"
                + " the job says?"), message);
    }

    @Test
    void aDuplicateHeaderNameIsAnErrorNamingIt() throws IOException {
        Path data = csv("twice.csv", "a,a,label", "1,2,0", "2,1,1");
        assertEquals("the CSV header of '" + data + "' names column 'a' twice (columns 1 and 2); rename one of them",
                trainFails(data));
    }

    @Test
    void linesWithTheWrongNumberOfFieldsAreCountedAndShown() throws IOException {
        Path data = csv("ragged.csv", "a,b,label", "1,2,0", "2,1,1,9", "3,3", "4,1,1", "5,2,0");
        String expected = "2 lines are malformed, not splitting into the data's columns (e.g. '2,1,1,9'). Check the"
                + " data format: for csv, data.csv.delimiter, the number of fields and the quoting of such lines; for"
                + " json, one object per line.";
        assertEquals("in the training data, " + expected, trainFails(data));
        assertEquals("in the training data, " + expected, trainFails(data, "data.standardize=false"),
                "without a statistics pass, the pass that caches the rows finds them");
        // The only line of class 1 is malformed: the lines, not 'only the class [0]', are the problem
        Path oneClassLeft = csv("ragged1.csv", "a,b,label", "1,2,0", "3,4", "5,6,0", "7,8,1,9");
        assertEquals("in the training data, 2 lines are malformed, not splitting into the data's columns (e.g."
                + " '3,4'). Check the data format: for csv, data.csv.delimiter, the number of fields and the quoting"
                + " of such lines; for json, one object per line.", trainFails(oneClassLeft));
        assertEquals("in '" + data + "', " + expected,
                fails("evaluate", "--model", model.toString(), "--data", data.toString()));
        // Under a validation split too, wherever the split puts those lines: they hold the only rows of class 1
        // (training.seed's split puts one in each part: counted in the training part alone, the message said 1 line)
        List<String> lines = new ArrayList<>(List.of("a,b,label"));
        for (int i = 0; i < 40; i++) {
            lines.add(i + "," + (i % 7) + ",0");
        }
        lines.add("3,4,1,9");
        lines.add("5,6,1,9");
        String splitMessage = trainFails(csv("ragged-split.csv", lines.toArray(String[]::new)),
                "data.validation_fraction=0.5");
        assertTrue(splitMessage.startsWith("in the training data, 2 lines are malformed, not splitting into the data's"
                + " columns (e.g. '3,4,1,9')"), splitMessage);

        // Predictions keep every line, and a malformed one gets nulls, as a row without its features does
        MainTest.Run predict = MainTest.run("predict", "--model", model.toString(), "--data", data.toString(),
                "--output", dir.resolve("out").toString(), "--output-format", "csv");
        assertEquals(0, predict.exitCode(), predict.err());
        List<org.apache.spark.sql.Row> rows = SparkTestSession.spark().read().option("header", true)
                .csv(dir.resolve("out").toString()).collectAsList();
        assertEquals(5, rows.size());
        assertEquals(2, rows.stream().filter(r -> r.isNullAt(0)).count(), rows.toString());
    }

    @Test
    void aLineThatIsNotAJsonObjectIsCountedAndShown() throws IOException {
        Path data = csv("rows.json", "{\"a\": 1, \"b\": 2, \"label\": 0}", "{\"a\": 2, \"b\": 1, \"label\": 1",
                "{\"a\": 3, \"b\": 3, \"label\": 0}", "{\"a\": 4, \"b\": 1, \"label\": 1}");
        String message = trainFails(data, "data.format=json");
        assertTrue(message.startsWith("in the training data, 1 line is malformed, not splitting into the data's columns"
                + " (e.g. '{\"a\": 2, \"b\": 1, \"label\": 1')"), message);
    }

    @Test
    void csvFilesWhoseHeadersDifferAreRefusedNamingAFileRatherThanReadByPosition() throws IOException {
        Files.createDirectories(dir.resolve("drift"));
        inputs.add("drift");
        Path drift = dir.resolve("drift");
        csv("drift/part-0.csv", "x1,x2,label", "1,2,0", "2,1,1");
        csv("drift/part-1.csv", "x2,x1,label", "2,1,0", "1,2,1");
        assertEquals("the CSV files of '" + drift + "' have 2 different headers: 'x1,x2,label' ('"
                + drift.resolve("part-0.csv") + "') and 'x2,x1,label' ('" + drift.resolve("part-1.csv") + "'); Spark"
                + " would read every file's columns in the order of one of them. Give every file the same header, or"
                + " keep other files out of the directory", trainFails(drift));
        // Headers that split alike agree (quoting, a byte order mark, gzip), and an empty file has none
        csv("drift/part-1.csv", "\uFEFF\"x1\",x2,\"label\"", "2,1,0", "1,2,1");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(drift.resolve("part-2.csv.gz")))) {
            gz.write("x1,x2,label\n3,1,0\n1,3,1\n".getBytes(StandardCharsets.UTF_8));
        }
        csv("drift/part-3.csv");
        MainTest.Run trained = MainTest.run("train", "--set", "data.path=" + drift, "--set", NET, "--set", CE,
                "--set", "training.epochs=1", "--set", "output.model_path=" + dir.resolve("drift-model"));
        assertEquals(0, trained.exitCode(), trained.out() + trained.err());
        assertTrue(trained.out().contains(" on 6 rows in "), trained.out());
        inputs.add("drift-model");
        // A file of prose among the parts is named too, rather than read as a header and a row
        csv("drift/README.txt", "These files hold the drift data.", "Columns: x1, x2, label.");
        assertEquals("the CSV files of '" + drift + "' have 2 different headers: 'These files hold the drift data.'"
                + " ('" + drift.resolve("README.txt") + "') and 'x1,x2,label' (3 files, e.g. '"
                + drift.resolve("part-0.csv") + "'); Spark would read every file's columns in the order of one of"
                + " them. Give every file the same header, or keep other files out of the directory",
                trainFails(drift));
    }

    @Test
    void parquetDataWithAColumnOfEveryTypeItHoldsIsReadWhateverColumnsTrain() {
        Path data = dir.resolve("every-type.parquet");
        SparkTestSession.spark().sql("select true as b, cast(id as tinyint) as i8, cast(id as smallint) as i16,"
                + " cast(id as int) as i32, id as i64, cast(id as float) as f32, cast(id as double) as f64,"
                + " cast(id as decimal(10, 2)) as dec, 'x' as str, cast('x' as binary) as bin, date'2026-01-01' as"
                + " day, timestamp_seconds(id) as ts, cast(timestamp_seconds(id) as timestamp_ntz) as ntz,"
                + " array(1.0, 2.0) as arr, map('k', id) as m, named_struct('x', id) as st, id % 2 as label"
                + " from range(8)").write().parquet(data.toString());
        long failedBefore = SparkTestSession.failedTasks();
        MainTest.Run trained = MainTest.run("train", "--set", "data.path=" + data, "--set", "data.format=parquet",
                "--set", "data.features=[i32,f64]", "--set", NET, "--set", CE, "--set", "training.epochs=1",
                "--set", "output.model_path=" + dir.resolve("every-type-model"));
        assertEquals(0, trained.exitCode(), trained.out() + trained.err());
        assertEquals(failedBefore, SparkTestSession.failedTasks(), "no Spark task may fail: " + trained.err());
        inputs.add("every-type.parquet");
        inputs.add("every-type-model");
    }

    @Test
    void parquetColumnsWhoseNamesDifferOnlyInCaseAreNamedAsSuchRatherThanAsAWrongPathOrFormat() {
        Path data = dir.resolve("cased.parquet");
        inputs.add("cased.parquet");
        org.apache.spark.sql.SparkSession spark = SparkTestSession.spark();
        spark.conf().set("spark.sql.caseSensitive", "true");
        try {
            spark.sql("select id as A, id as a, id % 2 as label from range(4)").write().parquet(data.toString());
        } finally {
            spark.conf().unset("spark.sql.caseSensitive");
        }
        String message = trainFails(data, "data.format=parquet");
        assertTrue(message.startsWith("'" + data + "' has two columns of one name to Spark, which matches names"
                + " case-insensitively ([COLUMN_ALREADY_EXISTS]"), message);
        assertTrue(message.endsWith("; rename one of them"), message);
    }

    @Test
    void aColumnOfTimestampsOrArraysIsToldHowToBecomeNumbersNotToBeOneHotEncoded() {
        Path data = dir.resolve("typed.parquet");
        inputs.add("typed.parquet");
        SparkTestSession.spark().sql("select cast(id as double) as a, timestamp_seconds(id * 86400) as ts,"
                + " array(cast(id as double), 2.0) as emb, id % 2 as label from range(4)").write().parquet(data.toString());
        assertEquals("feature column 'ts' has type timestamp; turn it into numbers first (e.g. its unix time, or its"
                + " year, month and day as columns of their own), or leave it out of the features (data.exclude, or"
                + " data.features when it lists them)",
                trainFails(data, "data.format=parquet", "data.features=[a,ts]"));
        assertEquals("feature column 'emb' holds array<double>, which are not categories; remove it from"
                + " data.categorical, and turn it into an ml Vector first (array_to_vector in"
                + " org.apache.spark.ml.functions and pyspark.ml.functions), or leave it out of the features"
                + " (data.exclude, or data.features when it lists them)",
                trainFails(data, "data.format=parquet", "data.features=[a,emb]", "data.categorical=[emb]"));
    }

    @Test
    void aJsonColumnOfQuotedNumbersIsNamedApartFromOneWithText() throws IOException {
        Path data = csv("quoted.json", "{\"a\": \"oops\", \"b\": \"NaN\", \"label\": 0}",
                "{\"a\": 2, \"b\": \"1.5\", \"label\": 1}", "{\"a\": 3, \"b\": \"2\", \"label\": 0}");
        assertEquals("in the training data, feature column 'a' has text where numbers belong in 1 row (e.g. 'oops');"
                + " feature column 'b' holds numbers written as text in 3 rows (e.g. \"NaN\"). Correct such values"
                + " (numbers, NaN, Inf or -Inf as Spark spells them; a missing value is empty in CSV, null in JSON),"
                + " or list the column in data.categorical if it holds categories."
                + " Store them as numbers: a numeric column type, or in JSON without quotes (NaN, Infinity and"
                + " -Infinity too, which Spark reads).", trainFails(data, "data.format=json"));
    }

    @Test
    void aClassTheModelDoesNotKnowAtEvaluateNamesIt() throws IOException {
        Path data = csv("unknown.csv", "a,b,label", "1,2,0", "2,1,7", "3,3,9");
        assertEquals("in '" + data + "', label column 'label' has classes the model does not know in 2 rows (e.g."
                + " '7'); its classes are [0, 1]. Drop such rows, or train on data that has those classes.",
                fails("evaluate", "--model", model.toString(), "--data", data.toString()));
    }

    @Test
    void textInANumericColumnAtEvaluateOrPredictNamesTheColumn() throws IOException {
        Path data = csv("text.csv", "a,b,label", "1,x,0", "2,1,1", "3,?,0");
        String expected = "feature column 'b' has text where the model reads numbers, in 2 rows (e.g. 'x'); correct"
                + " such values (numbers, NaN, Inf or -Inf as Spark spells them; a missing value is empty in CSV, null"
                + " in JSON)";
        assertEquals(expected, fails("evaluate", "--model", model.toString(), "--data", data.toString()));
        assertEquals(expected, fails("predict", "--model", model.toString(), "--data", data.toString(),
                "--output", dir.resolve("out").toString()));
    }

    @Test
    void anOutputThatIsContainsOrIsInsideWhatTheRunReadsIsRefusedAndNothingIsReplaced() throws IOException {
        Path data = csv("data.csv", "a,b,label", "1,2,0", "2,1,1");
        byte[] weights = Files.readAllBytes(model.resolve("weights.bin"));
        String m = model.toString();
        String d = data.toString();
        assertEquals("--output '" + m + "' is --model '" + m + "', which this run reads; choose an output path apart"
                + " from it", fails("predict", "--model", m, "--data", d, "--output", m, "--overwrite"));
        assertEquals("--output '" + d + "' is --data '" + d + "', which this run reads; choose an output path apart"
                + " from it", fails("predict", "--model", m, "--data", d, "--output", d, "--overwrite"));
        assertEquals("--output '" + dir + "' contains --data '" + d + "', which this run reads; choose an output path"
                + " apart from it", fails("predict", "--model", m, "--data", d, "--output", dir.toString(),
                "--overwrite"));
        String inside = model.resolve("predictions").toString();
        assertEquals("--output '" + inside + "' is inside --model '" + m + "', which this run reads; choose an output"
                + " path apart from it", fails("predict", "--model", m, "--data", d, "--output", inside));
        // The same path spelled relative to the working directory is the same path
        String relative = Path.of("").toAbsolutePath().relativize(data).toString();
        assertTrue(fails("predict", "--model", m, "--data", d, "--output", relative, "--overwrite")
                .startsWith("--output '" + relative + "' is --data '" + d + "'"));

        assertEquals("output.model_path '" + d + "' is data.path '" + d + "', which this run reads; choose an output"
                + " path apart from it", trainFails(data, "output.model_path=" + d, "output.overwrite=true"));
        Path validation = shared.resolve("good.csv");
        assertEquals("output.report_path '" + shared + "' contains data.validation_path '" + validation + "', which"
                + " this run reads; choose an output path apart from it", trainFails(data,
                "data.validation_path=" + validation, "output.report_path=" + shared, "output.overwrite=true"));
        // Checkpoints too: written into a data directory, they would be read as data next time; beside
        // a data file, in a directory that contains it, they are subdirectories apart from it
        Path parts = Files.createDirectories(dir.resolve("parts"));
        inputs.add("parts");
        Files.write(parts.resolve("part-0.csv"), List.of("a,b,label", "1,2,0", "2,1,1"));
        assertEquals("training.checkpoint.path '" + parts.resolve("ck") + "' is inside data.path '" + parts + "', which"
                + " this run reads; its checkpoints would be read as data: choose a path apart from it",
                trainFails(parts, "training.checkpoint.path=" + parts.resolve("ck")));
        assertEquals("training.checkpoint.path '" + parts + "' is data.path '" + parts + "', which this run reads;"
                + " its checkpoints would be read as data: choose a path apart from it",
                trainFails(parts, "training.checkpoint.path=" + parts));
        Path checkpoints = dir.resolve("model/checkpoints");
        assertEquals("output.model_path '" + dir.resolve("model") + "' contains training.checkpoint.path '"
                + checkpoints + "'; writing it would delete the checkpoints, so choose another path",
                trainFails(data, "training.checkpoint.path=" + checkpoints));
        assertEquals(List.of("a,b,label", "1,2,0", "2,1,1"), Files.readAllLines(data), "the data is kept");
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(model.resolve("weights.bin"))), "the model too");
    }

    /** Iris's features assembled into one Vector column of {@code columns}, saved as Parquet in the test's directory. */
    private Path irisVectors(String name, String... columns) {
        inputs.add(name);
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> iris = SparkTestSession.spark().read()
                .option("header", true).option("inferSchema", true).csv(SparkTestSession.dataset("iris.csv"));
        new org.apache.spark.ml.feature.VectorAssembler().setInputCols(columns).setOutputCol("features")
                .transform(iris).select("features", "label").write().parquet(dir.resolve(name).toString());
        return dir.resolve(name);
    }

    @Test
    void featureVectorsOfAnotherSizeThanTheModelsAreRefusedBeforeAnyRowWhenTheSchemaSaysTheirSize() {
        Path four = irisVectors("four.parquet", "x1", "x2", "x3", "x4");
        Path three = irisVectors("three.parquet", "x1", "x2", "x3");
        inputs.add("vector-model");
        MainTest.Run train = MainTest.run("train", "--set", "data.path=" + four, "--set", "data.format=parquet",
                "--set", "data.features=[features]", "--set", "network.layers=auto,3:softmax", "--set", CE,
                "--set", "training.epochs=1", "--set", "output.model_path=" + dir.resolve("vector-model"));
        assertEquals(0, train.exitCode(), train.out() + train.err());
        String expected = "feature column 'features' must hold vectors of 4 values, but its schema metadata says its"
                + " vectors hold 3; assemble the features the model was trained on";
        String model = dir.resolve("vector-model").toString();
        assertEquals(expected, fails("predict", "--model", model, "--data", three.toString(), "--output",
                dir.resolve("out").toString()));
        assertEquals(expected, fails("evaluate", "--model", model, "--data", three.toString()));

        // Without the schema's size, predict finds them in its pass and writes nothing rather than nulls
        Path bare = dir.resolve("bare.parquet");
        inputs.add("bare.parquet");
        SparkTestSession.spark().read().parquet(three.toString())
                .select(org.apache.spark.sql.functions.col("features").as("features",
                        org.apache.spark.sql.types.Metadata.empty()), org.apache.spark.sql.functions.col("label"))
                .write().parquet(bare.toString());
        String message = fails("predict", "--model", model, "--data", bare.toString(), "--output",
                dir.resolve("out").toString());
        assertTrue(message.startsWith("in --data '" + bare + "', feature column 'features' must hold vectors of 4"
                + " values, but 150 rows hold other values (e.g. [5.1,3.5,1.4])"), message);
    }

    @Test
    void aCsvWithOnlyItsHeaderLineHasNoRowsForEveryCommand() throws IOException {
        Path data = csv("header.csv", "a,b,label", "");
        String expected = "'" + data + "' has no rows, only a header line";
        assertEquals("--data " + expected, fails("evaluate", "--model", model.toString(), "--data", data.toString()));
        assertEquals("--data " + expected, fails("predict", "--model", model.toString(), "--data", data.toString(),
                "--output", dir.resolve("out").toString()));
        assertEquals("data.path " + expected, trainFails(data));
    }

    @Test
    void parquetReadAsCsvIsNamedAsParquetWithTheSettingThatReadsIt() throws IOException {
        Path data = dir.resolve("good.parquet");
        inputs.add("good.parquet");
        SparkTestSession.spark().read().option("header", true).option("inferSchema", true)
                .csv(csv("good.csv", "a,b,label", "1,2,0", "2,1,1").toString()).write().parquet(data.toString());
        String read = "'" + data + "' is Parquet, but it is read as csv ";
        assertEquals(read + "(the model's data.format); add --format parquet",
                fails("evaluate", "--model", model.toString(), "--data", data.toString()));
        assertEquals(read + "(the model's data.format); add --format parquet", fails("predict", "--model",
                model.toString(), "--data", data.toString(), "--output", dir.resolve("out").toString()));
        assertEquals(read + "(--format); give --format parquet",
                fails("evaluate", "--model", model.toString(), "--data", data.toString(), "--format", "csv"));
        assertEquals(read + "(data.format); set data.format = parquet", trainFails(data));
        // A Parquet validation file beside a CSV data.path: data.format = parquet would not read data.path
        assertEquals(read + "(data.format, which data.path and data.validation_path share);"
                + " give both in one format", trainFails(dir.resolve("good.csv"), "data.validation_fraction=0",
                "data.validation_path=" + data));
    }

    @Test
    void aColumnNotInTheDataIsNamedWithItsRoleAndTheFix() throws IOException {
        Path data = csv("unlabelled.csv", "a,b", "1,2", "2,1");
        assertEquals("label column 'label' is not in --data; its columns are ['a', 'b']; evaluate compares predictions"
                + " with the labels (predict scores rows without them)",
                fails("evaluate", "--model", model.toString(), "--data", data.toString()));
        assertEquals("label column 'label' is not in the data; its columns are ['a', 'b']; correct data.label",
                trainFails(data));
        Path onlyA = csv("only-a.csv", "a", "1", "2");
        assertEquals("feature column 'b' and label column 'label' are not in --data; its columns are ['a']; the model"
                + " reads its features from the columns of those names, as in its training data; give --data with"
                + " them; evaluate compares predictions with the labels (predict scores rows without them)",
                fails("evaluate", "--model", model.toString(), "--data", onlyA.toString()));
    }

    @Test
    void aHeaderReadWrongIsExplainedByWhatItHolds() throws IOException {
        assertEquals("label column 'label' is not in the data; its columns are ['a;b;label']; correct data.label; the"
                + " header was read as one column holding ';': if that is the file's delimiter, read it so"
                + " (data.csv.delimiter = \";\" in a job, --delimiter ';' for evaluate and predict)",
                trainFails(csv("semicolons.csv", "a;b;label", "1;2;0")));
        // Quoted, the names show the spaces after the commas that keep 'label' from matching
        assertEquals("label column 'label' is not in the data; its columns are ['a', ' b', ' label']; correct"
                + " data.label; did you mean ' label'?", trainFails(csv("spaces.csv", "a, b, label", "1, 2, 0",
                "2, 1, 1")));
        // A list given as one name, and a wide table's columns abbreviated
        assertEquals("feature column 'a,b' is not in the data; its columns are ['a', 'b', 'label']; correct"
                + " data.features; 'a,b' is a list written as one name: write a list in brackets, e.g. [a, b]",
                trainFails(csv("list.csv", "a,b,label", "1,2,0", "2,1,1"), "data.features=a,b"));
        StringBuilder header = new StringBuilder();
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            header.append("x").append(i).append(',');
            row.append(i).append(',');
        }
        String message = trainFails(csv("wide.csv", header + "label", row + "0", row + "1"), "data.label=lable");
        assertTrue(message.contains("its columns are ['x0', 'x1', ") && message.contains("'x19', ..., 'x38', 'x39',"
                + " 'label'] (41 columns)") && message.endsWith("did you mean 'label'?"), message);
    }

    @Test
    void numbersWithADecimalCommaAndANumericTargetWithManyValuesAreToldApartFromCategoriesAndClasses()
            throws IOException {
        assertEquals("feature column 'b' has type string; list it in data.categorical to one-hot encode it, or leave"
                + " it out of the features (data.exclude, or data.features when it lists them); its values look like"
                + " numbers written with a comma (e.g. '1,5': a decimal comma or a thousands separator), which"
                + " sparkprop does not read: write them as plain numbers with a decimal point", trainFails(csv("commas.csv", "a;b;label", "1;1,5;0", "2;2,25;1"),
                "data.csv.delimiter=\";\""));
        List<String> rows = new ArrayList<>(List.of("a,b,y"));
        for (int i = 0; i < 30; i++) {
            rows.add(i + "," + (i % 7) + "," + (100 + 3 * i));
        }
        assertEquals("label column 'y' has 30 classes [100, 103, 106, 109, 112, 115, 118, 121,"
                + " 124, 127, 130, 133, 136, 139, 142, 145, 148, 151, 154, 157, ..., 181, 184, 187] (30 classes) but"
                + " the output layer has 2 softmax"
                + " units; its values are numbers, 30 of them: if it is a quantity to predict, train a regression"
                + " (end network.layers with 1:identity and set network.loss = mse); if it holds classes, give it 30",
                trainFails(csv("quantity.csv", rows.toArray(new String[0])), "data.label=y"));
    }

    @Test
    void textInARegressionLabelColumnNamesItsRowsAndAValue() throws IOException {
        Path data = csv("amounts-text.csv", "a,y", "1,10", "2,high", "3,35", "4,n/a", "5,30");
        assertEquals("label column 'y' has text where regression targets are numbers, in 2 rows (e.g. 'high');"
                + " correct such values (numbers, NaN, Inf or -Inf as Spark spells them; a missing value is empty in"
                + " CSV, null in JSON)", trainFails(data, "data.label=y", "network.layers=1,4:tanh,1:identity",
                "network.loss=mse"));
    }

    @Test
    void aRegressionWhoseOutputCannotReachStandardizedTargetsIsRefusedUnlessTheyAreNot() throws IOException {
        Path data = csv("amounts.csv", "a,y", "1,10", "2,20", "3,35", "4,30");
        assertEquals("network.layers ends with sigmoid, whose outputs are never negative, but a regression's targets"
                + " are standardized to mean 0 and std 1 (data.standardize = true), and some of those lie outside"
                + " that; end network.layers with identity (e.g. 1:identity), or set data.standardize = false to train"
                + " on the targets (and inputs) as they are", trainFails(data, "data.label=y",
                "network.layers=1,4:tanh,1:sigmoid", "network.loss=mse"));
        for (String output : List.of("relu", "softplus", "leaky_relu(slope=0)")) {
            assertTrue(trainFails(data, "data.label=y", "network.layers=1,4:tanh,1:" + output, "network.loss=mse")
                    .contains(", whose outputs are never negative,"), output);
        }
        assertTrue(trainFails(data, "data.label=y", "network.layers=1,4:tanh,1:tanh", "network.loss=mse")
                .startsWith("network.layers ends with tanh, whose outputs lie within (-1, 1),"));
        // Unstandardized targets, or an output that reaches every real number, train
        for (String[] fine : new String[][] {{"network.layers=1,4:tanh,1:sigmoid", "data.standardize=false"},
            {"network.layers=1,4:tanh,1:elu", "data.standardize=true"}}) {
            List<String> args = new ArrayList<>(List.of("train", "--set", "data.path=" + data, "--set", "data.label=y",
                    "--set", "network.loss=mse", "--set", "training.epochs=1", "--set", "output.model_path="
                    + dir.resolve("fine-" + fine[1])));
            for (String f : fine) {
                args.addAll(List.of("--set", f));
            }
            MainTest.Run run = MainTest.run(args.toArray(new String[0]));
            assertEquals(0, run.exitCode(), String.join(" ", fine) + ": " + run.err());
        }
    }

    @Test
    void everyColumnTheJobNamesThatIsNotInTheDataIsNamedInOneMessage() throws IOException {
        Path data = csv("labelled.csv", "a,b,label", "1,2,0", "2,1,1");
        assertEquals("feature columns 'c', 'd', weight column 'w', id column 'key' and excluded column 'e' are not in"
                + " the data; its columns are ['a', 'b', 'label']; correct data.features, data.weight, data.id_columns"
                + " and data.exclude", trainFails(data, "data.features=[a,c,d]", "data.weight=w",
                "data.id_columns=[key]", "data.exclude=[e]"));
        Path validation = csv("validation.csv", "a,label", "1,0");
        assertEquals("feature column 'b' is not in data.validation_path's data; its columns are ['a', 'label'];"
                + " validation rows need the columns training reads from data.path's",
                trainFails(data, "data.validation_path=" + validation));
    }
}
