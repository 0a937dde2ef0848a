package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientCheck;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Metrics on networks whose outputs are known by construction (W = I, b = 0, so z = x), checked
 * against values worked out by hand.
 */
class EvaluationTest {

    private static TrainingData data(Block... blocks) {
        return TrainingData.fromBlocks(SparkTestSession.sc().parallelize(List.of(blocks), 2), Precision.FLOAT64);
    }

    @Test
    void classificationMetricsMatchHandComputedValues() {
        // Softmax over z = x: predicted class = argmax of the row's features.
        NetworkSpec spec = NetworkSpec.parse("3,3:softmax", "cross_entropy");
        double[] identity = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
        double[] x = {5, 0, 0, /* true 0, predicted 0 */
                      0, 5, 0, /* true 1, predicted 1 */
                      0, 5, 0, /* true 2, predicted 1 */
                      0, 0, 5 /* true 2, predicted 2 */};
        double[] y = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1};
        try (TrainingData data = data(Block.unweighted(3, 3, x, y, 4))) {
            Evaluation e = Evaluation.of(SparkTestSession.sc(), data, spec, identity, 8);
            assertEquals(0.75, e.accuracy(), 1e-12);
            // F1: class 0 = 1; class 1: precision 1/2, recall 1 → 2/3; class 2: precision 1, recall 1/2 → 2/3.
            assertEquals((1 + 2.0 / 3 + 2.0 / 3) / 3, e.get("macro_f1"), 1e-12);
            double pRight = Math.exp(5) / (Math.exp(5) + 2);
            double pWrong = 1 / (Math.exp(5) + 2);
            assertEquals(-(3 * Math.log(pRight) + Math.log(pWrong)) / 4, e.get("log_loss"), 1e-12);
            assertArrayEquals(new double[] {0, 1, 1}, e.confusion()[2], 0);
            assertTrue(e.perClassTable().contains("0.6667"), e.perClassTable());
        }
    }

    @Test
    void binaryAucCountsCorrectlyOrderedPairs() {
        // One sigmoid output over z = x; positives score 0.2 and 0.9, negatives 0.1, 0.5 and 0.95
        // (as logits): of the 6 positive-negative pairs, 3 are ordered right, so AUC = 0.5.
        NetworkSpec spec = NetworkSpec.parse("1,1:sigmoid", "binary_cross_entropy");
        double[] x = {logit(0.2), logit(0.9), logit(0.1), logit(0.5), logit(0.95)};
        double[] y = {1, 1, 0, 0, 0};
        try (TrainingData data = data(Block.unweighted(1, 1, x, y, 5))) {
            Evaluation e = Evaluation.of(SparkTestSession.sc(), data, spec, new double[] {1, 0}, 8);
            assertEquals(0.5, e.get("auc"), 1e-12);
            // Predicted positive at ≥ 0.5: rows 2 (right), 4 and 5 (wrong); rows 1 and 3 negative: 1 right.
            assertEquals(2.0 / 5, e.accuracy(), 1e-12);
        }
    }

    @Test
    void regressionMetricsMatchHandComputedValues() {
        NetworkSpec spec = NetworkSpec.parse("1,1:identity", "mse");
        double[] predicted = {1, 2, 3, 4};
        double[] actual = {1, 3, 2, 6};
        try (TrainingData data = data(Block.unweighted(1, 1, predicted, actual, 4))) {
            Evaluation e = Evaluation.of(SparkTestSession.sc(), data, spec, new double[] {1, 0}, 8);
            // Errors 0, -1, 1, -2: SSE 6, MAE 1; mean of actual 3, SST = 4 + 0 + 1 + 9 = 14.
            assertEquals(Math.sqrt(6.0 / 4), e.get("rmse"), 1e-12);
            assertEquals(1.0, e.get("mae"), 1e-12);
            assertEquals(1 - 6.0 / 14, e.r2(), 1e-12);
            assertEquals(6.0 / 4, e.loss(), 1e-12);
        }
    }

    @Test
    void r2OfTargetsThatDoNotVaryIsUndefined() {
        NetworkSpec spec = NetworkSpec.parse("1,1:identity", "mse");
        // 0.1 four times: Σy² - (Σy)²/w rounds to about 1e-17, not 0
        for (double target : new double[] {5, 0.1}) {
            try (TrainingData data = data(Block.unweighted(1, 1, new double[] {1, 2, 3, 4},
                    new double[] {target, target, target, target}, 4))) {
                Evaluation e = Evaluation.of(SparkTestSession.sc(), data, spec, new double[] {1, 0}, 8);
                assertTrue(Double.isNaN(e.r2()), target + ": " + e.r2());
                assertTrue(e.get("rmse") > 0);
            }
        }
        // Targets far from 0 that vary by little still have an R²: 1e9 + {1, 3, 2, 6} against 1e9 + {1, 2, 3, 4}
        try (TrainingData data = data(Block.unweighted(1, 1, new double[] {1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4},
                new double[] {1e9 + 1, 1e9 + 3, 1e9 + 2, 1e9 + 6}, 4))) {
            // Σy² - (Σy)²/w of values near 1e9 (Σy² near 4e18, where doubles are 512 apart) would give
            // SST 0 or a multiple of 512 instead of 14. Around the mean, the sums are exact here
            assertEquals(1 - 6.0 / 14, Evaluation.of(SparkTestSession.sc(), data, spec, new double[] {1, 0}, 8).r2(),
                    1e-12);
        }
    }

    @Test
    void r2OfSeveralOutputsTakesEachOutputsVarianceAroundItsOwnMean() {
        // Identity weights: output i predicts input i. Output 0 near 0, output 1 near 100: pooled
        // around one mean (50), the gap between the means would read as explained variance.
        NetworkSpec spec = NetworkSpec.parse("2,2:identity", "mse");
        double[] predicted = {1, 102, 2, 102, 3, 107, 4, 100};
        double[] actual = {1, 103, 3, 102, 2, 108, 6, 99};
        try (TrainingData data = data(Block.unweighted(2, 2, predicted, actual, 4))) {
            Evaluation e = Evaluation.of(SparkTestSession.sc(), data, spec, new double[] {1, 0, 0, 1, 0, 0}, 8);
            // Output 0: errors 0, -1, 1, -2 (SSE 6), mean 3, SST 14. Output 1: errors -1, 0, -1, 1
            // (SSE 3), mean 103, SST 0 + 1 + 25 + 16 = 42. R² = 1 - 9 / 56 (about 0.84; pooled around
            // the mean of all eight values, 53, it would read 0.9996).
            assertEquals(1 - 9.0 / 56, e.r2(), 1e-12);
            assertEquals(Math.sqrt(9.0 / 8), e.get("rmse"), 1e-12);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"'4,5:tanh,3:softmax', cross_entropy", "'4,5:tanh,1:sigmoid', binary_cross_entropy",
        "'4,5:tanh,3:sigmoid', binary_cross_entropy"})
    void accuracyIsTheWeightTrainingCountsRightOverTheWeight(String layers, String loss) {
        NetworkSpec spec = NetworkSpec.parse(layers, loss);
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 40, 11);
        // Weights in quarters: every sum of weights and of right predictions' weights is a multiple
        // of 1/4 far below 2^53, so exact in any order; the two sides must agree bitwise.
        double[] quarters = {0.25, 0.5, 1, 1.75, 3};
        List<Block> blocks = new ArrayList<>();
        GradientSum training = GradientSum.empty();
        for (int from = 0; from < 40; from += 8) {
            Block rows = p.block().slice(from, from + 8);
            double[] w = new double[8];
            for (int r = 0; r < 8; r++) {
                w[r] = quarters[(from + r) % quarters.length];
            }
            Block block = new Block(4, spec.outputWidth(), rows.features(), rows.targets(), w, 8);
            blocks.add(block);
            // As training's partitions do: one sum per block, merged.
            training.merge(new GradientSum(spec.layout().size()).add(new Backprop(spec, 8), p.params(), block));
        }
        double trainingAccuracy = spec.task().accuracy(training.correctWeight(), training.weightSum());
        assertTrue(trainingAccuracy > 0 && trainingAccuracy < 1, "some rows right, some wrong: " + trainingAccuracy);
        try (TrainingData data = data(blocks.toArray(Block[]::new))) {
            Evaluation e = Evaluation.of(SparkTestSession.sc(), data, spec, p.params(), 8);
            assertEquals(trainingAccuracy, e.accuracy(), 0);
            if (e.confusion() != null) {
                double diagonal = 0;
                double total = 0;
                for (int c = 0; c < e.confusion().length; c++) {
                    diagonal += e.confusion()[c][c];
                    total += Arrays.stream(e.confusion()[c]).sum();
                }
                assertEquals(trainingAccuracy, diagonal / total, 0, "the confusion matrix's diagonal is the rows right");
            }
        }
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }
}
