package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The trainer learns real datasets (Debian python3-sklearn's CSVs, from bin/install-data),
 * judged on rows held out from training.
 */
class RealDataLearningTest {

    private static Evaluation trainAndTest(String file, String label, TrainingSettings settings) {
        Dataset<Row> all = SparkTestSession.spark().read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset(file));
        Dataset<Row>[] split = all.randomSplit(new double[] {0.75, 0.25}, 42);
        List<String> features = new ArrayList<>(Arrays.asList(all.columns()));
        features.remove(label);
        DataColumns columns = DataColumns.of(features, label);
        NetworkSpec spec = settings.network();
        Preprocessing prep = PreprocessingFitter.fit(split[0], columns, spec, true).preprocessing();
        try (TrainingData train = TrainingData.fromDataFrame(split[0].repartition(3), "the training data", prep, spec,
                settings.blockRows(), null, settings.numberType());
             TrainingData test = TrainingData.fromDataFrame(split[1], "the test data", prep, spec, settings.blockRows(),
                     null, settings.numberType())) {
            DistributedTrainer.Result result = new DistributedTrainer(SparkTestSession.sc(), settings).fit(train);
            Evaluation evaluation = Evaluation.of(SparkTestSession.sc(), test, spec, result.params(),
                    settings.blockRows());
            System.out.printf("%s: %d train rows, held-out %s%n", file, train.rows(), evaluation.format(""));
            return evaluation;
        }
    }

    @Test
    void classifiesWineAbove95Percent() {
        Evaluation e = trainAndTest("wine.csv", "label", TrainingSettings.builder("13,16:tanh,3:softmax",
                "cross_entropy").learningRate(0.03).epochs(60).build());
        assertTrue(e.accuracy() >= 0.95, e.format("held-out "));
    }

    @Test
    void classifiesBreastCancerAbove95PercentWithSigmoidOutput() {
        Evaluation e = trainAndTest("breast_cancer.csv", "label", TrainingSettings.builder("30,8:tanh,1:sigmoid",
                "binary_cross_entropy").learningRate(0.01).epochs(100).build());
        assertTrue(e.accuracy() >= 0.95, e.format("held-out "));
    }

    @Test
    void classifiesDigitsAbove95PercentWithMiniBatches() {
        Evaluation e = trainAndTest("digits.csv", "label", TrainingSettings.builder("64,64:relu,10:softmax",
                "cross_entropy").learningRate(0.003).epochs(15).batchRows(64).blockRows(64).build());
        assertTrue(e.accuracy() >= 0.95, e.format("held-out "));
    }

    @Test
    void fourLocalStepsPerJobClassifyDigitsAboutAsWellAsSynchronousSteps() {
        // Local steps are another method, not the same steps: the check is that four steps per job on
        // each of three partitions learn as well as one, within 2 points (9 of the ~450 held-out rows).
        TrainingSettings synchronous = TrainingSettings.builder("64,64:relu,10:softmax", "cross_entropy")
                .learningRate(0.003).epochs(15).batchRows(64).blockRows(64).build();
        Evaluation one = trainAndTest("digits.csv", "label", synchronous);
        Evaluation four = trainAndTest("digits.csv", "label", synchronous.toBuilder().localSteps(4).build());
        assertTrue(four.accuracy() >= one.accuracy() - 0.02, four.format("k = 4: ") + one.format(", k = 1: "));
    }

    @Test
    void regressesDiabetesProgressionToRSquaredAbove045() {
        // Linear models reach about 0.5 on this small, noisy set; a net that merely predicts the
        // mean scores 0, and one that overfits its 330 rows drops well below 0.45.
        Evaluation e = trainAndTest("diabetes.csv", "target", TrainingSettings.builder("10,8:tanh,1:identity",
                "mse").learningRate(0.01).epochs(100).build());
        assertTrue(e.r2() >= 0.45, e.format("held-out "));
    }
}
