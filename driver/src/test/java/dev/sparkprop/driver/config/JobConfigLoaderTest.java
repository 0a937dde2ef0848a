package dev.sparkprop.driver.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.optim.LearningRateSchedules;
import dev.sparkprop.nn.optim.Optimizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
        assertEquals("in.csv", c.data().path());
        assertEquals("csv", c.data().format());
        assertTrue(c.data().csvHeader());
        assertEquals(",", c.data().csvDelimiter());
        assertEquals(List.of("label"), c.data().labels());
        assertEquals(List.of(), c.data().features());
        assertEquals(Optional.empty(), c.data().weight());
        assertTrue(c.data().standardize());
        assertEquals(0, c.data().validationFraction());
        assertFalse(c.data().hasValidation());
        assertEquals(Initializer.XAVIER_UNIFORM, c.network().initializer());
        assertEquals(Optimizers.adam(0.9, 0.999, 1e-8), c.optimizer().kind());
        assertEquals(0.001, c.optimizer().learningRate());
        assertEquals(LearningRateSchedules.constant(0.001), c.optimizer().schedule());
        assertEquals(10, c.training().epochs());
        assertEquals(0, c.training().batchRows());
        assertEquals(1024, c.training().blockRows());
        assertEquals(1, c.training().seed());
        assertEquals(0, c.training().earlyStopping().patience());
        assertEquals("validation_loss", c.training().earlyStopping().metric());
        assertEquals(0, c.spark().partitions());
        assertEquals("out/model/report", c.output().reportPath());
        assertFalse(c.output().overwrite());
    }

    @Test
    void exampleFilesLoad() {
        JobConfig digits = JobConfigLoader.load(EXAMPLES.resolve("digits.conf").toString(), List.of());
        assertEquals("data/digits.csv", digits.data().path());
        assertEquals("64,64:relu,10:softmax", digits.network().spec().layersSpec());
        assertEquals("cross_entropy(reduction=sum)", digits.network().loss().name());
        assertEquals(0.003, digits.optimizer().learningRate());
        assertEquals(15, digits.training().epochs());
        assertEquals(64, digits.training().batchRows());
        assertEquals(0.25, digits.data().validationFraction());
        assertEquals("target/models/digits", digits.output().modelPath());
        assertTrue(digits.output().overwrite());

        JobConfig diabetes = JobConfigLoader.load(EXAMPLES.resolve("diabetes-regression.conf").toString(), List.of());
        assertEquals("data/diabetes.csv", diabetes.data().path());
        assertEquals(List.of("target"), diabetes.data().labels());
        assertEquals("10,8:tanh,1:identity", diabetes.network().spec().layersSpec());
        assertEquals("mse(reduction=mean)", diabetes.network().loss().name());
        assertEquals(0.01, diabetes.optimizer().learningRate());
        assertEquals(100, diabetes.training().epochs());
        assertEquals(0.25, diabetes.data().validationFraction());
        assertEquals("target/models/diabetes", diabetes.output().modelPath());
        assertTrue(diabetes.output().overwrite());
    }

    @Test
    void overridesWinOverTheFileAndLaterOverridesWin() throws IOException {
        JobConfig c = JobConfigLoader.load(job(MINIMAL + "training.epochs = 5\n"), List.of(
                "training.epochs=7", "data.label=[a, b]", "optimizer.learning_rate=0.05", "training.epochs=8",
                "data.path=s3a://bucket/train//part=1", "data.csv.delimiter=\";\"", "data.standardize=false"));
        assertEquals(8, c.training().epochs());
        assertEquals(List.of("a", "b"), c.data().labels());
        assertEquals(0.05, c.optimizer().learningRate());
        assertEquals("s3a://bucket/train//part=1", c.data().path());
        assertEquals(";", c.data().csvDelimiter());
        assertFalse(c.data().standardize());
    }

    @Test
    void overridesAloneMakeAJob() {
        JobConfig c = JobConfigLoader.load(null, List.of("data.path=in.csv", "network.layers=4,3:softmax",
                "network.loss=cross_entropy", "output.model_path=out"));
        assertEquals("4,3:softmax", c.network().spec().layersSpec());
    }

    @Test
    void autoInputWidthHasNoNetworkUntilTheDataGivesItOne() throws IOException {
        JobConfig auto = JobConfigLoader.load(job(MINIMAL), List.of("network.layers=auto,5:relu,3:softmax"));
        assertTrue(auto.network().inputWidth().isEmpty());
        assertEquals(3, auto.network().outputWidth());
        assertThrows(IllegalStateException.class, () -> auto.network().spec());
        JobConfig resolved = auto.withInputWidth(7);
        assertEquals("7,5:relu,3:softmax", resolved.network().spec().layersSpec());
        assertEquals("\"7,5:relu,3:softmax\"", resolved.effective().get("network.layers"));
        assertSame(resolved, resolved.withInputWidth(8));
    }

    @Test
    void effectiveHasExactlyTheReferenceKeysAndRenderLoadsBack() throws IOException {
        JobConfig c = JobConfigLoader.load(job(MINIMAL), List.of("data.label=[a,b]", "training.class_weights=1,2"));
        assertEquals(JobConfigLoader.keys(JobConfigLoader.reference()), c.effective().keySet());
        assertEquals("[\"a\",\"b\"]", c.effective().get("data.label"));
        assertEquals("10", c.effective().get("training.epochs"));
        assertEquals("\"out/model/report\"", c.effective().get("output.report_path"));
        assertEquals(List.of(1.0, 2.0), c.training().classWeights().given());
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
    void aValueGivenToAGroupWithAKindNamesTheKind() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(job(MINIMAL
                + "optimizer = adam\n"), List.of()));
        assertTrue(e.problems().contains("optimizer: is a group of keys, not a value; set its keys, e.g."
                + " optimizer.kind"), e.problems().toString());
    }

    @Test
    void anUnquotedValueWithCommasIsToldToBeQuotedNotMatchedToAKey() throws IOException {
        // HOCON reads the rest of layers = auto,16:relu,3:softmax as keys 16 and 3
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(job(
                "data.path = \"x.csv\"\nnetwork { layers = auto,16:relu,3:softmax }\n"), List.of()));
        assertTrue(e.problems().contains("network.16: unknown key; a value holding commas must be quoted (e.g."
                + " network.layers = \"auto,16:relu,3:softmax\"), else each comma starts another key"), e.problems()
                .toString());
    }

    @Test
    void sparksOwnSettingIsSentToSparkRatherThanToTheClosestJobKey() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(job(MINIMAL),
                List.of("spark.driver.memory=8g", "spark.partition=4")));
        assertEquals(List.of(
                "spark.driver.memory: unknown key; the job's spark.* keys are spark.aggregation_depth and"
                        + " spark.partitions. Spark's own settings go to Spark: to spark-submit (--conf"
                        + " spark.driver.memory=..., --driver-memory), or to bin/sparkprop as JVM options, e.g."
                        + " SPARKPROP_JAVA_OPTS='-Xmx8g -Dspark.master=local[2]'",
                "spark.partition: unknown key; did you mean spark.partitions?"), e.problems());
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
            training.epochs=99999999999             | training.epochs: must be at most 2147483647, got "99999999999"
            training.block_rows=1000001             | training.block_rows: must be in [1, 1000000], got "1000001"
            training.batch_rows=-1                  | training.batch_rows: must be ≥ 0, got "-1"
            training.early_stopping.patience=-2     | training.early_stopping.patience: must be ≥ 0, got "-2"
            spark.partitions=-1                     | spark.partitions: must be ≥ 0, got "-1"
            spark.aggregation_depth=-1              | spark.aggregation_depth: must be ≥ 0, got "-1"
            optimizer.learning_rate=0               | optimizer.learning_rate: must be > 0, got "0"
            optimizer.l2=-0.1                       | optimizer.l2: must be ≥ 0, got "-0.1"
            optimizer.clip_norm=-1                  | optimizer.clip_norm: must be ≥ 0 (0 turns clipping off)
            data.validation_fraction=1              | data.validation_fraction: must be in [0, 1), got "1"
            data.csv.delimiter=;;                   | data.csv.delimiter: must be one character (\\t for a tab), \
            got ";;"
            data.label=[]                           | data.label: must be at least one column, got []
            data.label=                             | data.label: must be the name of the column to predict (or a \
            list of names), not empty, got ""
            data.label=[label, " "]                 | data.label: must be the name of the column to predict (or a \
            list of names), not empty, got ["label"," "]
            data.format=xml                         | data.format: must be one of csv, parquet, json, libsvm, got "xml"
            data.missing=mean                       | data.missing: must be one of error, drop, impute, got "mean"
            network.initializer=glorot              | network.initializer: must be one of xavier_uniform, xavier_normal,
            training.early_stopping.metric=accuracy | training.early_stopping.metric: must be one of validation_loss,
            optimizer.kind=adamm                    | optimizer.kind: unknown optimizer 'adamm'
            optimizer.schedule=cosine(total=0)      | optimizer.schedule: learning-rate schedule cosine: total must be
            training.class_weights=1,0              | training.class_weights: must be "", "balanced" or comma-separated
            training.class_weights=balancd          | training.class_weights: must be "", "balanced" or comma-separated \
            numbers > 0, one per class, e.g. "1,1,5"; got "balancd": did you mean "balanced"?
            network.layers=4,8:relu(dropout=1),3:softmax | network.layers: activation relu: dropout must be in [0, 1), \
            got 1.0 (in 'relu(dropout=1)')
            network.layers=4,8:relu(dropout=-0.1),3:softmax | network.layers: activation relu: dropout must be in \
            [0, 1), got -0.1
            network.layers=4,8:relu,3:softmax(dropout=0.5) | network.layers: layer 2 (3:softmax(dropout=0.5)) is the \
            output layer, which dropout never applies to
            """)
    void outOfRangeNamesKeyAndRange(String override, String expectedStart) throws IOException {
        assertProblem(override, expectedStart);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            training.batch_rows=32               | training.batch_rows: must be 0 with optimizer.kind = lbfgs, which \
            evaluates the objective on every row (each evaluation one pass over the data); set training.batch_rows = \
            0, or pick a first-order optimizer (e.g. adam) for mini-batches
            optimizer.clip_norm=1                | optimizer.clip_norm: must be 0 with optimizer.kind = lbfgs, whose \
            line search needs the true gradient; set optimizer.clip_norm = 0
            optimizer.schedule=cosine(total=100) | optimizer.schedule: must be constant with optimizer.kind = lbfgs, \
            whose line search chooses each step's length; leave optimizer.schedule out
            training.local_steps=4               | training.local_steps: must be 1 with optimizer.kind = lbfgs, whose \
            every step is a line search over all the rows; set training.local_steps = 1
            network.layers=4,8:relu(dropout=0.2),3:softmax | network.layers: must give no dropout with optimizer.kind \
            = lbfgs, whose line search needs one objective, and dropout draws new masks at every evaluation
            """)
    void lbfgsRejectsWhatWouldChangeTheObjectiveItSearches(String override, String expectedStart) throws IOException {
        assertProblem(List.of("optimizer.kind=lbfgs(history=5)", override), expectedStart);
        // the same keys are fine with a first-order optimizer
        JobConfigLoader.load(job(MINIMAL), List.of("optimizer.kind=adam", override));
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
        assertEquals("--set training.epochs: expected key=value, e.g. --set training.epochs=30", e.problems().get(1));
        assertTrue(e.problems().get(2).startsWith("--set data.label=[a,: 1: "), e.getMessage());
        assertTrue(e.problems().get(3).startsWith("--set training..seed=1: "), e.getMessage());
        ConfigException quoted = assertThrows(ConfigException.class, () -> JobConfigLoader.load(job(MINIMAL),
                List.of("network.layers=\"4,8:relux,3:softmax\"")));
        assertTrue(quoted.problems().get(0).endsWith("(--set network.layers=\"4,8:relux,3:softmax\")"),
                quoted.getMessage());
        assertEquals(List.of("--set =5: expected key=value, e.g. --set training.epochs=30"),
                assertThrows(ConfigException.class, () -> JobConfigLoader.load(job(MINIMAL), List.of("=5")))
                        .problems());
    }

    @Test
    void anUnclosedBraceIsCalledOneRatherThanAParenthesis() throws IOException {
        String path = job("data {\n  path = \"x.csv\"\n");
        assertEquals(List.of("job file " + path + ": 3: the file ends with a '{' still open; add the '}' that"
                + " closes it"),
                assertThrows(ConfigException.class, () -> JobConfigLoader.load(path, List.of())).problems());
    }

    @Test
    void anUnclosedQuoteIsToldToBeClosedWithTheLineKept() throws IOException {
        String path = job("data.path = \"d/iris.csv\nnetwork.layers = \"4,3:softmax\"\n");
        assertEquals(List.of("job file " + path + ": 1: a quoted string is not closed on this line: add the closing \""),
                assertThrows(ConfigException.class, () -> JobConfigLoader.load(path, List.of())).problems());
        assertEquals(List.of("--set data.path=\"d/iris.csv: 1: a quoted string is not closed: add the closing \""),
                assertThrows(ConfigException.class, () -> JobConfigLoader.load(job(MINIMAL),
                        List.of("data.path=\"d/iris.csv"))).problems());
    }

    @Test
    void aSubstitutionOfAnEnvironmentVariableIsToldThatOnlyKeysOfTheJobCount() throws IOException {
        String path = job(MINIMAL + "data.path = ${HOME}\"/iris.csv\"\n");
        assertEquals(List.of(path + ": 4: ${HOME} is not a key of the job: a substitution refers to another key of"
                + " the job file, never to an environment variable; write the value out, or pass it with --set"),
                assertThrows(ConfigException.class, () -> JobConfigLoader.load(path, List.of())).problems());
        String ofAKey = job(MINIMAL + "output.report_path = ${output.model_path}\"-report\"\n");
        assertEquals("out/model-report", JobConfigLoader.load(ofAKey, List.of()).output().reportPath());
    }

    @Test
    void aParseErrorWithoutOwnWordsKeepsTypesafeConfigsMessage() throws IOException {
        String path = job("a = [1, 2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(path, List.of()));
        assertEquals(List.of("job file " + path + ": 2: List should have had new element after a comma, instead had"
                + " token: end of file (if you want the comma or end of file to be part of a string value, then"
                + " double-quote it)"), e.problems());
    }

    @Test
    void validationPathWithFractionIsAnError() throws IOException {
        assertProblem(List.of("data.validation_path=val.csv", "data.validation_fraction=0.2"),
                "data.validation_fraction: must be 0 when data.validation_path is set");
        JobConfig c = JobConfigLoader.load(job(MINIMAL), List.of("data.validation_path=val.csv"));
        assertTrue(c.data().hasValidation());
    }

    @Test
    void patienceOnValidationMetricNeedsAValidationSet() throws IOException {
        assertProblem(List.of("training.early_stopping.patience=3"),
                "training.early_stopping.metric: validation_loss needs validation data");
        assertEquals(3, JobConfigLoader.load(job(MINIMAL), List.of("training.early_stopping.patience=3",
                "data.validation_fraction=0.1")).training().earlyStopping().patience());
        assertEquals("train_loss", JobConfigLoader.load(job(MINIMAL), List.of("training.early_stopping.patience=3",
                "training.early_stopping.metric=train_loss")).training().earlyStopping().metric());
    }

    @Test
    void aStoppingMetricTheTaskDoesNotMeasureIsAConfigError() throws IOException {
        assertProblem(List.of("training.early_stopping.patience=3", "data.validation_fraction=0.1",
                "training.early_stopping.metric=validation_r2"), "training.early_stopping.metric: validation_r2 is not"
                + " measured for a softmax classifier of 3 classes (network.layers' last layer, network.loss); watch one of validation_loss, validation_accuracy,"
                + " validation_macro_f1, train_loss");
        assertProblem(List.of("training.early_stopping.patience=3", "data.validation_fraction=0.1",
                "network.layers=4,1:identity", "network.loss=mse", "training.early_stopping.metric=validation_accuracy"),
                "training.early_stopping.metric: validation_accuracy is not measured for a regression network"
                + " (network.layers' last layer, network.loss); watch one of validation_loss, validation_rmse, validation_r2, validation_mae, train_loss");
        assertEquals("validation_r2", JobConfigLoader.load(job(MINIMAL), List.of("training.early_stopping.patience=3",
                "data.validation_fraction=0.1", "network.layers=4,1:identity", "network.loss=mse",
                "training.early_stopping.metric=validation_r2")).training().earlyStopping().metric());
        // AUC is measured for two classes only, and a higher one is better
        assertProblem(List.of("training.early_stopping.patience=3", "data.validation_fraction=0.1",
                "training.early_stopping.metric=validation_auc"), "training.early_stopping.metric: validation_auc is not"
                + " measured for a softmax classifier of 3 classes (network.layers' last layer, network.loss)");
        assertEquals("validation_auc", JobConfigLoader.load(job(MINIMAL), List.of("training.early_stopping.patience=3",
                "data.validation_fraction=0.1", "network.layers=4,1:sigmoid", "network.loss=binary_cross_entropy",
                "training.early_stopping.metric=validation_auc")).training().earlyStopping().metric());
        assertTrue(EarlyStoppingSection.higherIsBetter("validation_auc"));
    }

    @Test
    void aTabDelimiterIsATabWrittenQuotedOrUnquotedAsForDelimiter() throws IOException {
        // A shell passes --set data.csv.delimiter=\t as a backslash and a t, which HOCON keeps as they are; a job file
        // has the same two characters as "\\t"
        for (String written : List.of("\\t", "\"\\t\"", "\"\\\\t\"")) {
            assertEquals("\t", JobConfigLoader.load(job(MINIMAL), List.of("data.csv.delimiter=" + written)).data()
                    .csvDelimiter(), written);
        }
        assertEquals("\t", JobConfigLoader.load(job(MINIMAL + "data.csv.delimiter = \"\\\\t\"\n"), List.of()).data()
                .csvDelimiter());
        assertProblem("data.csv.delimiter=\\tt", "data.csv.delimiter: must be one character (\\t for a tab), got"
                + " \"\\tt\"");
    }

    @Test
    void aFeatureThatIsAlsoTheLabelTheWeightOrAnIdIsRefusedToTrainButLoads() throws IOException {
        // Trained so, the model reads what it predicts (100% in validation), or a row's weight or id
        assertColumnsNotApart(List.of("data.label=y", "data.features=[a,y]"), "data.features: lists 'y', which"
                + " data.label names too; a column is a feature or the target, not both: remove it from one of them");
        assertColumnsNotApart(List.of("data.weight=w", "data.features=[w,a]"), "data.features: lists 'w', which"
                + " data.weight names too; a column is a feature or the row's weight, not both");
        assertColumnsNotApart(List.of("data.id_columns=[a,b]", "data.features=[a,b,c]"), "data.features: lists 'a' and"
                + " 'b', which data.id_columns names too; a column is a feature or the row's id, not both");
    }

    @Test
    void anIdColumnNamedAsAColumnPredictWritesIsRefusedToTrainButLoads() throws IOException {
        String fix = "; rename it in the data";
        assertColumnsNotApart(List.of("data.id_columns=[key,prediction]"), "data.id_columns: id column 'prediction'"
                + " has the name of an output column of predict (['prediction'])" + fix);
        assertColumnsNotApart(List.of("data.label=[a,b]", "network.layers=4,2:sigmoid",
                "network.loss=binary_cross_entropy", "data.id_columns=[probability_b]"), "data.id_columns: id column"
                + " 'probability_b' has the name of an output column of predict (['probability_a', 'probability_b',"
                + " 'prediction_a', 'prediction_b'])" + fix);
        assertColumnsNotApart(List.of("data.label=[a,b]", "network.layers=4,2:identity", "network.loss=mse",
                "data.id_columns=[prediction_b]"), "data.id_columns: id column 'prediction_b' has the name of an output"
                + " column of predict (['prediction_a', 'prediction_b'])" + fix);
        // Names predict does not write for these networks; a classifier's probability columns come with its classes
        for (List<String> fine : List.of(List.of("data.id_columns=[prediction_y]", "network.layers=4,1:identity",
                "network.loss=mse"), List.of("data.id_columns=[probability_0]"))) {
            assertDoesNotThrow(JobConfigLoader.load(job(MINIMAL), fine)::requireColumnsApart, fine.toString());
        }
    }

    /** The config loads (a saved model's may be so), and refuses to train with exactly one problem starting so. */
    private void assertColumnsNotApart(List<String> overrides, String expectedStart) throws IOException {
        JobConfig config = JobConfigLoader.load(job(MINIMAL), overrides);
        ConfigException e = assertThrows(ConfigException.class, config::requireColumnsApart);
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith(expectedStart), e.getMessage());
    }

    @Test
    void classWeightsWithRowWeightIsAnError() throws IOException {
        assertProblem(List.of("training.class_weights=balanced", "data.weight=w"),
                "training.class_weights: cannot be combined with data.weight");
        assertTrue(JobConfigLoader.load(job(MINIMAL), List.of("training.class_weights=balanced")).training()
                .classWeights().balanced());
    }

    @Test
    void classWeightsForANetworkWithoutClassesAreAConfigError() throws IOException {
        assertProblem(List.of("training.class_weights=balanced", "network.layers=4,1:identity", "network.loss=mse"),
                "training.class_weights: applies to classification, and a regression network (network.layers' last"
                        + " layer, network.loss) has no classes; remove training.class_weights");
        assertProblem(List.of("training.class_weights=1,2", "network.layers=4,2:sigmoid",
                "network.loss=binary_cross_entropy"), "training.class_weights: applies to classification, and a"
                + " multi-label network");
        assertEquals(List.of(1.0, 2.0), JobConfigLoader.load(job(MINIMAL), List.of("training.class_weights=1,2",
                "network.layers=4,1:sigmoid", "network.loss=binary_cross_entropy")).training().classWeights().given());
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
            assertEquals(10, JobConfigLoader.load(job(MINIMAL), List.of()).training().epochs());
        } finally {
            System.clearProperty("training.epochs");
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfigLoader.load(job(MINIMAL + "data.weight = ${PATH}\n"), List.of()));
        assertTrue(e.getMessage().contains("${PATH}"), e.getMessage());
    }

    @Test
    void higherIsBetterByMetric() {
        assertFalse(EarlyStoppingSection.higherIsBetter("validation_loss"));
        assertFalse(EarlyStoppingSection.higherIsBetter("validation_rmse"));
        assertFalse(EarlyStoppingSection.higherIsBetter("validation_mae"));
        assertFalse(EarlyStoppingSection.higherIsBetter("train_loss"));
        assertTrue(EarlyStoppingSection.higherIsBetter("validation_accuracy"));
        assertTrue(EarlyStoppingSection.higherIsBetter("validation_macro_f1"));
        assertTrue(EarlyStoppingSection.higherIsBetter("validation_r2"));
        assertThrows(IllegalArgumentException.class, () -> EarlyStoppingSection.higherIsBetter("loss"));
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
