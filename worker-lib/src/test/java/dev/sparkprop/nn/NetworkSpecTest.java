package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkSpecTest {

    @Test
    void parsesLayersAndLossAndReportsWidths() {
        NetworkSpec spec = NetworkSpec.parse("5, 7:tanh, 4:softmax", "cross_entropy");
        assertEquals(5, spec.inputWidth());
        assertEquals(2, spec.depth());
        assertEquals(7, spec.width(1));
        assertEquals(4, spec.outputWidth());
        assertEquals("5,7:tanh,4:softmax loss=cross_entropy(reduction=sum)", spec.toString());
        assertEquals(spec.toString(), NetworkSpec.parse(spec.layersSpec(), spec.loss().name()).toString());
    }

    @Test
    void anAutoInputWidthIsFilledInFromTheDataAndNeverTrainedUnresolved() {
        assertTrue(NetworkSpec.hasAutoInputWidth(" Auto , 16:relu,3:softmax"));
        assertTrue(!NetworkSpec.hasAutoInputWidth("4,16:relu,3:softmax"));
        assertEquals("26, 16:relu,3:softmax", NetworkSpec.withInputWidth("auto, 16:relu,3:softmax", 26));
        assertEquals("4,16:relu,3:softmax", NetworkSpec.withInputWidth("4,16:relu,3:softmax", 26));
        assertEquals("26,16:relu,3:softmax",
                NetworkSpec.parse(NetworkSpec.withInputWidth("auto,16:relu,3:softmax", 26), "cross_entropy").layersSpec());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpec.parse("auto,16:relu,3:softmax", "cross_entropy"));
        assertTrue(e.getMessage().contains("comes from the data"), e.getMessage());
        // The layers after it are checked before the data is read
        NetworkSpec.checkLayers("auto,16:relu,3:softmax");
        e = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.checkLayers("auto,16:swish,3:softmax"));
        assertTrue(e.getMessage().contains("swish"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpec.parseForChecks("auto,16:relu,1:softmax", "cross_entropy"));
        assertTrue(e.getMessage().contains("softmax over 1 unit"), e.getMessage());
        // A message quotes the spec as written, not with a stand-in for auto
        e = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.checkLayers("auto,16:relu,auto:softmax"));
        assertTrue(e.getMessage().startsWith("units of layer 2 in 'auto,16:relu,auto:softmax' must be a whole number,"
                + " got 'auto'"), e.getMessage());
    }

    @Test
    void layoutPlacesEachLayersWeightsThenBiasesContiguously() {
        ParameterLayout layout = NetworkSpec.parse("5,7:tanh,4:softmax", "mse").layout();
        assertEquals(0, layout.weightOffset(1));
        assertEquals(35, layout.biasOffset(1));
        assertEquals(42, layout.weightOffset(2));
        assertEquals(70, layout.biasOffset(2));
        assertEquals(74, layout.size());
        assertTrue(layout.isWeight(34));
        assertTrue(!layout.isWeight(35));
        assertEquals("W1[2,3]", layout.describe(3 * 7 + 2));
        assertEquals("b2[3]", layout.describe(73));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(delimiter = '|', value = {
        "5,0:relu,2:identity | mse | layer 1 has 0 units",
        "0,3:relu | mse | input width must be at least 1",
        "5 | mse | at least one layer",
        "5,3:swish | mse | unknown activation 'swish'",
        "5,3 | mse | must read <units>:<activation>",
        "5,x:relu | mse | units of layer 1",
        "5,4:relu,1:softmax | mse | softmax over 1 unit",
        "5,4:relu,3:sigmoid | cross_entropy | cross_entropy needs a softmax output layer",
        "5,4:relu,3:softmax | binary_cross_entropy | binary_cross_entropy needs a sigmoid output layer",
        "5,4:relu,3:identity | hinge | unknown loss 'hinge'",
        "5,4:relu,3:identity | mse:median | loss mse: reduction must be sum or mean, got 'median' (in 'mse:median')",
        "5,4:relu,3:identity | mse:sum(x) | loss mse: reduction must be sum or mean, got 'sum(x)'",
        "5,4:relu,3:identity | huber(delta=1.0,reduction=mean):sum | loss huber is given reduction twice, as ':sum'"
                + " and as reduction=mean",
        "5,4:relu,3:identity | huber(delta=0) | loss huber: delta must be a finite number > 0, got 0.0",
        "5,4:relu,3:identity | mse(1.0) | loss mse: reduction must be sum or mean, got '1.0'",
        "5,4:leaky_relu(2),3:identity | mse | activation leaky_relu: slope must be in [0, 1), got 2.0",
        "5,4:elu(alpha=-1),3:identity | mse | activation elu: alpha must be a finite number > 0, got -1.0",
        "5,4:elu(beta=1),3:identity | mse | activation elu has no parameter 'beta' (in 'elu(beta=1)'); it takes alpha",
        "5,4:relu:sum,3:identity | mse | activation specs take no ':' suffix",
        "5,4:tanh(2),3:identity | mse | takes no parameter",
    })
    void invalidDescriptionsFailWithAMessageNamingTheProblem(String layers, String loss, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.parse(layers, loss));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void layersWithParameterisedActivationsRenderCanonicallyAndReadBack() {
        NetworkSpec spec = NetworkSpec.parse("4, 8:LEAKY_RELU(0.05), 6:elu(alpha=0.5), 3:softmax,", "cross_entropy:sum");
        assertEquals("4,8:leaky_relu(slope=0.05),6:elu(alpha=0.5),3:softmax", spec.layersSpec());
        assertEquals(spec.layers(), NetworkSpec.parse(spec.layersSpec(), spec.loss().name()).layers());
        assertEquals(spec.loss(), NetworkSpec.parse(spec.layersSpec(), spec.loss().name()).loss());
    }
}
