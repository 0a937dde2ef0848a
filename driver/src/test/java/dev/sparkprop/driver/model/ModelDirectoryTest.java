package dev.sparkprop.driver.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelDirectoryTest {

    static final String LAYERS = "6,4:tanh,3:softmax";
    static final int PARAMETERS = 6 * 4 + 4 + 4 * 3 + 3;
    static final ObjectMapper PLAIN = new ObjectMapper();

    @TempDir
    Path tmp;

    // ---- writing and reading back ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain local path", "file:// URI"})
    void roundTripIsExact(String kind) {
        Path dir = tmp.resolve("model");
        String path = kind.startsWith("file") ? dir.toUri().toString() : dir.toString();
        assertTrue(path.startsWith(kind.startsWith("file") ? "file:///" : "/"), path);
        SavedModel model = sample();

        ModelDirectory.write(model, path, false, new Configuration());
        SavedModel read = ModelDirectory.read(path, new Configuration());

        assertSameModel(model, read);
    }

    @Test
    void everyFiniteDoubleRoundTripsBitForBitThroughTheJson() {
        Random random = new Random(7);
        int width = 5000;
        double[] mean = randomFinite(random, width);
        double[] scale = randomFinite(random, width);
        double[] params = randomFinite(random, 2 * width + 2);
        Preprocessing p = new Preprocessing(List.of(FeatureColumn.vector("x", width)), mean, scale, List.of("y", "z"),
                null, new double[] {-0.0, Double.MIN_VALUE}, new double[] {Double.MAX_VALUE, 0.1}, null,
                MissingValues.IMPUTE, randomFinite(random, width));
        SavedModel model = new SavedModel(metadata(width + ",2:identity", "mse", 2 * width + 2, p), params);
        String path = tmp.resolve("model").toString();

        ModelDirectory.write(model, path, false, new Configuration());

        assertSameModel(model, ModelDirectory.read(path, new Configuration()));
    }

    @Test
    void filesFollowTheDocumentedFormat() throws IOException {
        Path dir = tmp.resolve("model");
        SavedModel model = sample();

        ModelDirectory.write(model, dir.toString(), false, new Configuration());

        // Nothing else: no Hadoop .crc files, no temporary directory beside it.
        assertEquals(List.of("metadata.json", "weights.bin"), list(dir));
        assertEquals(List.of("model"), list(tmp));
        assertArrayEquals(weightsFile(model.params()), Files.readAllBytes(dir.resolve("weights.bin")));

        String text = Files.readString(dir.resolve("metadata.json"));
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

    // ---- overwriting ----

    @Test
    void refusesToOverwriteAndLeavesTheOldModelIntact() throws IOException {
        String path = tmp.resolve("model").toString();
        SavedModel old = sample();
        ModelDirectory.write(old, path, false, new Configuration());
        byte[] oldWeights = Files.readAllBytes(tmp.resolve("model/weights.bin"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.write(withParams(new Random(9)), path, false, new Configuration()));

        assertEquals("model directory " + path + " already exists; pass overwrite (output.overwrite = true)"
                + " or choose another path", e.getMessage());
        assertArrayEquals(oldWeights, Files.readAllBytes(tmp.resolve("model/weights.bin")));
        assertSameModel(old, ModelDirectory.read(path, new Configuration()));
        assertEquals(List.of("model"), list(tmp));
    }

    @Test
    void overwriteReplacesTheOldModel() throws IOException {
        String path = tmp.resolve("model").toUri().toString();
        ModelDirectory.write(sample(), path, false, new Configuration());
        SavedModel replacement = withParams(new Random(9));

        ModelDirectory.write(replacement, path, true, new Configuration());

        assertSameModel(replacement, ModelDirectory.read(path, new Configuration()));
        assertEquals(List.of("model"), list(tmp), "no old copy or temporary directory left");
    }

    @Test
    void overwriteRefusesToReplaceADirectoryThatIsNotAModel() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("home"));
        Files.writeString(dir.resolve("notes.txt"), "precious");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.write(sample(), dir.toString(), true, new Configuration()));

        assertContains(e, "is not a sparkprop model directory");
        assertEquals("precious", Files.readString(dir.resolve("notes.txt")));
        assertEquals(List.of("home"), list(tmp));
    }

    // ---- failed writes leave nothing ----

    @Test
    void paramsNotMatchingTheNetworkFailBeforeAnythingIsWritten() throws IOException {
        SavedModel wrong = new SavedModel(sample().metadata(), new double[PARAMETERS - 1]);
        String path = tmp.resolve("model").toString();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.write(wrong, path, false, new Configuration()));

        assertContains(e, "cannot save the model to " + path
                + ": there are 42 parameters but network.parameters is 43");
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void nonFiniteValuesAreRefusedBeforeAnythingIsWritten() throws IOException {
        String path = tmp.resolve("model").toString();
        double[] params = sample().params().clone();
        params[2] = Double.NaN;
        Preprocessing p = sample().metadata().preprocessing();
        double[] scale = p.featureScale().clone();
        scale[1] = Double.POSITIVE_INFINITY;
        Preprocessing infiniteScale = new Preprocessing(p.features(), p.featureMean(), scale, p.labels(), p.classes(),
                p.targetMean(), p.targetScale(), p.weight(), p.missing(), p.featureFill());

        IllegalArgumentException nanWeight = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.write(new SavedModel(sample().metadata(), params), path, false,
                        new Configuration()));
        IllegalArgumentException infinite = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.write(new SavedModel(metadata(LAYERS, "cross_entropy", PARAMETERS, infiniteScale),
                        sample().params()), path, false, new Configuration()));

        assertContains(nanWeight, "parameter W1[2,0] (index 2) is NaN");
        assertContains(infinite, "preprocessing.featureScale[1] must be a finite number");
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void aWriteThatFailsMidwayLeavesNoDirectoryAndNoTempDir() throws IOException {
        String path = tmp.resolve("model").toString();

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ModelDirectory.write(sample(), path, false, failing("write")));

        assertContains(e, "disk full (simulated)");
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void anOverwriteWhoseFinalRenameFailsKeepsTheOldModel() throws IOException {
        String path = tmp.resolve("model").toString();
        SavedModel old = sample();
        ModelDirectory.write(old, path, false, new Configuration());

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ModelDirectory.write(withParams(new Random(9)), path, true, failing("rename")));

        assertContains(e, "cannot rename");
        assertSameModel(old, ModelDirectory.read(path, new Configuration()));
        assertEquals(List.of("model"), list(tmp));
    }

    // ---- refusing broken or hostile model directories ----

    static Stream<Arguments> brokenWeights() {
        return Stream.of(
                weightsCase("truncated", w -> Arrays.copyOf(w, w.length - 5),
                        "is truncated: 359 bytes where the model needs 364"),
                weightsCase("truncated inside the header", w -> Arrays.copyOf(w, 6), "is truncated"),
                weightsCase("a flipped byte", w -> flip(w, 12 + 8 * 3 + 5), "is corrupt: its CRC32 says"),
                weightsCase("a flipped checksum byte", w -> flip(w, w.length - 1), "is corrupt: its CRC32 says"),
                weightsCase("wrong magic", w -> flip(w, 0),
                        "is not a sparkprop weights file: it does not start with SPKPW001"),
                weightsCase("wrong count", w -> withCount(w, 42),
                        "holds 42 values but metadata.json says network.parameters = 43"),
                weightsCase("trailing bytes", w -> Arrays.copyOf(w, w.length + 3),
                        "has 3 trailing bytes after its checksum"),
                weightsCase("NaN with a valid checksum", w -> weightsFile(withNaN(sample().params(), 2)),
                        "parameter W1[2,0] (index 2) is NaN"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenWeights")
    void brokenWeightsAreRefused(String name, UnaryOperator<byte[]> edit, String problem) throws IOException {
        Path dir = tmp.resolve("model");
        ModelDirectory.write(sample(), dir.toString(), false, new Configuration());
        Path weights = dir.resolve("weights.bin");
        Files.write(weights, edit.apply(Files.readAllBytes(weights)));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration()));

        assertContains(e, "weights.bin");
        assertContains(e, problem);
    }

    @Test
    void anUnsupportedFormatVersionIsRefused() throws IOException {
        Path dir = tmp.resolve("model");
        ModelDirectory.write(sample(), dir.toString(), false, new Configuration());
        editMetadata(dir, tree(root -> root.put("formatVersion", 7)));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration()));

        assertEquals("file:" + dir.resolve("metadata.json") + ": model format version 7 is not supported by this"
                + " sparkprop (reads 1 and 2); retrain or use a matching sparkprop", e.getMessage());
    }

    static Stream<Arguments> hostileMetadata() {
        int deep = 100_000;
        return Stream.of(
                metadataCase("100k nested arrays", json -> "{\"formatVersion\":1,\"config\":" + "[".repeat(deep)
                        + "]".repeat(deep) + "}", "nesting depth"),
                metadataCase("64 nested arrays (Jackson's default would allow 1000)", tree(root -> {
                    ArrayNode nested = root.putArray("config");
                    for (int i = 1; i < 64; i++) {
                        nested = nested.addArray();
                    }
                }), "nesting depth"),
                metadataCase("a 2M-character string", tree(root -> root.put("createdBy", "x".repeat(2 << 20))),
                        "String value length"),
                metadataCase("not JSON", json -> "rm -rf /", "is not valid JSON: Unrecognized token"),
                metadataCase("an empty file", json -> "", "the document must be an object, got nothing"),
                metadataCase("a top-level array", json -> "[" + json + "]",
                        "the document must be an object, got an array"),
                metadataCase("a duplicate key", json -> json.replaceFirst("\\{", "{ \"formatVersion\" : 1,"),
                        "Duplicate field 'formatVersion'"),
                metadataCase("trailing content", json -> json + "{}", "Trailing token"),
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
                        "history[0].seconds must be a finite number"));
    }

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
                metadataCase("fill values without imputing", tree(root -> {
                    ArrayNode fill = preprocessing(root).putArray("featureFill");
                    for (int i = 0; i < 6; i++) {
                        fill.add(0.5);
                    }
                }), "feature fill values go with data.missing = \"impute\" and only with it"),
                metadataCase("imputing with too few fill values", tree(root -> {
                    preprocessing(root).put("missing", "impute");
                    preprocessing(root).putArray("featureFill").add(0.5);
                }), "preprocessing.featureFill has 1 values but there are 6 network inputs"),
                metadataCase("featureScale too long", tree(root -> array(preprocessing(root), "featureScale").add(1.0)),
                        "preprocessing.featureScale has 7 values but there are 6 network inputs"),
                metadataCase("targetScale not one per output",
                        tree(root -> preprocessing(root).putArray("targetScale").add(1.0)),
                        "preprocessing.targetScale has 1 values but there are 3 network outputs"),
                metadataCase("an infinite scale (1e400)", tree(root -> array(preprocessing(root), "featureScale")
                                .set(0, PLAIN.getNodeFactory().numberNode(new BigDecimal("1e400")))),
                        "preprocessing.featureScale[0] must be a finite number, got number Infinity"),
                metadataCase("a numeric column with categories",
                        tree(root -> array(feature(root, 0), "categories").add("red")),
                        "preprocessing.features[0].categories must be empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"hostileMetadata", "inconsistentMetadata"})
    void badMetadataIsRefused(String name, UnaryOperator<String> edit, String problem) throws IOException {
        Path dir = tmp.resolve("model");
        ModelDirectory.write(sample(), dir.toString(), false, new Configuration());
        editMetadata(dir, edit);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration()));

        assertContains(e, dir.resolve("metadata.json").toString());
        assertContains(e, problem);
    }

    @Test
    void oversizedMetadataIsRefusedWithoutParsing() throws IOException {
        Path dir = tmp.resolve("model");
        ModelDirectory.write(sample(), dir.toString(), false, new Configuration());
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("metadata.json").toFile(), "rw")) {
            file.setLength(ModelDirectory.MAX_METADATA_BYTES + 1);
        }

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration()));

        assertContains(e, "metadata.json is larger than the 64 MiB limit");
    }

    @Test
    void missingPiecesAreRefused() throws IOException {
        Path dir = tmp.resolve("model");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration())),
                "model directory " + dir + " does not exist");
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(file.toString(), new Configuration())),
                file + " is a file, not a sparkprop model directory");

        ModelDirectory.write(sample(), dir.toString(), false, new Configuration());
        Files.delete(dir.resolve("weights.bin"));
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration())),
                dir.resolve("weights.bin") + " is missing");
        Files.delete(dir.resolve("metadata.json"));
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration())),
                dir.resolve("metadata.json") + " is missing");
    }

    // ---- the sample model ----

    static SavedModel sample() {
        return withParams(new Random(1));
    }

    static SavedModel withParams(Random random) {
        Preprocessing p = new Preprocessing(
                List.of(FeatureColumn.numeric("petal_length"), FeatureColumn.categorical("color",
                        List.of("red", "green", "blue")), FeatureColumn.vector("embedding", 2)),
                new double[] {0.1, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1.0 / 3, -1.2345678901234567e-300},
                new double[] {1e-310, Math.PI, 2.0 / 3, 1.0, Math.ulp(1.0), -Math.E},
                List.of("species"), List.of("setosa", "versicolor", "virginica"), null, null, "row_weight",
                MissingValues.DROP, null);
        return new SavedModel(metadata(LAYERS, "cross_entropy", PARAMETERS, p),
                random.doubles(PARAMETERS).map(v -> (v - 0.5) * 3).toArray());
    }

    static ModelMetadata metadata(String layers, String loss, int parameters, Preprocessing p) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("network.layers", layers);
        config.put("data.path", "s3a://bucket/iris.csv");
        config.put("training.epochs", "3");
        config.put("a.last", "ümlaut ✓ \"quoted\"\n");
        List<EpochRecord> history = List.of(
                new EpochRecord(1, metrics("train_loss", 1.0986122886681098, "validation_loss", 1.05,
                        "validation_accuracy", 0.4), 2.0 / 3, 12345.678),
                new EpochRecord(2, metrics("train_loss", 0.5, "validation_loss", 0.61, "validation_accuracy", 0.8),
                        1e-3, 1e9),
                // Not timed, as in a model saved before epochs were timed
                new EpochRecord(3, metrics("train_loss", 0.1, "validation_loss", Double.NaN,
                        "validation_accuracy", Double.NEGATIVE_INFINITY)));
        Map<String, Long> dropped = p.missing() == MissingValues.DROP ? Map.of("colour", 3L) : Map.of();
        return new ModelMetadata(ModelMetadata.FORMAT_VERSION, layers, loss, parameters, p, config, history, dropped,
                "sparkprop 0.1.0", "2025-06-01T12:00:00Z");
    }

    static Map<String, Double> metrics(Object... nameValue) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            metrics.put((String) nameValue[i], (Double) nameValue[i + 1]);
        }
        return metrics;
    }

    static double[] randomFinite(Random random, int n) {
        return random.longs().mapToDouble(Double::longBitsToDouble).filter(Double::isFinite).limit(n).toArray();
    }

    // ---- assertions ----

    /** Records holding arrays compare them by identity, so this compares field by field, arrays bit for bit. */
    static void assertSameModel(SavedModel expected, SavedModel actual) {
        ModelMetadata e = expected.metadata();
        ModelMetadata a = actual.metadata();
        assertEquals(List.of(e.formatVersion(), e.layers(), e.loss(), e.parameters(), e.createdBy(), e.createdAt()),
                List.of(a.formatVersion(), a.layers(), a.loss(), a.parameters(), a.createdBy(), a.createdAt()));
        assertEquals(new ArrayList<>(e.config().entrySet()), new ArrayList<>(a.config().entrySet()), "config in order");
        assertEquals(e.history().size(), a.history().size());
        for (int i = 0; i < e.history().size(); i++) {
            assertEquals(e.history().get(i).epoch(), a.history().get(i).epoch());
            assertEquals(new ArrayList<>(e.history().get(i).metrics().entrySet()),
                    new ArrayList<>(a.history().get(i).metrics().entrySet()), "metrics in order");
            assertEquals(e.history().get(i).seconds(), a.history().get(i).seconds());
            assertEquals(e.history().get(i).trainRowsPerSecond(), a.history().get(i).trainRowsPerSecond());
        }
        Preprocessing ep = e.preprocessing();
        Preprocessing ap = a.preprocessing();
        assertEquals(ep.features(), ap.features());
        assertEquals(ep.labels(), ap.labels());
        assertEquals(ep.classes(), ap.classes());
        assertEquals(ep.weight(), ap.weight());
        assertEquals(ep.missing(), ap.missing());
        assertArrayEquals(bits(ep.featureFill()), bits(ap.featureFill()));
        assertEquals(e.droppedRows(), a.droppedRows());
        assertArrayEquals(bits(ep.featureMean()), bits(ap.featureMean()));
        assertArrayEquals(bits(ep.featureScale()), bits(ap.featureScale()));
        assertArrayEquals(bits(ep.targetMean()), bits(ap.targetMean()));
        assertArrayEquals(bits(ep.targetScale()), bits(ap.targetScale()));
        assertArrayEquals(bits(expected.params()), bits(actual.params()));
    }

    static long[] bits(double[] values) {
        return values == null ? null : Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    static void assertContains(Exception e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.properties().forEach(e -> names.add(e.getKey()));
        return names;
    }

    // ---- editing files ----

    /** weights.bin as its format is documented, written independently of ModelDirectory. */
    static byte[] weightsFile(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(20 + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("SPKPW001".getBytes(StandardCharsets.US_ASCII)).putInt(values.length);
        for (double v : values) {
            b.putDouble(v);
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 12, 8 * values.length);
        return b.putLong(crc.getValue()).array();
    }

    static byte[] flip(byte[] bytes, int at) {
        byte[] copy = bytes.clone();
        copy[at] ^= 0x10;
        return copy;
    }

    static byte[] withCount(byte[] bytes, int count) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(8, count);
        return copy;
    }

    static double[] withNaN(double[] values, int at) {
        double[] copy = values.clone();
        copy[at] = Double.NaN;
        return copy;
    }

    static Arguments weightsCase(String name, UnaryOperator<byte[]> edit, String problem) {
        return Arguments.of(name, edit, problem);
    }

    static Arguments metadataCase(String name, UnaryOperator<String> edit, String problem) {
        return Arguments.of(name, edit, problem);
    }

    static void editMetadata(Path dir, UnaryOperator<String> edit) throws IOException {
        Path file = dir.resolve("metadata.json");
        Files.writeString(file, edit.apply(Files.readString(file)));
    }

    static UnaryOperator<String> tree(Consumer<ObjectNode> edit) {
        return json -> {
            try {
                ObjectNode root = (ObjectNode) PLAIN.readTree(json);
                edit.accept(root);
                return PLAIN.writerWithDefaultPrettyPrinter().writeValueAsString(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    static ObjectNode network(ObjectNode root) {
        return (ObjectNode) root.get("network");
    }

    static ObjectNode preprocessing(ObjectNode root) {
        return (ObjectNode) root.get("preprocessing");
    }

    static ObjectNode feature(ObjectNode root, int i) {
        return (ObjectNode) preprocessing(root).get("features").get(i);
    }

    static ObjectNode metrics(ObjectNode root, int epoch) {
        return (ObjectNode) root.get("history").get(epoch).get("metrics");
    }

    static ArrayNode array(ObjectNode parent, String key) {
        return (ArrayNode) parent.get(key);
    }

    // ---- a file system that fails on demand ----

    static final String FAIL = "test.fail";

    static Configuration failing(String mode) {
        Configuration conf = new Configuration();
        conf.setClass("fs.file.impl", FailingFileSystem.class, FileSystem.class);
        conf.setBoolean("fs.file.impl.disable.cache", true);
        conf.set(FAIL, mode);
        return conf;
    }

    /** The local file system, except: "write" dies 100 bytes into weights.bin; "rename" refuses to move a temp dir. */
    public static class FailingFileSystem extends RawLocalFileSystem {

        @Override
        public FSDataOutputStream create(org.apache.hadoop.fs.Path f, boolean overwrite, int bufferSize,
                                         short replication, long blockSize, Progressable progress) throws IOException {
            FSDataOutputStream out = super.create(f, overwrite, bufferSize, replication, blockSize, progress);
            if (!"write".equals(getConf().get(FAIL)) || !f.getName().equals("weights.bin")) {
                return out;
            }
            return new FSDataOutputStream(new OutputStream() {
                int written;

                @Override
                public void write(int b) throws IOException {
                    if (++written > 100) {
                        throw new IOException("disk full (simulated)");
                    }
                    out.write(b);
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            }, null);
        }

        @Override
        public boolean rename(org.apache.hadoop.fs.Path src, org.apache.hadoop.fs.Path dst) throws IOException {
            if ("rename".equals(getConf().get(FAIL)) && src.getName().contains("._tmp-")) {
                return false;
            }
            return super.rename(src, dst);
        }
    }
}
