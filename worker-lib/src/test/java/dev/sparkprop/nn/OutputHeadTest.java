package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused log-sum-exp heads and the general Jacobian route compute the same loss and delta. */
class OutputHeadTest {

    @ParameterizedTest(name = "{0} {1} rows={2}")
    @CsvSource({
        "'6,5:tanh,4:softmax', cross_entropy, 7",
        "'6,5:tanh,4:softmax', cross_entropy:mean, 1",
        "'6,5:relu,3:sigmoid', binary_cross_entropy, 7",
        "'6,5:relu,1:sigmoid', binary_cross_entropy:sum, 4",
    })
    void fusedAndGeneralHeadsAgree(String layers, String loss, int rows) {
        NetworkSpec spec = NetworkSpec.parse(layers, loss);
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, rows, 5);
        assertTrue(spec.outputHead(true).isFused());
        assertFalse(spec.outputHead(false).isFused());
        double[] fusedGrad = new double[spec.layout().size()];
        double[] generalGrad = new double[spec.layout().size()];

        double fusedLoss = new Backprop(spec, rows, true).accumulateGradient(p.params(), p.block(), fusedGrad);
        double generalLoss = new Backprop(spec, rows, false).accumulateGradient(p.params(), p.block(), generalGrad);

        assertEquals(generalLoss, fusedLoss, 1e-13 * Math.abs(generalLoss));
        for (int i = 0; i < fusedGrad.length; i++) {
            assertEquals(generalGrad[i], fusedGrad[i], 1e-13 * (1 + Math.abs(generalGrad[i])));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"cross_entropy", "cross_entropy:mean"})
    void float32SoftmaxCrossEntropyHeadMatchesTheDoubleHead(String loss) {
        int units = 4;
        int rows = 300;
        java.util.SplittableRandom random = new java.util.SplittableRandom(4);
        float[] z = new float[units * rows];
        double[] y = new double[z.length];
        double[] w = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < units; i++) {
                z[r * units + i] = (float) (random.nextGaussian() * (r % 3 == 0 ? 30 : 2));
            }
            // One-hot rows, and soft labels that do not sum to 1.
            if (r % 2 == 0) {
                y[r * units + random.nextInt(units)] = 1;
            } else {
                y[r * units + random.nextInt(units)] = 0.7;
                y[r * units + random.nextInt(units)] += 0.5;
            }
            w[r] = 0.5 + r % 3;
        }
        z[1] = 800;
        z[2] = -800;
        float[] a = new float[z.length];
        FloatSoftmax softmax = new FloatSoftmax(units, rows);
        softmax.apply(z, units, rows);
        softmax.values(a);
        float[] delta = new float[z.length];
        OutputHead head = OutputHead.forLayer(Activations.softmax(), Losses.parse(loss), true);
        double float32 = ((OutputHead.Float32) head).lossAndDelta(z, a, y, w, delta, units, rows);

        double[] exactA = new double[z.length];
        double[] exactDelta = new double[z.length];
        Activations.softmax().apply(SoftmaxTest.widened(z), exactA, units, rows);
        double exact = head.lossAndDelta(SoftmaxTest.widened(z), exactA, y, w, exactDelta, units, rows);
        assertEquals(exact, float32, 1e-6 * Math.abs(exact));
        for (int i = 0; i < z.length; i++) {
            // a's float rounding, times a weight below 3 and Σy below 2.
            assertEquals(exactDelta[i], delta[i], 1e-6, "delta " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"cross_entropy, softmax", "binary_cross_entropy, sigmoid"})
    void fusedHeadStaysFiniteWhereTheOutputSaturates(String loss, String activation) {
        // z = ±800 puts a at exactly 0 or 1 in double; the true loss is 800 for the wrong class.
        double[] z = {800, -800};
        double[] y = {0, 1};
        double[] a = new double[2];
        Activation f = Activations.parse(activation);
        f.apply(z, a, 2, 1);
        double[] delta = new double[2];
        OutputHead fused = OutputHead.forLayer(f, Losses.parse(loss + ":sum"), true);

        double value = fused.lossAndDelta(z, a, y, new double[] {1}, delta, 2, 1);

        assertEquals(1600, value, 1e-9);
        assertEquals(1, delta[0], 1e-15);
        assertEquals(-1, delta[1], 1e-15);
        double general = OutputHead.general(f, Losses.parse(loss + ":sum")).lossAndDelta(z, a, y, new double[] {1},
                new double[2], 2, 1);
        assertTrue(Double.isInfinite(general), "the general route takes log 0 here; that is why fused exists");
    }
}
