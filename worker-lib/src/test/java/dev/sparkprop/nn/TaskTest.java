package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "'3,4:softmax',      cross_entropy,              MULTICLASS,  4, true,  true,  true",
        "'3,1:sigmoid',      binary_cross_entropy,       BINARY,      2, true,  true,  false",
        "'3,3:sigmoid',      binary_cross_entropy:mean,  MULTI_LABEL, 0, false, true,  false",
        "'3,2:identity',     mse,                        REGRESSION,  0, false, false, false",
        "'3,5:tanh,1:tanh',  huber(delta=0.5),           REGRESSION,  0, false, false, false",
        "'3,1:sigmoid',      mse,                        REGRESSION,  0, false, false, false"})
    void theKindAndItsClassesFollowFromTheLossAndOutputWidth(String layers, String loss, Task.Kind kind, int classes,
                                                              boolean hasClasses, boolean hasAccuracy,
                                                              boolean oneHot) {
        Task task = NetworkSpec.parse(layers, loss).task();
        assertEquals(kind, task.kind());
        assertEquals(classes, task.classes());
        assertEquals(hasClasses, task.hasClasses());
        assertEquals(hasAccuracy, task.hasAccuracy());
        assertEquals(oneHot, task.oneHotTargets());
    }

    @Test
    void softmaxPredictsTheLargestOutputAndTheFirstOnATie() {
        Task task = NetworkSpec.parse("2,3:softmax", "cross_entropy").task();
        double[] a = {0.1, 0.7, 0.2, 0.4, 0.2, 0.4};
        assertEquals(1, task.predictedClass(a, 0));
        assertEquals(0, task.predictedClass(a, 3), "a tie goes to the first class");
    }

    @Test
    void oneSigmoidPredictsClassOneFromTheThresholdUp() {
        Task task = NetworkSpec.parse("2,1:sigmoid", "binary_cross_entropy").task();
        assertEquals(1, task.predictedClass(new double[] {0.5}, 0));
        assertEquals(0, task.predictedClass(new double[] {Math.nextDown(0.5)}, 0));
        Block block = new Block(2, 1, new double[4], new double[] {1, 0}, new double[] {1, 1}, 2);
        assertEquals(1, task.trueClass(block, 0));
        assertEquals(0, task.trueClass(block, 1));
    }

    @Test
    void tasksWithoutClassesHaveNoPredictedClass() {
        Task multiLabel = NetworkSpec.parse("2,2:sigmoid", "binary_cross_entropy").task();
        assertThrows(IllegalStateException.class, () -> multiLabel.predictedClass(new double[2], 0));
        Task regression = NetworkSpec.parse("2,1:identity", "mse").task();
        assertThrows(IllegalStateException.class, () -> regression.predictedClass(new double[1], 0));
    }

    @Test
    void correctWeightSumsTheWeightOfRowsPredictedRight() {
        Task softmax = NetworkSpec.parse("1,3:softmax", "cross_entropy").task();
        double[] a = {0.6, 0.3, 0.1, /* predicts 0 */ 0.2, 0.3, 0.5 /* predicts 2 */};
        Block indices = Block.ofClasses(1, 3, new double[2], new int[] {0, 1}, new double[] {2, 3}, 2);
        Block oneHot = new Block(1, 3, new double[2], new double[] {1, 0, 0, 0, 0, 1}, new double[] {2, 3}, 2);
        assertEquals(2, softmax.correctWeight(a, indices), 0, "only the first row is right");
        assertEquals(5, softmax.correctWeight(a, oneHot), 0, "both rows are right");
        assertEquals(0.4, softmax.accuracy(2, 5), 0);

        Task binary = NetworkSpec.parse("1,1:sigmoid", "binary_cross_entropy").task();
        Block labels = new Block(1, 1, new double[3], new double[] {1, 0, 1}, new double[] {0.5, 1, 4}, 3);
        assertEquals(1.5, binary.correctWeight(new double[] {0.9, 0.2, 0.4}, labels), 0);

        // Multi-label: every output on its target's side of 0.5 counts its row's weight.
        Task multiLabel = NetworkSpec.parse("1,2:sigmoid", "binary_cross_entropy").task();
        Block targets = new Block(1, 2, new double[2], new double[] {1, 0, 1, 1}, new double[] {2, 4}, 2);
        double correct = multiLabel.correctWeight(new double[] {0.7, 0.1, 0.6, 0.3}, targets);
        assertEquals(2 * 2 + 4 * 1, correct, 0);
        assertEquals(8.0 / 12, multiLabel.accuracy(correct, 6), 0, "8 of the 12 weighted predictions");

        Task regression = NetworkSpec.parse("1,1:identity", "mse").task();
        assertEquals(0, regression.correctWeight(new double[] {1}, Block.unweighted(1, 1, new double[1],
                new double[] {1}, 1)), 0);
        assertFalse(regression.hasAccuracy());
        assertTrue(Double.isNaN(regression.accuracy(0, 1)));
        assertTrue(multiLabel.hasAccuracy());
    }
}
