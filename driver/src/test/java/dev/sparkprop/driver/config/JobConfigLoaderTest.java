package dev.sparkprop.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobConfigLoaderTest {

    /** The keys without defaults, so that a job is valid. */
    private static final String MINIMAL = """
            data.path = "in.csv"
            network { layers = "4,3:softmax", loss = cross_entropy }
            output.model_path = "out/model"
            """;

    /** Surefire runs in the driver module; the examples live at the repository root. */
    private static final Path EXAMPLES = Path.of("..", "conf", "examples");

    @TempDir
    Path dir;

    @Test
    void defaultsApplied() throws IOException {
        JobConfig c = JobConfigLoader.load(job(MINIMAL), List.of());
        assertEquals("in.csv", c.dataPath());
        assertEquals("csv", c.format());
        assertTrue(c.csvHeader());
        assertEquals(",", c.csvDelimiter());
        assertEquals(List.of("label"), c.labels());
        assertEquals(List.of(), c.features());
        assertEquals("", c.weightColumn());
        assertTrue(c.standardize());
        assertEquals(0, c.validationFraction());
        assertFalse(c.hasValidation());
        assertEquals("xavier_uniform", c.initializer());
        assertEquals("adam", c.optimizer());
        assertEquals(0.001, c.learningRate());
        assertEquals("constant", c.schedule());
        assertEquals(10, c.epochs());
        assertEquals(0, c.batchRows());
        assertEquals(1024, c.blockRows());
        assertEquals(1, c.seed());
        assertEquals(0, c.earlyStoppingPatience());
        assertEquals("validation_loss", c.earlyStoppingMetric());
        assertEquals(0, c.partitions());
        assertEquals("out/model/report", c.reportPath());
        assertFalse(c.overwrite());
    }

    @Test
    void exampleFilesLoad() {
        JobConfig digits = JobConfigLoader.load(EXAMPLES.resolve("digits.conf").toString(), List.of());
        assertEquals("data/digits.csv", digits.dataPath());
        assertEquals("64,64:relu,10:softmax", digits.layers());
        assertEquals("cross_entropy", digits.loss());
        assertEquals(0.003, digits.learningRate());
        assertEquals(15, digits.epochs());
        assertEquals(64, digits.batchRows());
        assertEquals(0.25, digits.validationFraction());
        assertEquals("target/models/digits", digits.modelPath());
        assertTrue(digits.overwrite());

        JobConfig diabetes = JobConfigLoader.load(EXAMPLES.resolve("diabetes-regression.conf").toString(), List.of());
        assertEquals("data/diabetes.csv", diabetes.dataPath());
        assertEquals(List.of("target"), diabetes.labels());
        assertEquals("10,8:tanh,1:identity", diabetes.layers());
        assertEquals("mse", diabetes.loss());
        assertEquals(0.01, diabetes.learningRate());
        assertEquals(100, diabetes.epochs());
        assertEquals(0.25, diabetes.validationFraction());
        assertEquals("target/models/diabetes", diabetes.modelPath());
        assertTrue(diabetes.overwrite());
    }

    @Test
    void overridesWinOverTheFileAndLaterOverridesWin() throws IOException {
        JobConfig c = JobConfigLoader.load(job(MINIMAL + "training.epochs = 5\n"), List.of(
                "training.epochs=7", "data.label=[a, b]", "optimizer.learning_rate=0.05", "training.epochs=8",
                "data.path=s3a://bucket/train//part=1", "data.csv.delimiter=\";\"", "data.standardize=false"));
        assertEquals(8, c.epochs());
        assertEquals(List.of("a", "b"), c.labels());
        assertEquals(0.05, c.learningRate());
        assertEquals("s3a://bucket/train//part=1", c.dataPath());
        assertEquals(";", c.csvDelimiter());
        assertFalse(c.standardize());
    }

    @Test
    void overridesAloneMakeAJob() {
        JobConfig c = JobConfigLoader.load(null, List.of("data.path=in.csv", "network.layers=4,3:softmax",
                "network.loss=cross_entropy", "output.model_path=out"));
        assertEquals("4,3:softmax", c.layers());
    }

    @Test
    void effectiveHasExactlyTheReferenceKeysAndRenderLoadsBack() throws IOException {
        JobConfig c = JobConfigLoader.load(job(MINIMAL), List.of("data.label=[a,b]", "training.class_weights=1,2"));
        assertEquals(JobConfigLoader.keys(JobConfigLoader.reference()), c.effective().keySet());
        assertEquals("[\"a\",\"b\"]", c.effective().get("data.label"));
        assertEquals("10", c.effective().get("training.epochs"));
        assertEquals("\"out/model/report\"", c.effective().get("output.report_path"));
        assertEquals(List.of(1.0, 2.0), c.classWeightValues());
        JobConfig again = JobConfigLoader.load(job(c.render()), List.of());
        assertEquals(c.effective(), again.effective());
    }

    @Test
    void everyReferenceKeyIsTypeChecked() throws IOException {
        // An object is the wrong type for every key, so each must report its own problem
        List<String> keys = new ArrayList<>(JobConfigLoader.keys(JobConfigLoader.reference()));
        for (String key : keys) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> JobConfigLoader.load(job(MINIMAL), List.of(key + "={x=1}")));
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(key + ": expected ")), key + " -> "
                    + e.getMessage());
        }
    }

    @Test
    void unknownKeyNamesTheClosestKnownKey() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(job(MINIMAL
                + "training.epoch = 3\nbatch_rows = 4\ndata { lable = y }\ndata.csv = x\n"), List.of()));
        assertEquals(List.of(
                "batch_rows: unknown key; did you mean training.batch_rows?",
                "data.csv: is a group of keys, not a value; set its keys, e.g. data.csv.delimiter",
                "data.lable: unknown key; did you mean data.label?",
                "training.epoch: unknown key; did you mean training.epochs?"), e.problems());
    }

    @Test
    void wrongTypeNamesKeyExpectedTypeAndValue() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(job(MINIMAL
                + "training.epochs = \"ten\"\n"), List.of()));
        assertEquals(1, e.problems().size());
        // the file and line that gave the value close the problem
        assertTrue(e.problems().get(0).matches("training\\.epochs: expected a whole number, got \"ten\""
                + " \\(.*job\\d*\\.conf: 4\\)"), e.problems().get(0));

        assertProblem("training.batch_rows=2.5", "training.batch_rows: expected a whole number, got \"2.5\"");
        assertProblem("data.standardize=maybe", "data.standardize: expected a boolean (true or false), got \"maybe\"");
        assertProblem("optimizer.l2=[1]", "optimizer.l2: expected a finite number, got [1]");
        assertProblem("data.features=[[a]]", "data.features: expected a list of strings, got [[\"a\"]]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            training.epochs=0                       | training.epochs: must be ≥ 1, got "0"
            training.block_rows=1000001             | training.block_rows: must be in [1, 1000000], got "1000001"
            training.batch_rows=-1                  | training.batch_rows: must be ≥ 0, got "-1"
            training.early_stopping.patience=-2     | training.early_stopping.patience: must be ≥ 0, got "-2"
            spark.partitions=-1                     | spark.partitions: must be ≥ 0, got "-1"
            spark.aggregation_depth=-1              | spark.aggregation_depth: must be ≥ 0, got "-1"
            optimizer.learning_rate=0               | optimizer.learning_rate: must be > 0, got "0"
            optimizer.l2=-0.1                       | optimizer.l2: must be ≥ 0, got "-0.1"
            optimizer.clip_norm=-1                  | optimizer.clip_norm: must be ≥ 0 (0 turns clipping off)
            data.validation_fraction=1              | data.validation_fraction: must be in [0, 1), got "1"
            data.csv.delimiter=;;                   | data.csv.delimiter: must be exactly one character, got ";;"
            data.label=[]                           | data.label: must be at least one column, got []
            data.format=xml                         | data.format: must be one of csv, parquet, json, libsvm, got "xml"
            data.missing=mean                       | data.missing: must be one of error, drop, impute, got "mean"
            network.initializer=glorot              | network.initializer: must be one of xavier_uniform, xavier_normal,
            training.early_stopping.metric=accuracy | training.early_stopping.metric: must be one of validation_loss,
            optimizer.kind=adamm                    | optimizer.kind: unknown optimizer 'adamm'
            optimizer.schedule=cosine(total=0)      | optimizer.schedule: learning-rate schedule cosine: total must be
            training.class_weights=1,0              | training.class_weights: must be "", "balanced" or comma-separated
            """)
    void outOfRangeNamesKeyAndRange(String override, String expectedStart) throws IOException {
        assertProblem(override, expectedStart);
    }

    @Test
    void severalProblemsReportedTogetherInOneMessage() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(job("""
                network.layers = "4,3:softmax"
                training { epochs = 0, block_rows = x, seeed = 2 }
                """), List.of()));
        List<String> lines = e.getMessage().lines().toList();
        assertEquals("invalid job configuration (6 problems):", lines.get(0));
        assertEquals(7, lines.size(), e.getMessage());
        for (String key : List.of("training.seeed", "training.epochs", "training.block_rows", "data.path",
                "network.loss", "output.model_path")) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith("  " + key + ":")).count(), key);
        }
    }

    @Test
    void missingFileNamesThePath() {
        String path = dir.resolve("nope.conf").toString();
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(path, List.of()));
        assertEquals(List.of("job file " + path + ": does not exist"), e.problems());
    }

    @Test
    void malformedFileAndOverridesAreNamed() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(job("data { path = "),
                List.of("training.epochs", "data.label=[a,", "training..seed=1")));
        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("job file "), e.getMessage());
        assertEquals("--set training.epochs: expected key=value", e.problems().get(1));
        assertTrue(e.problems().get(2).startsWith("--set data.label=[a,: 1: "), e.getMessage());
        assertTrue(e.problems().get(3).startsWith("--set training..seed=1: "), e.getMessage());
    }

    @Test
    void validationPathWithFractionIsAnError() throws IOException {
        assertProblem(List.of("data.validation_path=val.csv", "data.validation_fraction=0.2"),
                "data.validation_fraction: must be 0 when data.validation_path is set");
        JobConfig c = JobConfigLoader.load(job(MINIMAL), List.of("data.validation_path=val.csv"));
        assertTrue(c.hasValidation());
    }

    @Test
    void patienceOnValidationMetricNeedsAValidationSet() throws IOException {
        assertProblem(List.of("training.early_stopping.patience=3"),
                "training.early_stopping.metric: validation_loss needs validation data");
        assertEquals(3, JobConfigLoader.load(job(MINIMAL), List.of("training.early_stopping.patience=3",
                "data.validation_fraction=0.1")).earlyStoppingPatience());
        assertEquals("train_loss", JobConfigLoader.load(job(MINIMAL), List.of("training.early_stopping.patience=3",
                "training.early_stopping.metric=train_loss")).earlyStoppingMetric());
    }

    @Test
    void classWeightsWithRowWeightIsAnError() throws IOException {
        assertProblem(List.of("training.class_weights=balanced", "data.weight=w"),
                "training.class_weights: cannot be combined with data.weight");
        assertEquals(List.of(), JobConfigLoader.load(job(MINIMAL), List.of("training.class_weights=balanced"))
                .classWeightValues());
    }

    @Test
    void batchRowsWithIterationsPerEpochIsAnError() throws IOException {
        assertProblem(List.of("training.batch_rows=32", "training.iterations_per_epoch=2"),
                "training.iterations_per_epoch: must be 0 when training.batch_rows is set");
    }

    @Test
    void noSystemPropertiesOrEnvironment() throws IOException {
        System.setProperty("training.epochs", "3");
        try {
            assertEquals(10, JobConfigLoader.load(job(MINIMAL), List.of()).epochs());
        } finally {
            System.clearProperty("training.epochs");
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfigLoader.load(job(MINIMAL + "data.weight = ${PATH}\n"), List.of()));
        assertTrue(e.getMessage().contains("${PATH}"), e.getMessage());
    }

    @Test
    void higherIsBetterByMetric() {
        assertFalse(JobConfig.higherIsBetter("validation_loss"));
        assertFalse(JobConfig.higherIsBetter("validation_rmse"));
        assertFalse(JobConfig.higherIsBetter("validation_mae"));
        assertFalse(JobConfig.higherIsBetter("train_loss"));
        assertTrue(JobConfig.higherIsBetter("validation_accuracy"));
        assertTrue(JobConfig.higherIsBetter("validation_macro_f1"));
        assertTrue(JobConfig.higherIsBetter("validation_r2"));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.higherIsBetter("loss"));
    }

    private String job(String text) throws IOException {
        Path file = Files.createTempFile(dir, "job", ".conf");
        Files.writeString(file, text);
        return file.toString();
    }

    private void assertProblem(String override, String expectedStart) throws IOException {
        assertProblem(List.of(override), expectedStart);
    }

    /** Loading MINIMAL with {@code overrides} fails with exactly one problem starting so. */
    private void assertProblem(List<String> overrides, String expectedStart) throws IOException {
        String path = job(MINIMAL);
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(path, overrides));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith(expectedStart), e.getMessage());
    }
}
