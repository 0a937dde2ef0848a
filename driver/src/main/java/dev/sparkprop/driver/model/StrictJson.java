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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The JSON files sparkprop writes and reads back ({@code metadata.json}, a checkpoint's
 * {@code resume.json}), read as untrusted input: through Jackson's tree model only (no data
 * binding, no polymorphic types), within size and nesting limits, without duplicate keys or
 * trailing content; then field by field ({@link Fields}), where an unknown or missing field, or
 * a value of the wrong type, is an error naming it by its path, e.g.
 * {@code preprocessing.features[2].name}, rather than something ignored or half-read.
 * Written pretty-printed, doubles in a form that parses back to the identical value.
 */
public final class StrictJson {

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

    /** A location Jackson writes into a message: "[Source: ...; line: 1, column: 1]". */
    private static final Pattern SOURCE_IN_LOCATION =
            Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]");

    private StrictJson() {
    }

    /** An empty object to build a document in. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The document as UTF-8, pretty-printed; a non-finite double is the string "NaN", "Infinity" or "-Infinity". */
    public static byte[] bytes(ObjectNode document) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a file of at most {@code maxBytes} (whole MiB), whatever size it claims.
     *
     * @param what what the file holds, for the message, e.g. {@code model metadata}
     * @throws IllegalArgumentException when it is larger
     */
    public static byte[] readFile(FileSystem fs, Path file, long maxBytes, String what) throws IOException {
        try (InputStream in = fs.open(file)) {
            byte[] bytes = in.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IllegalArgumentException(file + " is larger than the " + (maxBytes >> 20) + " MiB limit for "
                        + what);
            }
            return bytes;
        }
    }

    /**
     * The document's top-level object, and whatever {@code read} makes of it; every problem
     * becomes an IllegalArgumentException starting with {@code source}, e.g. the file's path.
     */
    public static <T> T parse(byte[] json, String source, Function<Fields, T> read) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + problem(e), e);
        }
        try {
            return read.apply(Fields.of(root, ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static String problem(IOException e) {
        if (!(e instanceof JsonProcessingException json)) {
            return e.getMessage();
        }
        JsonLocation at = json.getLocation();
        // A location inside the message (e.g. where an unclosed object starts) names its source, which
        // Jackson withholds as "Source: REDACTED (...)": only its line and column say anything
        return SOURCE_IN_LOCATION.matcher(json.getOriginalMessage()).replaceAll("line $1, column $2")
                + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }

    /** One JSON object being read, with its path for messages, e.g. {@code preprocessing.features[2]}. */
    public record Fields(ObjectNode node, String at) {

        public static Fields of(JsonNode node, String at) {
            if (!node.isObject()) {
                throw mustBe(at, "an object", node);
            }
            return new Fields((ObjectNode) node, at);
        }

        public String path(String key) {
            return at.isEmpty() ? key : at + "." + key;
        }

        public <T> T read(String key, BiFunction<JsonNode, String, T> parse) {
            JsonNode value = node.get(key);
            if (value == null) {
                throw new IllegalArgumentException("missing field " + path(key));
            }
            return parse.apply(value, path(key));
        }

        /** A key that older files lack: {@code absent} when they do. */
        public <T> T readOrAbsent(String key, BiFunction<JsonNode, String, T> parse, T absent) {
            return node.has(key) ? read(key, parse) : absent;
        }

        public <T> T readOrNull(String key, BiFunction<JsonNode, String, T> parse) {
            return read(key, (value, path) -> value.isNull() ? null : parse.apply(value, path));
        }

        /** A free-form object, e.g. config, in file order. */
        public <T> Map<String, T> map(BiFunction<JsonNode, String, T> parse) {
            Map<String, T> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), parse.apply(e.getValue(), path(e.getKey())));
            }
            return map;
        }

        public void allowOnly(List<String> allowed) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!allowed.contains(e.getKey())) {
                    throw new IllegalArgumentException("unknown field " + path(e.getKey()) + "; expected only "
                            + allowed);
                }
            }
        }

        public void allowOnly(String... keys) {
            allowOnly(List.of(keys));
        }
    }

    // ---- values: each reads one JSON value at a path, or says what it must be ----

    public static String text(JsonNode v, String at) {
        if (!v.isTextual()) {
            throw mustBe(at, "a string", v);
        }
        return v.textValue();
    }

    public static int whole(JsonNode v, String at) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw mustBe(at, "a whole number", v);
        }
        return v.intValue();
    }

    public static int nonNegative(JsonNode v, String at) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw mustBe(at, "a whole number ≥ 0", v);
        }
        return v.intValue();
    }

    public static long count(JsonNode v, String at) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw mustBe(at, "a whole number ≥ 0", v);
        }
        return v.longValue();
    }

    public static boolean bool(JsonNode v, String at) {
        if (!v.isBoolean()) {
            throw mustBe(at, "true or false", v);
        }
        return v.booleanValue();
    }

    public static double finite(JsonNode v, String at) {
        // A number too large for a double, e.g. 1e400, parses as infinity.
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw mustBe(at, "a finite number", v);
        }
        return v.doubleValue();
    }

    public static List<String> texts(JsonNode v, String at) {
        ArrayNode array = array(v, at);
        List<String> texts = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            texts.add(text(array.get(i), at + "[" + i + "]"));
        }
        return texts;
    }

    public static double[] finiteNumbers(JsonNode v, String at) {
        ArrayNode array = array(v, at);
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = finite(array.get(i), at + "[" + i + "]");
        }
        return values;
    }

    public static List<Fields> objects(JsonNode v, String at) {
        ArrayNode array = array(v, at);
        List<Fields> objects = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            objects.add(Fields.of(array.get(i), at + "[" + i + "]"));
        }
        return objects;
    }

    private static ArrayNode array(JsonNode v, String at) {
        if (!v.isArray()) {
            throw mustBe(at, "an array", v);
        }
        return (ArrayNode) v;
    }

    /** The error for a value that is not what {@code at} must be. */
    public static IllegalArgumentException mustBe(String at, String expected, JsonNode actual) {
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
