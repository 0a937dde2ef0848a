package dev.sparkprop.driver.model;

import static dev.sparkprop.driver.model.ModelSamples.array;
import static dev.sparkprop.driver.model.ModelSamples.assertContains;
import static dev.sparkprop.driver.model.ModelSamples.metadataCase;
import static dev.sparkprop.driver.model.ModelSamples.network;
import static dev.sparkprop.driver.model.ModelSamples.preprocessing;
import static dev.sparkprop.driver.model.ModelSamples.sample;
import static dev.sparkprop.driver.model.ModelSamples.sampleJson;
import static dev.sparkprop.driver.model.ModelSamples.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelConsistencyTest {

    static Stream<Arguments> inconsistentMetadata() {
        return Stream.of(
                metadataCase("layers the network parser rejects",
                        tree(root -> network(root).put("layers", "6,4:nope,3:softmax")),
                        "network.layers '6,4:nope,3:softmax' with loss 'cross_entropy' is not a valid network:"
                                + " unknown activation 'nope'"),
                metadataCase("parameters not matching the layers", tree(root -> network(root).put("parameters", 42)),
                        "network.parameters is 42 but layers 6,4:tanh,3:softmax have 43"),
                metadataCase("features narrower than the input",
                        tree(root -> array(preprocessing(root), "features").remove(2)),
                        "preprocessing.features encode to 4 inputs but the network takes 6"),
                metadataCase("classes not matching the softmax units",
                        tree(root -> array(preprocessing(root), "classes").add("extra")),
                        "preprocessing.classes has 4 classes but the network's 3 outputs score 3"),
                metadataCase("featureMean too short", tree(root -> array(preprocessing(root), "featureMean").remove(0)),
                        "preprocessing.featureMean has 5 values but there are 6 network inputs"),
                metadataCase("imputing with too few fill values", tree(root -> {
                    preprocessing(root).put("missing", "impute");
                    preprocessing(root).putArray("featureFill").add(0.5);
                }), "preprocessing.featureFill has 1 values but there are 6 network inputs"),
                metadataCase("featureScale too long", tree(root -> array(preprocessing(root), "featureScale").add(1.0)),
                        "preprocessing.featureScale has 7 values but there are 6 network inputs"),
                metadataCase("targetScale not one per output",
                        tree(root -> preprocessing(root).putArray("targetScale").add(1.0)),
                        "preprocessing.targetScale has 1 values but there are 3 network outputs"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inconsistentMetadata")
    void metadataNotMatchingItsNetworkIsRefused(String name, UnaryOperator<String> edit, String problem) {
        ModelMetadata metadata = MetadataJson.read(sampleJson(edit), "test");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelConsistency.check(metadata));

        assertContains(e, problem);
    }

    @Test
    void theSampleIsConsistent() {
        ModelConsistency.check(sample().metadata());
        ModelConsistency.checkParams(sample().metadata(), sample().params(), "test");
    }

    @Test
    void weightsOfAnotherLengthOrNotFiniteAreRefused() {
        ModelMetadata metadata = sample().metadata();
        double[] infinite = sample().params().clone();
        infinite[40] = Double.NEGATIVE_INFINITY;

        IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class,
                () -> ModelConsistency.checkParams(metadata, new double[3], "the source"));
        IllegalArgumentException notFinite = assertThrows(IllegalArgumentException.class,
                () -> ModelConsistency.checkParams(metadata, infinite, "the source"));

        assertEquals("the source: there are 3 parameters but network.parameters is 43", shorter.getMessage());
        assertEquals("the source: parameter b2[0] (index 40) is -Infinity; a model with non-finite weights cannot"
                + " predict", notFinite.getMessage());
    }
}
