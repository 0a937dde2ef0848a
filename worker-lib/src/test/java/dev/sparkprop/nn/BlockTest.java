package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.optim.LearningRateSchedules;
import dev.sparkprop.nn.optim.Optimizers;
import dev.sparkprop.nn.optim.Updater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A block of class indices stands for its one-hot targets: the same math to the last bit. */
class BlockTest {

    private static final NetworkSpec SPEC = NetworkSpec.parse("7,9:sigmoid,5:tanh,4:softmax", "cross_entropy");

    /** The problem's one-hot targets as class indices. */
    private static Block withClasses(Block oneHot) {
        int[] classes = new int[oneHot.rows()];
        for (int r = 0; r < classes.length; r++) {
            classes[r] = oneHot.targetClass(r);
            assertEquals(1.0, oneHot.targets()[r * oneHot.outputWidth() + classes[r]], "one-hot row " + r);
        }
        return Block.ofClasses(oneHot.inputWidth(), oneHot.outputWidth(), oneHot.features(), classes,
                oneHot.weights(), oneHot.rows());
    }

    @ParameterizedTest(name = "{0} fused={1}")
    @CsvSource({"FLOAT64, true", "FLOAT64, false", "FLOAT32, true", "FLOAT32, false"})
    void classIndicesGiveTheLossAndGradientOfOneHotTargetsBitForBit(Precision precision, boolean fused) {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 60, 4);
        Block oneHot = precision == Precision.FLOAT32 ? p.block().toFloat32() : p.block();
        Block indexed = precision == Precision.FLOAT32 ? withClasses(p.block()).toFloat32() : withClasses(p.block());
        assertTrue(indexed.hasClasses());
        double[] expected = new double[SPEC.layout().size()];
        double[] actual = new double[expected.length];
        double expectedLoss = new Backprop(SPEC, 60, precision, fused).accumulateGradient(p.params(), oneHot, expected);
        Backprop backprop = new Backprop(SPEC, 60, precision, fused);
        double actualLoss = backprop.accumulateGradient(p.params(), indexed, actual);
        assertArrayEquals(expected, actual);
        assertEquals(expectedLoss, actualLoss);
        assertEquals(new Backprop(SPEC, 60, precision, fused).loss(p.params(), oneHot), backprop.loss(indexed));
        // GradientSum counts the rows classified right from the class indices too.
        GradientSum fromOneHot = new GradientSum(expected.length).add(new Backprop(SPEC, 60, precision, fused),
                p.params(), oneHot);
        GradientSum fromIndices = new GradientSum(expected.length).add(backprop, p.params(), indexed);
        assertArrayEquals(fromOneHot.gradient(), fromIndices.gradient());
        assertEquals(fromOneHot.correctWeight(), fromIndices.correctWeight());
        assertTrue(fromIndices.correctWeight() > 0);
    }

    @Test
    void slicesAndTargetsReadTheClassIndices() {
        Block b = Block.ofClasses(1, 3, new double[] {1, 2, 3}, new int[] {2, 0, 1}, new double[] {1, 1, 1}, 3);
        Block tail = b.slice(1, 3);
        assertArrayEquals(new int[] {0, 1}, tail.classes());
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0}, tail.targets(new double[6]));
        assertEquals(1.0, b.target(0, 2));
        assertEquals(0.0, b.target(0, 1));
        assertEquals(2, b.targetClass(0));
        assertTrue(b.toFloat32().hasClasses());
        IllegalStateException e = assertThrows(IllegalStateException.class, b::targets);
        assertTrue(e.getMessage().contains("class indices"), e.getMessage());
    }

    @Test
    void aClassIndexOutsideTheOutputsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Block.ofClasses(1, 3, new double[] {1, 2}, new int[] {1, 3}, new double[] {1, 1}, 2));
        assertEquals("row 1 has class index 3; a block of 3 outputs takes 0 to 2", e.getMessage());
    }

    @Test
    void miniBatchTrainingOnClassIndicesEndsWithTheOneHotModelBitForBit() {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 90, 6);
        Updater adam = new Updater(SPEC.layout(), Optimizers.adam(0.9, 0.999, 1e-8),
                LearningRateSchedules.constant(0.01), 0, Updater.NO_CLIPPING);
        LocalTrainer trainer = new LocalTrainer(SPEC, adam, new LocalTrainer.Settings(3, 32, 16, 5));
        LocalTrainer.Result oneHot = trainer.fit(p.params(), p.block());
        LocalTrainer.Result indexed = trainer.fit(p.params(), withClasses(p.block()));
        assertArrayEquals(oneHot.params(), indexed.params());
        assertArrayEquals(oneHot.lossHistory(), indexed.lossHistory());
    }
}
