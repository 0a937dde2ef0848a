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
