package dev.sparkprop.driver.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import org.junit.jupiter.params.provider.Arguments;

/** A sample model, assertions and file edits shared by the tests of a model directory's pieces. */
final class ModelSamples {

    static final String LAYERS = "6,4:tanh,3:softmax";
    static final int PARAMETERS = 6 * 4 + 4 + 4 * 3 + 3;
    static final ObjectMapper PLAIN = new ObjectMapper();

    private ModelSamples() {
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
        assertSameMetadata(expected.metadata(), actual.metadata());
        assertArrayEquals(bits(expected.params()), bits(actual.params()));
    }

    static void assertSameMetadata(ModelMetadata e, ModelMetadata a) {
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

    /** weights.bin as its format is documented, written independently of WeightsCodec. */
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

    /** The sample's metadata.json, edited. */
    static byte[] sampleJson(UnaryOperator<String> edit) {
        return edit.apply(new String(MetadataJson.write(sample().metadata()), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
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
