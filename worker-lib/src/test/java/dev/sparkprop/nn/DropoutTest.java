package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Inverted dropout: its spec, its masks, and backprop through them. */
class DropoutTest {

    @ParameterizedTest(name = "{0} {1} fused={2}")
    @CsvSource({
        "'5,6:tanh(dropout=0.3),4:softmax', cross_entropy, true",
        "'5,6:sigmoid(dropout=0.5),4:softmax', cross_entropy, false",
        "'4,7:elu(alpha=0.5,dropout=0.2),5:softplus(dropout=0.4),3:identity', mse, true",
        "'5,6:relu(dropout=0.25),6:leaky_relu(0.1,dropout=0.1),1:sigmoid', binary_cross_entropy, true",
    })
    void gradientWithFixedMasksMatchesFiniteDifferences(String layers, String loss, boolean fused) {
        NetworkSpec spec = NetworkSpec.parse(layers, loss);
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 6, 31);
        assertTrue(p.masks() != null, "a network with dropout gets fixed masks");

        GradientCheck.Result result = GradientCheck.run(spec, p.params(), p.block(), p.masks(), fused,
                GradientCheck.DEFAULT_STEP, GradientCheck.DEFAULT_MIN_ABSOLUTE_ERROR, 1e-6);

        assertTrue(result.passed(), () -> "max relative error " + result.maxRelativeError() + ": " + result.summary());
        assertTrue(result.compared() - result.excusedByAbsoluteFloor() >= 0.5 * result.parameters(), result::summary);
    }

    @Test
    void theMasksChangeTheGradientAndTheUnmaskedPassesKeepEveryOutput() {
        NetworkSpec dropping = NetworkSpec.parse("5,8:tanh(dropout=0.5),4:softmax", "cross_entropy");
        NetworkSpec plain = NetworkSpec.parse("5,8:tanh,4:softmax", "cross_entropy");
        GradientCheck.Problem p = GradientCheck.randomProblem(dropping, 6, 3);
        double[] masked = new double[plain.layout().size()];
        double[] withoutDraw = new double[plain.layout().size()];
        double[] reference = new double[plain.layout().size()];

        double maskedLoss = new Backprop(dropping, 6).accumulateGradient(p.params(), p.block(), masked, p.masks());
        double loss = new Backprop(dropping, 6).accumulateGradient(p.params(), p.block(), withoutDraw);
        double referenceLoss = new Backprop(plain, 6).accumulateGradient(p.params(), p.block(), reference);

        assertNotEquals(referenceLoss, maskedLoss);
        assertTrue(!Arrays.equals(reference, masked));
        // Without a draw (evaluation, prediction) the layer is the plain one, to the bit.
        assertEquals(referenceLoss, loss);
        assertArrayEquals(reference, withoutDraw);
        Backprop evaluating = new Backprop(dropping, 6);
        assertArrayEquals(new Backprop(plain, 6).predict(p.params(), p.block()), evaluating.predict(p.params(), p.block()));
        assertEquals(new Backprop(plain, 6).loss(p.params(), p.block()), evaluating.loss(p.params(), p.block()));
    }

    @Test
    void dropoutZeroIsTheLayerWithoutDropoutToTheBit() {
        NetworkSpec zero = NetworkSpec.parse("5,8:relu(dropout=0),4:softmax", "cross_entropy");
        NetworkSpec plain = NetworkSpec.parse("5,8:relu,4:softmax", "cross_entropy");
        assertEquals(plain.layersSpec(), zero.layersSpec());
        assertTrue(!zero.hasDropout());
        GradientCheck.Problem p = GradientCheck.randomProblem(plain, 6, 4);
        double[] a = new double[plain.layout().size()];
        double[] b = new double[plain.layout().size()];
        Dropout.Draw draw = new Dropout.Draw(1, 7, LongStream.range(0, 6).toArray());

        double lossA = new Backprop(zero, 6).accumulateGradient(p.params(), p.block(), a, draw);
        double lossB = new Backprop(plain, 6).accumulateGradient(p.params(), p.block(), b);

        assertEquals(lossB, lossA);
        assertArrayEquals(b, a);
    }

    /** A row's mask is its own: the block's sums are the sums of its rows' (to the rounding of their order). */
    @Test
    void aRowsMasksDependOnItsIdNotOnItsPlaceInTheBlock() {
        NetworkSpec spec = NetworkSpec.parse("6,8:relu(dropout=0.5),5:tanh(dropout=0.3),4:softmax", "cross_entropy");
        int rows = 9;
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, rows, 11);
        long[] ids = {40, 3, 17, 5, 9, 100, 2, 33, 8};
        int n = spec.layout().size();
        double[] blockGrad = new double[n];
        double blockLoss = new Backprop(spec, rows).accumulateGradient(p.params(), p.block(), blockGrad,
                new Dropout.Draw(5, 12, ids));

        double[] rowGrads = new double[n];
        double rowLoss = 0;
        Backprop single = new Backprop(spec, 1);
        // The rows in another order, one block each: each carries its id.
        for (int r = rows - 1; r >= 0; r--) {
            rowLoss += single.accumulateGradient(p.params(), p.block().slice(r, r + 1), rowGrads,
                    new Dropout.Draw(5, 12, new long[] {ids[r]}));
        }
        // Sums of the same nine terms in two orders: they agree to a few ulps of their size.
        assertEquals(rowLoss, blockLoss, 1e-12 * Math.abs(rowLoss));
        for (int i = 0; i < n; i++) {
            assertEquals(rowGrads[i], blockGrad[i], 1e-12 * (1 + Math.abs(rowGrads[i])), spec.layout().describe(i));
        }
        double[] otherStep = new double[n];
        new Backprop(spec, rows).accumulateGradient(p.params(), p.block(), otherStep, new Dropout.Draw(5, 13, ids));
        assertTrue(!Arrays.equals(blockGrad, otherStep), "another step draws other masks");
    }

    @Test
    void aboutTheFractionPOfOutputsIsDroppedAndEachInputNamesItsOwnMask() {
        double p = 0.3;
        int dropped = 0;
        int n = 0;
        for (long row = 0; row < 200; row++) {
            for (int unit = 0; unit < 100; unit++, n++) {
                dropped += Dropout.kept(42, 3, row, 2, unit, p) ? 0 : 1;
            }
        }
        // Binomial(20000, 0.3): standard deviation 65; 5 of them is a one-in-a-million miss.
        assertEquals(p * n, dropped, 5 * Math.sqrt(n * p * (1 - p)));
        int differ = 0;
        for (int unit = 0; unit < 1000; unit++) {
            boolean k = Dropout.kept(42, 3, 7, 2, unit, 0.5);
            differ += k != Dropout.kept(43, 3, 7, 2, unit, 0.5) ? 1 : 0;
            differ += k != Dropout.kept(42, 4, 7, 2, unit, 0.5) ? 1 : 0;
            differ += k != Dropout.kept(42, 3, 8, 2, unit, 0.5) ? 1 : 0;
            differ += k != Dropout.kept(42, 3, 7, 3, unit, 0.5) ? 1 : 0;
        }
        // Independent masks differ in half the units: 2000 of 4000, standard deviation 32.
        assertEquals(2000, differ, 5 * 32);
        assertTrue(Dropout.kept(1, 1, 1, 1, 1, 0.0), "p = 0 keeps everything");
    }

    @Test
    void float32DropsTheSameOutputsAsFloat64() {
        NetworkSpec spec = NetworkSpec.parse("20,32:relu(dropout=0.4),16:tanh(dropout=0.2),5:softmax", "cross_entropy");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 200, 17);
        double[] exact = new double[spec.layout().size()];
        double[] single = new double[spec.layout().size()];
        double[] unmasked = new double[spec.layout().size()];

        new Backprop(spec, 200, Precision.FLOAT64, true).accumulateGradient(p.params(), p.block(), exact, p.masks());
        new Backprop(spec, 200, Precision.FLOAT32, true).accumulateGradient(p.params(), p.block().toFloat32(), single,
                p.masks());
        new Backprop(spec, 200, Precision.FLOAT64, true).accumulateGradient(p.params(), p.block(), unmasked);

        // As Float32PrecisionTest: float32's rounding leaves the gradients 1e-5 apart at most.
        assertTrue(Float32PrecisionTest.relativeDistance(single, exact) < 1e-5);
        assertTrue(Float32PrecisionTest.relativeDistance(unmasked, exact) > 1e-2, "the masks matter at this size");
    }

    @Test
    void specsGiveDropoutAmongTheActivationsArgumentsAndRenderItBack() {
        NetworkSpec spec = NetworkSpec.parse("4, 16:RELU(dropout=0.2), 8:elu(alpha=0.5, dropout=0.5),"
                + " 6:leaky_relu(0.1,dropout=0.1), 3:softmax", "cross_entropy");
        assertEquals("4,16:relu(dropout=0.2),8:elu(alpha=0.5,dropout=0.5),6:leaky_relu(slope=0.1,dropout=0.1),3:softmax",
                spec.layersSpec());
        assertEquals(0.2, spec.layers().get(0).dropout());
        assertEquals(spec.layersSpec(), NetworkSpec.parse(spec.layersSpec(), "cross_entropy").layersSpec());
        assertTrue(spec.hasDropout());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "4,16:relu(dropout=1),3:softmax | activation relu: dropout must be in [0, 1), got 1.0 (in 'relu(dropout=1)');"
                + " e.g. relu(dropout=0.0)",
        "4,16:relu(dropout=-0.1),3:softmax | activation relu: dropout must be in [0, 1), got -0.1",
        "4,16:relu(dropout=high),3:softmax | activation relu: dropout must be a decimal number such as 0.9 or 1e-8,"
                + " got 'high'",
        "4,16:relu(drop=0.2),3:softmax | activation relu has no parameter 'drop' (in 'relu(drop=0.2)'); it takes"
                + " dropout, e.g. relu(dropout=0.0)",
        "4,16:relu,3:softmax(dropout=0.2) | layer 2 (3:softmax(dropout=0.2)) is the output layer, which dropout never"
                + " applies to",
    })
    void badDropoutGetsOneMessageNamingIt(String layers, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpec.parse(layers, "cross_entropy"));
        assertTrue(e.getMessage().startsWith(message.trim()), e.getMessage());
    }
}
