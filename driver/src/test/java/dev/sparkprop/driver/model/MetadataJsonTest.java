package dev.sparkprop.driver.model;

import static dev.sparkprop.driver.model.ModelSamples.PARAMETERS;
import static dev.sparkprop.driver.model.ModelSamples.PLAIN;
import static dev.sparkprop.driver.model.ModelSamples.array;
import static dev.sparkprop.driver.model.ModelSamples.assertContains;
import static dev.sparkprop.driver.model.ModelSamples.assertSameMetadata;
import static dev.sparkprop.driver.model.ModelSamples.feature;
import static dev.sparkprop.driver.model.ModelSamples.metadata;
import static dev.sparkprop.driver.model.ModelSamples.metadataCase;
import static dev.sparkprop.driver.model.ModelSamples.metrics;
import static dev.sparkprop.driver.model.ModelSamples.names;
import static dev.sparkprop.driver.model.ModelSamples.network;
import static dev.sparkprop.driver.model.ModelSamples.preprocessing;
import static dev.sparkprop.driver.model.ModelSamples.randomFinite;
import static dev.sparkprop.driver.model.ModelSamples.sample;
import static dev.sparkprop.driver.model.ModelSamples.sampleJson;
import static dev.sparkprop.driver.model.ModelSamples.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetadataJsonTest {

    private static final String SOURCE = "/models/m/metadata.json";

    @Test
    void writesTheDocumentedFormat() throws IOException {
        String text = new String(MetadataJson.write(sample().metadata()), StandardCharsets.UTF_8);

        assertTrue(text.contains("\n  \"network\" : {"), "pretty-printed: " + text);
        assertTrue(text.contains("[ 0.1, "), "0.1 is written in its shortest form: " + text);
        assertTrue(text.contains("\"validation_loss\" : \"NaN\""), "a NaN metric is a string: " + text);
        JsonNode json = PLAIN.readTree(text);
        assertEquals(List.of("formatVersion", "createdBy", "createdAt", "network", "preprocessing", "config",
                "history", "droppedRows"), names(json));
        assertEquals(2, json.get("formatVersion").intValue());
        assertEquals(Map.of("colour", 3), PLAIN.convertValue(json.get("droppedRows"), Map.class));
        assertEquals(List.of("layers", "loss", "parameters"), names(json.get("network")));
        assertEquals(PARAMETERS, json.get("network").get("parameters").intValue());
        assertEquals(List.of("features", "featureMean", "featureScale", "labels", "classes", "targetMean",
                "targetScale", "weight", "missing", "featureFill"), names(json.get("preprocessing")));
        assertEquals("drop", json.get("preprocessing").get("missing").textValue());
        assertTrue(json.get("preprocessing").get("featureFill").isNull());
        assertEquals(List.of("name", "categorical", "categories", "vectorSize"),
                names(json.get("preprocessing").get("features").get(0)));
        assertTrue(json.get("preprocessing").get("targetMean").isNull());
        assertEquals(List.of("epoch", "metrics", "seconds", "trainRowsPerSecond"), names(json.get("history").get(0)));
        assertEquals(List.of("epoch", "metrics"), names(json.get("history").get(2)), "absent where not recorded");
    }

    @Test
    void readsBackWhatItWrote() {
        ModelMetadata metadata = sample().metadata();

        assertSameMetadata(metadata, MetadataJson.read(MetadataJson.write(metadata), SOURCE));
    }

    @Test
    void everyFiniteDoubleRoundTripsBitForBit() {
        Random random = new Random(7);
        int width = 5000;
        Preprocessing p = new Preprocessing(List.of(FeatureColumn.vector("x", width)), randomFinite(random, width),
                randomFinite(random, width), List.of("y", "z"), null, new double[] {-0.0, Double.MIN_VALUE},
                new double[] {Double.MAX_VALUE, 0.1}, null, MissingValues.IMPUTE, randomFinite(random, width));
        ModelMetadata metadata = metadata(width + ",2:identity", "mse", 2 * width + 2, p);

        assertSameMetadata(metadata, MetadataJson.read(MetadataJson.write(metadata), SOURCE));
    }

    @Test
    void anUnsupportedFormatVersionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetadataJson.read(sampleJson(tree(root -> root.put("formatVersion", 7))), SOURCE));

        assertEquals(SOURCE + ": model format version 7 is not supported by this sparkprop (reads 1 and 2);"
                + " retrain or use a matching sparkprop", e.getMessage());
    }

    @Test
    void aFormat1DocumentReadsWithoutMissingValueHandling() {
        byte[] format1 = sampleJson(tree(root -> {
            root.put("formatVersion", 1);
            root.remove("droppedRows");
            preprocessing(root).remove(List.of("missing", "featureFill"));
        }));

        ModelMetadata read = MetadataJson.read(format1, SOURCE);

        assertEquals(ModelMetadata.FORMAT_VERSION, read.formatVersion());
        assertEquals(MissingValues.ERROR, read.preprocessing().missing());
        assertEquals(null, read.preprocessing().featureFill());
        assertEquals(Map.of(), read.droppedRows());
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
                metadataCase("layers: 5", tree(root -> network(root).put("layers", 5)),
                        "network.layers must be a string, got number 5"),
                metadataCase("fractional parameters", tree(root -> network(root).put("parameters", 43.5)),
                        "network.parameters must be a whole number, got number 43.5"),
                metadataCase("formatVersion as a string", tree(root -> root.put("formatVersion", "1")),
                        "formatVersion must be a whole number, got string \"1\""),
                metadataCase("no formatVersion", tree(root -> root.remove("formatVersion")),
                        "missing field formatVersion"),
                metadataCase("an unknown top-level field", tree(root -> root.put("@class", "java.lang.Runtime")),
                        "unknown field @class"),
                metadataCase("an unknown nested field", tree(root -> feature(root, 0).put("type", "x")),
                        "unknown field preprocessing.features[0].type"),
                metadataCase("version 1 with a version-2 field", tree(root -> root.put("formatVersion", 1)),
                        "unknown field droppedRows"),
                metadataCase("an unknown data.missing", tree(root -> preprocessing(root).put("missing", "mean")),
                        "preprocessing.missing must be \"error\", \"drop\" or \"impute\", got string \"mean\""),
                metadataCase("a negative dropped count",
                        tree(root -> ((ObjectNode) root.get("droppedRows")).put("colour", -1)),
                        "droppedRows.colour must be a whole number ≥ 0, got number -1"),
                metadataCase("a missing field", tree(root -> preprocessing(root).remove("labels")),
                        "missing field preprocessing.labels"),
                metadataCase("null where not allowed", tree(root -> root.putNull("createdBy")),
                        "createdBy must be a string, got null"),
                metadataCase("a config value that is not a string",
                        tree(root -> ((ObjectNode) root.get("config")).put("training.epochs", 3)),
                        "config.training.epochs must be a string, got number 3"),
                metadataCase("a metric that is not a number", tree(root -> metrics(root, 0).put("train_loss", "low")),
                        "history[0].metrics.train_loss must be a number"),
                metadataCase("epoch 0", tree(root -> ((ObjectNode) root.get("history").get(0)).put("epoch", 0)),
                        "epochs count from 1, got 0"),
                metadataCase("an epoch's time that is not a number",
                        tree(root -> ((ObjectNode) root.get("history").get(0)).put("seconds", "fast")),
                        "history[0].seconds must be a finite number"),
                metadataCase("an infinite scale (1e400)", tree(root -> array(preprocessing(root), "featureScale")
                                .set(0, PLAIN.getNodeFactory().numberNode(new BigDecimal("1e400")))),
                        "preprocessing.featureScale[0] must be a finite number, got number Infinity"),
                metadataCase("a numeric column with categories",
                        tree(root -> array(feature(root, 0), "categories").add("red")),
                        "preprocessing.features[0].categories must be empty"),
                metadataCase("fill values without imputing", tree(root -> {
                    ArrayNode fill = preprocessing(root).putArray("featureFill");
                    for (int i = 0; i < 6; i++) {
                        fill.add(0.5);
                    }
                }), "feature fill values go with data.missing = \"impute\" and only with it"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void badFieldsAreRefusedNamingThem(String name, UnaryOperator<String> edit, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetadataJson.read(sampleJson(edit), SOURCE));

        assertTrue(e.getMessage().startsWith(SOURCE + ": "), e.getMessage());
        assertContains(e, problem);
    }
}
