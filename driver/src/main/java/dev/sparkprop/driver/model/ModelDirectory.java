package dev.sparkprop.driver.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.ParameterLayout;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A trained model on disk: a directory holding {@code metadata.json} and {@code weights.bin}, on
 * any Hadoop file system (plain local paths, {@code file://}, {@code hdfs://}, {@code s3a://}).
 *
 * <h2>weights.bin</h2>
 * The flat parameter array, little-endian throughout, exactly {@code 20 + 8N} bytes:
 * <pre>
 * offset   bytes  content
 * 0        8      magic: ASCII "SPKPW001"
 * 8        4      int32 N, the number of parameters
 * 12       8N     N float64 (IEEE 754), in {@link ParameterLayout} order
 * 12+8N    8      int64: CRC32 ({@link CRC32}, the zlib polynomial) of the 8N value bytes, upper 32 bits zero
 * </pre>
 *
 * <h2>metadata.json</h2>
 * <pre>
 * {
 *   "formatVersion" : 2,
 *   "createdBy" : "sparkprop 0.1.0",
 *   "createdAt" : "2025-06-01T12:00:00Z",
 *   "network" : { "layers" : "6,16:relu,3:softmax", "loss" : "cross_entropy", "parameters" : 163 },
 *   "preprocessing" : {
 *     "features" : [ { "name" : "color", "categorical" : true, "categories" : [ "red", "blue" ],
 *                      "vectorSize" : 0 }, … ],
 *     "featureMean" : [ … ] | null,   "featureScale" : [ … ] | null,
 *     "labels" : [ "species" ],       "classes" : [ "a", "b", "c" ] | null,
 *     "targetMean" : [ … ] | null,    "targetScale" : [ … ] | null,
 *     "weight" : "w" | null,
 *     "missing" : "error" | "drop" | "impute",
 *     "featureFill" : [ … ] | null
 *   },
 *   "config" : { "key" : "value", … },
 *   "history" : [ { "epoch" : 1, "metrics" : { "train_loss" : 0.53, … },
 *                   "seconds" : 1.9, "trainRowsPerSecond" : 41000.0 }, … ],
 *   "droppedRows" : { "column" : 3, … }
 * }
 * </pre>
 * Format version 1 is the same without {@code missing}, {@code featureFill} and
 * {@code droppedRows}; it reads as {@code "error"}, null and none.
 * The fields are those of {@link ModelMetadata}, {@link Preprocessing}, {@link FeatureColumn} and
 * {@link EpochRecord} ({@code vectorSize} is 0 except for an ml Vector column). Every key shown is
 * required, null only where shown, except an epoch's {@code seconds} and
 * {@code trainRowsPerSecond}: finite numbers, absent from models saved before they were recorded
 * (and where not measured), which read as NaN. Unknown keys are an error, not ignored (except inside the
 * free-form {@code config} and {@code metrics}), so a tampered or hand-mangled file is refused
 * rather than half-read. Doubles are written in a form that parses back to the identical value;
 * a metric that is not finite is the string {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}.
 *
 * <p>Reading treats both files as untrusted: JSON goes through Jackson's tree model only (no
 * data binding, no polymorphic types), within size and nesting limits, and the result is checked
 * against the network before it is returned.
 */
public final class ModelDirectory {

    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "weights.bin";
    static final long MAX_METADATA_BYTES = 64L << 20;

    private static final byte[] MAGIC = "SPKPW001".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + 4;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");

    // Our documents nest 5 deep; anything deeper or with megabyte strings is not ours.
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(32)
                            .maxStringLength(1 << 20)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ModelDirectory() {
    }

    /**
     * Writes {@code model} as a directory at {@code path}: both files go into a sibling temporary
     * directory that is then renamed into place, so a reader never sees a half-written model and a
     * failure leaves nothing at {@code path}. Rename is atomic on HDFS and local disks; on object
     * stores (s3a) it is a copy, and the model is complete once this returns.
     *
     * @param overwrite replace an existing model directory (only once the new one is complete)
     * @throws IllegalArgumentException when the model would not read back (e.g. params not matching
     *         the network, non-finite values), or {@code path} exists and {@code overwrite} is false,
     *         or {@code path} exists and is not a model directory
     * @throws UncheckedIOException when the file system fails
     */
    public static void write(SavedModel model, String path, boolean overwrite, Configuration conf) {
        write(model, path, overwrite, conf, temporary -> { });
    }

    /** Writes more files into a model directory before it is renamed into place. */
    @FunctionalInterface
    public interface ExtraFiles {
        /** @param directory the temporary model directory, as a qualified path */
        void writeInto(String directory) throws IOException;
    }

    /**
     * As {@link #write(SavedModel, String, boolean, Configuration)}, with {@code extra} files
     * (Spark ML's param metadata) written into the directory before it goes into place, so they
     * too appear complete or not at all. Readers of the model ignore them.
     */
    public static void write(SavedModel model, String path, boolean overwrite, Configuration conf,
                             ExtraFiles extra) {
        try {
            byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(model.metadata()));
            // Put the metadata through the reader's own checks, so what we write always reads back.
            String source = "cannot save the model to " + path;
            checkParams(parseMetadata(json, source), model.params(), source);

            Path target = new Path(path);
            FileSystem fs = fileSystem(target, conf);
            target = fs.makeQualified(target);
            if (target.getParent() == null) {
                throw new IllegalArgumentException("cannot save a model as the root directory " + path);
            }
            FileStatus existing = statusOrNull(fs, target);
            if (existing != null && !overwrite) {
                throw new IllegalArgumentException("model directory " + path
                        + " already exists; pass overwrite (output.overwrite = true) or choose another path");
            }
            if (existing != null && !isModelOrEmpty(fs, existing)) {
                throw new IllegalArgumentException(path + " exists and is not a sparkprop model directory (it has no "
                        + METADATA + "); refusing to replace it even with overwrite");
            }
            Path temporary = sibling(target, "._tmp-");
            try {
                try (OutputStream out = fs.create(new Path(temporary, METADATA), false)) {
                    out.write(json);
                }
                writeWeights(fs, new Path(temporary, WEIGHTS), model.params());
                extra.writeInto(temporary.toString());
                if (existing == null) {
                    rename(fs, temporary, target);
                } else {
                    replace(fs, temporary, target);
                }
            } catch (IOException | RuntimeException e) {
                try {
                    fs.delete(temporary, true);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks the model directory at {@code path}.
     *
     * @throws IllegalArgumentException naming the file and the problem: a missing or unreadable
     *         file, invalid JSON, an unsupported format version, a missing, unknown or wrongly
     *         typed field, metadata inconsistent with the network, a corrupt weights file
     */
    public static SavedModel read(String path, Configuration conf) {
        try {
            Path dir = new Path(path);
            FileSystem fs = fileSystem(dir, conf);
            dir = fs.makeQualified(dir);
            FileStatus status = statusOrNull(fs, dir);
            if (status == null) {
                throw new IllegalArgumentException("model directory " + path + " does not exist");
            }
            if (!status.isDirectory()) {
                throw new IllegalArgumentException(path + " is a file, not a sparkprop model directory");
            }
            Path metadataFile = new Path(dir, METADATA);
            ModelMetadata metadata = parseMetadata(readMetadataBytes(fs, metadataFile), metadataFile.toString());
            Path weightsFile = new Path(dir, WEIGHTS);
            double[] params = readWeights(fs, weightsFile, metadata.parameters());
            checkParams(metadata, params, weightsFile.toString());
            return new SavedModel(metadata, params);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the model directory " + path + ": " + e.getMessage(), e);
        }
    }

    /** Hadoop's local file system would add a .crc file beside each file; weights.bin carries its own CRC. */
    private static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }

    private static FileStatus statusOrNull(FileSystem fs, Path path) throws IOException {
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private static FileStatus requireFile(FileSystem fs, Path file) throws IOException {
        FileStatus status = statusOrNull(fs, file);
        if (status == null || status.isDirectory()) {
            throw new IllegalArgumentException(file + " is missing; not a complete sparkprop model directory");
        }
        return status;
    }

    /** Overwrite may replace an old model or an empty directory, never, say, a home directory. */
    private static boolean isModelOrEmpty(FileSystem fs, FileStatus existing) throws IOException {
        return existing.isDirectory()
                && (fs.exists(new Path(existing.getPath(), METADATA)) || fs.listStatus(existing.getPath()).length == 0);
    }

    private static Path sibling(Path target, String infix) {
        return new Path(target.getParent(), target.getName() + infix + UUID.randomUUID());
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /** Moves the old model aside, the new one in, then deletes the old; puts the old back if the new cannot go in. */
    private static void replace(FileSystem fs, Path temporary, Path target) throws IOException {
        Path old = sibling(target, "._old-");
        rename(fs, target, old);
        try {
            rename(fs, temporary, target);
        } catch (IOException e) {
            if (!fs.rename(old, target)) {
                e.addSuppressed(new IOException("could not move the previous model back; it is at " + old));
            }
            throw e;
        }
        // The new model is in place; an old copy left behind would be clutter, not harm.
        fs.delete(old, true);
    }

    private static void writeWeights(FileSystem fs, Path file, double[] params) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        try (OutputStream out = fs.create(file, false)) {
            buffer.put(MAGIC).putInt(params.length);
            out.write(buffer.array(), 0, buffer.position());
            for (int i = 0; i < params.length; ) {
                int n = Math.min(CHUNK_BYTES / Double.BYTES, params.length - i);
                buffer.clear();
                buffer.asDoubleBuffer().put(params, i, n);
                crc.update(buffer.array(), 0, n * Double.BYTES);
                out.write(buffer.array(), 0, n * Double.BYTES);
                i += n;
            }
            buffer.clear();
            buffer.putLong(crc.getValue());
            out.write(buffer.array(), 0, Long.BYTES);
        }
    }

    /**
     * Writes {@code values} to {@code file} in weights.bin's format (magic, count, values,
     * CRC32): for arrays beside a model, such as a checkpoint's optimizer state.
     */
    public static void writeDoubles(String file, double[] values, Configuration conf) throws IOException {
        Path path = new Path(file);
        writeWeights(fileSystem(path, conf), path, values);
    }

    /** Reads a file {@link #writeDoubles} wrote, checking its count ({@code expected}, as {@code source} says) and CRC. */
    public static double[] readDoubles(String file, int expected, String source, Configuration conf)
            throws IOException {
        Path path = new Path(file);
        return readWeights(fileSystem(path, conf), path, expected, source);
    }

    private static double[] readWeights(FileSystem fs, Path file, int expected) throws IOException {
        return readWeights(fs, file, expected, METADATA + " says network.parameters = " + expected);
    }

    private static double[] readWeights(FileSystem fs, Path file, int expected, String expectation)
            throws IOException {
        long length = requireFile(fs, file).getLen();
        long expectedLength = HEADER_BYTES + (long) Double.BYTES * expected + Long.BYTES;
        byte[] buffer = new byte[CHUNK_BYTES];
        try (DataInputStream in = new DataInputStream(fs.open(file))) {
            in.readFully(buffer, 0, HEADER_BYTES);
            if (!Arrays.equals(buffer, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new IllegalArgumentException(file + " is not a sparkprop weights file: it does not start with "
                        + new String(MAGIC, StandardCharsets.US_ASCII));
            }
            int count = ByteBuffer.wrap(buffer, MAGIC.length, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (count != expected) {
                throw new IllegalArgumentException(file + " holds " + count + " values but " + expectation);
            }
            // Checked before allocating, so a short hostile file cannot make us allocate for a huge count.
            if (length < expectedLength) {
                throw truncated(file, length, expectedLength);
            }
            if (length > expectedLength) {
                throw new IllegalArgumentException(file + " has " + (length - expectedLength)
                        + " trailing bytes after its checksum; it is not a file sparkprop wrote");
            }
            double[] params = new double[count];
            CRC32 crc = new CRC32();
            for (int i = 0; i < count; ) {
                int n = Math.min(CHUNK_BYTES / Double.BYTES, count - i);
                in.readFully(buffer, 0, n * Double.BYTES);
                crc.update(buffer, 0, n * Double.BYTES);
                ByteBuffer.wrap(buffer, 0, n * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
                        .get(params, i, n);
                i += n;
            }
            in.readFully(buffer, 0, Long.BYTES);
            long stored = ByteBuffer.wrap(buffer, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (stored != crc.getValue()) {
                throw new IllegalArgumentException(file + " is corrupt: its CRC32 says " + Long.toHexString(stored)
                        + " but the values give " + Long.toHexString(crc.getValue()));
            }
            return params;
        } catch (EOFException e) {
            throw truncated(file, length, expectedLength);
        }
    }

    private static IllegalArgumentException truncated(Path file, long length, long expectedLength) {
        return new IllegalArgumentException(file + " is truncated: " + length + " bytes where the model needs "
                + expectedLength);
    }

    /** Length and finiteness of the weights; {@code source} starts the message. */
    private static void checkParams(ModelMetadata metadata, double[] params, String source) {
        if (params.length != metadata.parameters()) {
            throw new IllegalArgumentException(source + ": there are " + params.length
                    + " parameters but network.parameters is " + metadata.parameters());
        }
        ParameterLayout layout = NetworkSpec.parse(metadata.layers(), metadata.loss()).layout();
        for (int i = 0; i < params.length; i++) {
            if (!Double.isFinite(params[i])) {
                throw new IllegalArgumentException(source + ": parameter " + layout.describe(i) + " (index " + i
                        + ") is " + params[i] + "; a model with non-finite weights cannot predict");
            }
        }
    }

    private static byte[] readMetadataBytes(FileSystem fs, Path file) throws IOException {
        requireFile(fs, file);
        try (InputStream in = fs.open(file)) {
            // Read at most one byte past the limit, whatever size the file claims.
            byte[] bytes = in.readNBytes((int) MAX_METADATA_BYTES + 1);
            if (bytes.length > MAX_METADATA_BYTES) {
                throw new IllegalArgumentException(file + " is larger than the " + (MAX_METADATA_BYTES >> 20)
                        + " MiB limit for model metadata");
            }
            return bytes;
        }
    }

    // ---- metadata.json: writing ----

    private static ObjectNode toJson(ModelMetadata m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", ModelMetadata.FORMAT_VERSION);
        root.put("createdBy", m.createdBy());
        root.put("createdAt", m.createdAt());
        ObjectNode network = root.putObject("network");
        network.put("layers", m.layers());
        network.put("loss", m.loss());
        network.put("parameters", m.parameters());

        Preprocessing p = m.preprocessing();
        ObjectNode pre = root.putObject("preprocessing");
        ArrayNode features = pre.putArray("features");
        for (FeatureColumn f : p.features()) {
            ObjectNode feature = features.addObject();
            feature.put("name", f.name());
            feature.put("categorical", f.categorical());
            putStrings(feature, "categories", f.categories());
            feature.put("vectorSize", f.vectorSize());
        }
        putDoubles(pre, "featureMean", p.featureMean());
        putDoubles(pre, "featureScale", p.featureScale());
        putStrings(pre, "labels", p.labels());
        putStrings(pre, "classes", p.classes());
        putDoubles(pre, "targetMean", p.targetMean());
        putDoubles(pre, "targetScale", p.targetScale());
        pre.put("weight", p.weight());
        pre.put("missing", p.missing().setting());
        putDoubles(pre, "featureFill", p.featureFill());

        ObjectNode config = root.putObject("config");
        m.config().forEach(config::put);
        ArrayNode history = root.putArray("history");
        for (EpochRecord r : m.history()) {
            ObjectNode epoch = history.addObject();
            epoch.put("epoch", r.epoch());
            ObjectNode metrics = epoch.putObject("metrics");
            r.metrics().forEach(metrics::put);
            if (Double.isFinite(r.seconds()) && Double.isFinite(r.trainRowsPerSecond())) {
                epoch.put("seconds", r.seconds());
                epoch.put("trainRowsPerSecond", r.trainRowsPerSecond());
            }
        }
        ObjectNode dropped = root.putObject("droppedRows");
        m.droppedRows().forEach(dropped::put);
        return root;
    }

    private static void putStrings(ObjectNode parent, String key, List<String> values) {
        if (values == null) {
            parent.putNull(key);
        } else {
            ArrayNode array = parent.putArray(key);
            values.forEach(array::add);
        }
    }

    private static void putDoubles(ObjectNode parent, String key, double[] values) {
        if (values == null) {
            parent.putNull(key);
        } else {
            ArrayNode array = parent.putArray(key);
            for (double v : values) {
                array.add(v);
            }
        }
    }

    // ---- metadata.json: reading ----

    /** Parses and checks metadata; every problem becomes an IllegalArgumentException starting with {@code source}. */
    private static ModelMetadata parseMetadata(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + jsonProblem(e), e);
        }
        try {
            ModelMetadata metadata = metadata(root);
            checkConsistent(metadata);
            return metadata;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static String jsonProblem(IOException e) {
        if (!(e instanceof JsonProcessingException json)) {
            return e.getMessage();
        }
        JsonLocation at = json.getLocation();
        return json.getOriginalMessage()
                + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }

    private static ModelMetadata metadata(JsonNode root) {
        Fields top = Fields.of(root, "");
        // The version first: another version may legitimately have other fields.
        int version = top.read("formatVersion", ModelDirectory::whole);
        if (version != 1 && version != ModelMetadata.FORMAT_VERSION) {
            throw new IllegalArgumentException("model format version " + version + " is not supported by this"
                    + " sparkprop (reads 1 and " + ModelMetadata.FORMAT_VERSION + "); retrain or use a matching"
                    + " sparkprop");
        }
        boolean v1 = version == 1;
        List<String> topFields = new ArrayList<>(List.of("formatVersion", "createdBy", "createdAt", "network",
                "preprocessing", "config", "history"));
        if (!v1) {
            topFields.add("droppedRows");
        }
        top.allowOnly(topFields.toArray(new String[0]));

        Fields network = top.read("network", Fields::of);
        network.allowOnly("layers", "loss", "parameters");

        Fields p = top.read("preprocessing", Fields::of);
        List<String> preprocessingFields = new ArrayList<>(List.of("features", "featureMean", "featureScale", "labels",
                "classes", "targetMean", "targetScale", "weight"));
        if (!v1) {
            preprocessingFields.addAll(List.of("missing", "featureFill"));
        }
        p.allowOnly(preprocessingFields.toArray(new String[0]));
        List<FeatureColumn> features = new ArrayList<>();
        for (Fields f : p.read("features", ModelDirectory::objects)) {
            features.add(featureColumn(f));
        }
        Preprocessing preprocessing = new Preprocessing(features,
                p.readOrNull("featureMean", ModelDirectory::finiteNumbers),
                p.readOrNull("featureScale", ModelDirectory::finiteNumbers),
                p.read("labels", ModelDirectory::texts),
                p.readOrNull("classes", ModelDirectory::texts),
                p.readOrNull("targetMean", ModelDirectory::finiteNumbers),
                p.readOrNull("targetScale", ModelDirectory::finiteNumbers),
                p.readOrNull("weight", ModelDirectory::text),
                v1 ? MissingValues.ERROR : p.read("missing", ModelDirectory::missingValues),
                v1 ? null : p.readOrNull("featureFill", ModelDirectory::finiteNumbers));

        List<EpochRecord> history = new ArrayList<>();
        for (Fields epoch : top.read("history", ModelDirectory::objects)) {
            epoch.allowOnly("epoch", "metrics", "seconds", "trainRowsPerSecond");
            history.add(new EpochRecord(epoch.read("epoch", ModelDirectory::whole),
                    epoch.read("metrics", Fields::of).map(ModelDirectory::metric),
                    epoch.readOrAbsent("seconds", ModelDirectory::finite, Double.NaN),
                    epoch.readOrAbsent("trainRowsPerSecond", ModelDirectory::finite, Double.NaN)));
        }

        return new ModelMetadata(ModelMetadata.FORMAT_VERSION,
                network.read("layers", ModelDirectory::text),
                network.read("loss", ModelDirectory::text),
                network.read("parameters", ModelDirectory::whole),
                preprocessing,
                top.read("config", Fields::of).map(ModelDirectory::text),
                history,
                v1 ? Map.of() : top.read("droppedRows", Fields::of).map(ModelDirectory::count),
                top.read("createdBy", ModelDirectory::text),
                top.read("createdAt", ModelDirectory::text));
    }

    private static FeatureColumn featureColumn(Fields f) {
        f.allowOnly("name", "categorical", "categories", "vectorSize");
        boolean categorical = f.read("categorical", ModelDirectory::bool);
        List<String> categories = f.read("categories", ModelDirectory::texts);
        if (!categorical && !categories.isEmpty()) {
            throw new IllegalArgumentException(f.path("categories") + " must be empty for a column that is not"
                    + " categorical");
        }
        return new FeatureColumn(f.read("name", ModelDirectory::text), categorical, categories,
                f.read("vectorSize", ModelDirectory::whole));
    }

    /** The metadata against the network it describes. */
    private static void checkConsistent(ModelMetadata m) {
        NetworkSpec spec;
        try {
            spec = NetworkSpec.parse(m.layers(), m.loss());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("network.layers '" + m.layers() + "' with loss '" + m.loss()
                    + "' is not a valid network: " + e.getMessage(), e);
        }
        int size = spec.layout().size();
        if (m.parameters() != size) {
            throw new IllegalArgumentException("network.parameters is " + m.parameters() + " but layers "
                    + m.layers() + " have " + size);
        }
        Preprocessing p = m.preprocessing();
        int in = spec.inputWidth();
        int out = spec.outputWidth();
        if (p.inputWidth() != in) {
            throw new IllegalArgumentException("preprocessing.features encode to " + p.inputWidth()
                    + " inputs but the network takes " + in);
        }
        checkLength("preprocessing.featureMean", p.featureMean(), in, "network inputs");
        checkLength("preprocessing.featureScale", p.featureScale(), in, "network inputs");
        checkLength("preprocessing.targetMean", p.targetMean(), out, "network outputs");
        checkLength("preprocessing.targetScale", p.targetScale(), out, "network outputs");
        checkLength("preprocessing.featureFill", p.featureFill(), in, "network inputs");
        // One unit per class, except a single sigmoid unit, which scores two.
        int classes = out == 1 ? 2 : out;
        if (p.classes() != null && p.classes().size() != classes) {
            throw new IllegalArgumentException("preprocessing.classes has " + p.classes().size()
                    + " classes but the network's " + out + " outputs score " + classes);
        }
    }

    private static void checkLength(String field, double[] values, int expected, String what) {
        if (values != null && values.length != expected) {
            throw new IllegalArgumentException(field + " has " + values.length + " values but there are "
                    + expected + " " + what);
        }
    }

    /** One JSON object being read, with its path for messages, e.g. {@code preprocessing.features[2]}. */
    private record Fields(ObjectNode node, String at) {

        static Fields of(JsonNode node, String at) {
            if (!node.isObject()) {
                throw mustBe(at, "an object", node);
            }
            return new Fields((ObjectNode) node, at);
        }

        String path(String key) {
            return at.isEmpty() ? key : at + "." + key;
        }

        <T> T read(String key, BiFunction<JsonNode, String, T> parse) {
            JsonNode value = node.get(key);
            if (value == null) {
                throw new IllegalArgumentException("missing field " + path(key));
            }
            return parse.apply(value, path(key));
        }

        /** A key that older files lack: {@code absent} when they do. */
        <T> T readOrAbsent(String key, BiFunction<JsonNode, String, T> parse, T absent) {
            return node.has(key) ? read(key, parse) : absent;
        }

        <T> T readOrNull(String key, BiFunction<JsonNode, String, T> parse) {
            return read(key, (value, path) -> value.isNull() ? null : parse.apply(value, path));
        }

        /** A free-form object, e.g. config, in file order. */
        <T> Map<String, T> map(BiFunction<JsonNode, String, T> parse) {
            Map<String, T> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), parse.apply(e.getValue(), path(e.getKey())));
            }
            return map;
        }

        void allowOnly(String... keys) {
            List<String> allowed = List.of(keys);
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!allowed.contains(e.getKey())) {
                    throw new IllegalArgumentException("unknown field " + path(e.getKey()) + "; expected only "
                            + allowed);
                }
            }
        }
    }

    private static String text(JsonNode v, String at) {
        if (!v.isTextual()) {
            throw mustBe(at, "a string", v);
        }
        return v.textValue();
    }

    private static int whole(JsonNode v, String at) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw mustBe(at, "a whole number", v);
        }
        return v.intValue();
    }

    private static long count(JsonNode v, String at) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw mustBe(at, "a whole number ≥ 0", v);
        }
        return v.longValue();
    }

    private static MissingValues missingValues(JsonNode v, String at) {
        try {
            return MissingValues.of(text(v, at));
        } catch (IllegalArgumentException e) {
            throw mustBe(at, "\"error\", \"drop\" or \"impute\"", v);
        }
    }

    private static boolean bool(JsonNode v, String at) {
        if (!v.isBoolean()) {
            throw mustBe(at, "true or false", v);
        }
        return v.booleanValue();
    }

    private static double finite(JsonNode v, String at) {
        // A number too large for a double, e.g. 1e400, parses as infinity.
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw mustBe(at, "a finite number", v);
        }
        return v.doubleValue();
    }

    private static double metric(JsonNode v, String at) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual() && NON_FINITE.contains(v.textValue())) {
            return Double.parseDouble(v.textValue());
        }
        throw mustBe(at, "a number, \"NaN\", \"Infinity\" or \"-Infinity\"", v);
    }

    private static ArrayNode array(JsonNode v, String at) {
        if (!v.isArray()) {
            throw mustBe(at, "an array", v);
        }
        return (ArrayNode) v;
    }

    private static List<String> texts(JsonNode v, String at) {
        ArrayNode array = array(v, at);
        List<String> texts = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            texts.add(text(array.get(i), at + "[" + i + "]"));
        }
        return texts;
    }

    private static double[] finiteNumbers(JsonNode v, String at) {
        ArrayNode array = array(v, at);
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = finite(array.get(i), at + "[" + i + "]");
        }
        return values;
    }

    private static List<Fields> objects(JsonNode v, String at) {
        ArrayNode array = array(v, at);
        List<Fields> objects = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            objects.add(Fields.of(array.get(i), at + "[" + i + "]"));
        }
        return objects;
    }

    private static IllegalArgumentException mustBe(String at, String expected, JsonNode actual) {
        return new IllegalArgumentException((at.isEmpty() ? "the document" : at) + " must be " + expected
                + ", got " + describe(actual));
    }

    private static String describe(JsonNode v) {
        if (v.isMissingNode()) {
            return "nothing (the file is empty)";
        }
        if (v.isNull()) {
            return "null";
        }
        if (v.isContainerNode()) {
            return v.isArray() ? "an array" : "an object";
        }
        // Strings quoted (JSON-escaped), numbers and booleans as they read, e.g. 43.5, Infinity for 1e400.
        String text = v.isTextual() ? v.toString() : v.asText();
        return v.getNodeType().name().toLowerCase(Locale.ROOT) + " "
                + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }
}
