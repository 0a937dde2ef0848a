package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one spec syntax, its older shorthands and the canonical rendering, for activations, losses and initializers. */
class SpecTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "leaky_relu(0.05)           | leaky_relu(slope=0.05)",
        "leaky_relu                 | leaky_relu(slope=0.01)",
        "LEAKY_RELU( 0.2 )          | leaky_relu(slope=0.2)",
        "elu(1.0)                   | elu(alpha=1.0)",
        "elu                        | elu(alpha=1)",
        "elu(0.5)                   | elu(alpha=5e-1)",
        "linear                     | identity",
        "relu()                     | relu",
    })
    void oldAndNewSpellingsOfAnActivationGiveEqualActivations(String old, String named) {
        assertEquals(Activations.parse(named), Activations.parse(old));
        assertEquals(Activations.parse(named).name(), Activations.parse(old).name());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "huber(1.0)                 | huber(delta=1.0,reduction=mean)",
        "huber(0.5):sum             | huber(delta=0.5,reduction=sum)",
        "huber:sum                  | huber(reduction=sum)",
        "huber(0.5, reduction=sum)  | huber(delta=0.5):sum",
        "mse                        | mse(reduction=mean)",
        "mse:sum                    | mse(reduction=sum)",
        "mean_squared_error:sum     | mse(sum)",
        "cross_entropy              | cross_entropy(reduction=sum)",
        "cross_entropy:mean         | cross_entropy(reduction=mean)",
        "categorical_crossentropy   | cross_entropy(sum)",
        "binary_cross_entropy       | binary_cross_entropy(reduction=mean)",
        "BCE:SUM                    | binary_cross_entropy(reduction=sum)",
    })
    void oldAndNewSpellingsOfALossGiveEqualLosses(String old, String named) {
        assertEquals(Losses.parse(named), Losses.parse(old));
        assertEquals(Losses.parse(named).reduction(), Losses.parse(old).reduction());
    }

    @Test
    void theCanonicalRenderingShowsEveryParameterAndReadsBackToAnEqualObject() {
        // Defaults are shown too, so a saved name means the same whatever later defaults become.
        assertEquals("huber(delta=1.0,reduction=mean)", Losses.parse("huber").name());
        assertEquals("cross_entropy(reduction=sum)", Losses.parse("cross_entropy").name());
        assertEquals("mse(reduction=mean)", Losses.parse("mse").name());
        assertEquals("binary_cross_entropy(reduction=mean)", Losses.parse("binary_cross_entropy").name());
        assertEquals("leaky_relu(slope=0.01)", Activations.parse("leaky_relu").name());
        assertEquals("elu(alpha=1.0)", Activations.parse("elu").name());
        assertEquals("identity", Activations.parse("linear").name());
        // values with no short decimal check that the rendering keeps every bit
        List<Loss> losses = List.of(Losses.huber(0.1 + 0.2, Loss.Reduction.SUM), Losses.huber(1e-300, Loss.Reduction.MEAN),
                Losses.mse(Loss.Reduction.SUM), Losses.crossEntropy(Loss.Reduction.MEAN),
                Losses.binaryCrossEntropy(Loss.Reduction.SUM));
        for (Loss loss : losses) {
            assertEquals(loss, Losses.parse(loss.name()), loss.name());
            assertEquals(loss.name(), Losses.parse(loss.name()).name());
        }
        List<Activation> activations = List.of(Activations.leakyRelu(1.0 / 3), Activations.elu(0.1 + 0.2),
                Activations.leakyRelu(0), Activations.softmax(), Activations.softplus());
        for (Activation f : activations) {
            assertEquals(f, Activations.parse(f.name()), f.name());
        }
        for (String name : Activations.NAMES) {
            Activation f = Activations.parse(name);
            assertEquals(f, Activations.parse(f.name()), name);
        }
    }

    @Test
    void differentParametersGiveDifferentObjects() {
        assertNotEquals(Activations.parse("leaky_relu(0.1)"), Activations.parse("leaky_relu(0.2)"));
        assertNotEquals(Activations.parse("elu(1.0)"), Activations.parse("leaky_relu(1e-9)"));
        assertNotEquals(Losses.parse("huber(1.0)"), Losses.parse("huber(2.0)"));
        assertNotEquals(Losses.parse("mse:sum"), Losses.parse("mse:mean"));
        assertNotEquals(Losses.parse("mse"), Losses.parse("huber"));
    }

    @Test
    void parsedActivationsComputeWithTheirParameter() {
        ElementwiseActivation f = (ElementwiseActivation) Activations.parse("leaky_relu(0.25)");
        assertEquals(-0.5, f.value(-2), 0);
        assertEquals(0.25, f.parameter(), 0);
        ElementwiseActivation g = (ElementwiseActivation) Activations.parse("elu(alpha=2)");
        assertEquals(2 * Math.expm1(-1), g.value(-1), 0);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "swish         | unknown activation 'swish'; use one of [identity, sigmoid, tanh, relu, leaky_relu, elu,"
                + " softplus, softmax], e.g. leaky_relu(slope=0.01)",
        "''            | unknown activation ''",
        "leaky_relu(x) | activation leaky_relu: slope must be a decimal number such as 0.9 or 1e-8, got 'x'"
                + " (in 'leaky_relu(x)'); e.g. leaky_relu(slope=0.01)",
        "leaky_relu(0.1 | malformed activation 'leaky_relu(0.1': it must end with ')'; write leaky_relu or"
                + " leaky_relu(key=value,...), e.g. leaky_relu(slope=0.01)",
        "elu(1,alpha=2) | malformed activation 'elu(1,alpha=2)': it gives 'alpha' twice",
        "tanh(2)       | activation tanh takes no parameter, got '2' (in 'tanh(2)'); write tanh",
        "relu(x=1)     | activation relu has no parameter 'x' (in 'relu(x=1)'); it takes none; write relu",
        "elu(=1)       | malformed activation 'elu(=1)': argument '=1' must read key=value",
    })
    void badActivationSpecsNameTheSpecTheBadPartAndAnExample(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activations.parse(spec));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "hinge                       | unknown loss 'hinge'; use one of [mse, huber, cross_entropy,"
                + " binary_cross_entropy], e.g. mse(reduction=mean)",
        "mse:                        | malformed loss 'mse:': nothing follows its ':'",
        "huber(reduction=sum):mean   | loss huber is given reduction twice, as ':mean' and as reduction=sum"
                + " (in 'huber(reduction=sum):mean'); give it once, e.g. huber(delta=1.0,reduction=mean)",
        "huber(2.0,0.5)              | argument '0.5' must read key=value: only the first argument may leave"
                + " out its key (it is then delta)",
        "huber(delta=inf)            | delta must be a decimal number such as 0.9 or 1e-8, got 'inf'",
        "huber(-1)                   | loss huber: delta must be a finite number > 0, got -1.0 (in 'huber(-1)')",
        "cross_entropy(eps=1)        | loss cross_entropy has no parameter 'eps' (in 'cross_entropy(eps=1)');"
                + " it takes reduction, e.g. cross_entropy(reduction=sum)",
    })
    void badLossSpecsNameTheSpecTheBadPartAndAnExample(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.parse(spec));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void factoriesCheckTheDeclaredRanges() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activations.leakyRelu(1));
        assertEquals("activation leaky_relu: slope must be in [0, 1), got 1.0; e.g. leaky_relu(slope=0.01)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.huber(Double.NaN, Loss.Reduction.MEAN));
        assertEquals("loss huber: delta must be a finite number > 0, got NaN; e.g. huber(delta=1.0,reduction=mean)",
                e.getMessage());
    }

    @Test
    void initializersAreSpecsWithoutParameters() {
        assertEquals(Initializer.XAVIER_NORMAL, Initializer.parse(" Glorot_Normal "));
        assertEquals(Initializer.HE_UNIFORM, Initializer.parse("he_uniform()"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initializer.parse("lecun"));
        assertEquals("unknown initializer 'lecun'; use one of [xavier_uniform, xavier_normal, he_uniform, he_normal],"
                + " e.g. xavier_uniform", e.getMessage());
    }

    @Test
    void theReaderSplitsArgumentsAtTopLevelCommasOnly() {
        Spec spec = Spec.read(" Warmup( 10 , then = cosine(total=5,min_lr=0) ) ");
        assertEquals("warmup", spec.name());
        assertNull(spec.problem());
        assertEquals(List.of(new Spec.Argument(null, "10"), new Spec.Argument("then", "cosine(total=5,min_lr=0)")),
                spec.arguments());
        Spec suffixed = Spec.read("huber(0.5):SUM");
        assertEquals("sum", suffixed.suffix());
        assertEquals(List.of(new Spec.Argument(null, "0.5")), suffixed.arguments());
        assertEquals("its parentheses do not balance", Spec.read("a(b=c(d)").problem());
        assertEquals("its parentheses do not balance", Spec.read("a(b=c))").problem());
        assertEquals(List.of("4", "8:elu(alpha=1.0)", "3:f(a=1,b=2)"), Spec.splitList("4, 8:elu(alpha=1.0) ,3:f(a=1,b=2)"));
    }

    @Test
    void numbersRenderSoTheyReadBackToTheSameDouble() {
        assertEquals("0.9", Spec.number(0.9));
        assertEquals("1.0", Spec.number(1));
        assertEquals("1e-8", Spec.number(1e-8));
        assertEquals("-1.5e-10", Spec.number(-1.5e-10));
        assertEquals("1e20", Spec.number(1e20));
        for (double x : new double[] {0.1 + 0.2, 1.0 / 3, 1e-300, Double.MIN_VALUE, -123456.789e100}) {
            assertEquals(x, Double.parseDouble(Spec.number(x)), 0, Spec.number(x));
        }
    }
}
