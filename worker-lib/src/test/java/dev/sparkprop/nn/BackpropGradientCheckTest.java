package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Backprop against central finite differences for every activation and every loss it fits. */
class BackpropGradientCheckTest {

    private static final List<String> ACTIVATIONS = List.of(
            "identity", "sigmoid", "tanh", "relu", "leaky_relu(0.1)", "elu", "elu(0.5)", "softplus", "softmax");
    private static final List<String> REGRESSION_LOSSES = List.of("mse", "mse:sum", "huber(0.5)", "huber(2.0):sum");

    /** (layers, loss, rows, fused head): each activation as hidden and as output layer. */
    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        for (String f : ACTIVATIONS) {
            for (int rows : new int[] {1, 6}) {
                // f on the output, under every regression loss, at depths 1 to 3.
                for (String loss : REGRESSION_LOSSES) {
                    cases.add(Arguments.of("4,3:" + f, loss, rows, true));
                }
                cases.add(Arguments.of("4,5:tanh,3:" + f, "mse", rows, true));
                cases.add(Arguments.of("3,6:softplus,4:sigmoid,3:" + f, "huber(1.0)", rows, true));
                // f hidden, under each classification head, general and fused.
                for (boolean fused : new boolean[] {true, false}) {
                    cases.add(Arguments.of("5,6:" + f + ",4:softmax", "cross_entropy", rows, fused));
                    cases.add(Arguments.of("5,6:" + f + ",4:softmax", "cross_entropy:mean", rows, fused));
                    cases.add(Arguments.of("5,6:" + f + ",3:sigmoid", "binary_cross_entropy", rows, fused));
                    cases.add(Arguments.of("5,6:" + f + ",4:" + f + ",1:sigmoid", "binary_cross_entropy:sum", rows, fused));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} loss={1} rows={2} fused={3}")
    @MethodSource("networks")
    void backpropMatchesFiniteDifferences(String layers, String loss, int rows, boolean fused) {
        NetworkSpec spec = NetworkSpec.parse(layers, loss);
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, rows, 42 + rows);

        GradientCheck.Result result = GradientCheck.run(spec, p.params(), p.block(), fused,
                GradientCheck.DEFAULT_STEP, GradientCheck.DEFAULT_MIN_ABSOLUTE_ERROR, 1e-6);

        assertTrue(result.passed(), () -> "max relative error " + result.maxRelativeError() + ": " + result.summary());
        // Most parameters must really be compared, not waved through by the floor or a kink.
        assertTrue(result.compared() - result.excusedByAbsoluteFloor() >= 0.8 * result.parameters(), result::summary);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongGradients")
    void gradientCheckCatchesAWrongGradientEntry(String activation) {
        NetworkSpec spec = NetworkSpec.parse("3,4:" + activation + ",2:identity", "mse");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 5, 7);
        Backprop backprop = new Backprop(spec, 5);
        double[] grad = new double[spec.layout().size()];
        backprop.accumulateGradient(p.params(), p.block(), grad);
        int wrong = spec.layout().weightOffset(2) + 3;
        grad[wrong] *= 1 + 1e-4;

        GradientCheck.Result result = GradientCheck.compare(backprop, p.params(), p.block(), grad,
                GradientCheck.DEFAULT_STEP, 1e-9, 1e-6);

        assertTrue(!result.passed(), result::summary);
        assertEquals(wrong, result.worstIndex());
        assertEquals("W2[1,1]", result.worstParameter());
    }

    static Stream<String> wrongGradients() {
        return Stream.of("tanh", "relu");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinked")
    void reluKinksAreSkippedNotLoosened(String layers) {
        NetworkSpec spec = NetworkSpec.parse(layers, "mse");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 4, 3);
        // Put the first hidden unit's pre-activation of row 0 a hair from the kink: its bias's
        // ±ε differences straddle it.
        ParameterLayout layout = spec.layout();
        double z = preActivation(spec, p, 0);
        p.params()[layout.biasOffset(1)] -= z - 1e-5;

        GradientCheck.Result result = GradientCheck.run(spec, p.params(), p.block(), true,
                GradientCheck.DEFAULT_STEP, 1e-9, 1e-6);

        assertTrue(result.skippedAtKinks() >= 1, result::summary);
        assertTrue(result.passed(), result::summary);
    }

    static Stream<String> kinked() {
        return Stream.of("3,4:relu,2:identity", "3,4:leaky_relu(0.2),2:tanh");
    }

    private static double preActivation(NetworkSpec spec, GradientCheck.Problem p, int unit) {
        Backprop backprop = new Backprop(spec, p.block().rows());
        backprop.loss(p.params(), p.block());
        return backprop.preActivation(1)[unit];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networksForRowSums")
    void blockGradientIsTheSumOfRowGradients(String layers, String loss) {
        NetworkSpec spec = NetworkSpec.parse(layers, loss);
        int rows = 9;
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, rows, 11);
        int n = spec.layout().size();
        double[] blockGrad = new double[n];
        double blockLoss = new Backprop(spec, rows).accumulateGradient(p.params(), p.block(), blockGrad);

        double[] rowGrads = new double[n];
        double rowLoss = 0;
        Backprop single = new Backprop(spec, 1);
        int in = spec.inputWidth();
        int out = spec.outputWidth();
        for (int r = 0; r < rows; r++) {
            Block one = new Block(in, out,
                    java.util.Arrays.copyOfRange(p.block().features(), r * in, (r + 1) * in),
                    java.util.Arrays.copyOfRange(p.block().targets(), r * out, (r + 1) * out),
                    new double[] {p.block().weights()[r]}, 1);
            rowLoss += single.accumulateGradient(p.params(), one, rowGrads);
        }
        assertEquals(rowLoss, blockLoss, 1e-12 * Math.abs(rowLoss));
        for (int i = 0; i < n; i++) {
            assertEquals(rowGrads[i], blockGrad[i], 1e-12 * (1 + Math.abs(rowGrads[i])), spec.layout().describe(i));
        }
    }

    static Stream<Arguments> networksForRowSums() {
        return Stream.of(Arguments.of("6,8:relu,5:tanh,4:softmax", "cross_entropy"),
                Arguments.of("3,7:elu,2:identity", "huber(0.3)"));
    }
}
