package dev.sparkprop.driver.model;

import static dev.sparkprop.driver.model.ModelSamples.assertContains;
import static dev.sparkprop.driver.model.ModelSamples.metadataCase;
import static dev.sparkprop.driver.model.ModelSamples.tree;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StrictJsonTest {

    private static final String SOURCE = "/somewhere/file.json";
    private static final String DOCUMENT = "{\n  \"formatVersion\" : 1,\n  \"createdBy\" : \"sparkprop\",\n"
            + "  \"config\" : { \"a\" : \"b\" }\n}";

    @TempDir
    Path tmp;

    static Stream<Arguments> hostileDocuments() {
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
                metadataCase("trailing content", json -> json + "{}", "Trailing token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileDocuments")
    void hostileDocumentsAreRefusedBeforeAnyFieldIsRead(String name, UnaryOperator<String> edit, String problem) {
        byte[] json = edit.apply(DOCUMENT).getBytes(StandardCharsets.UTF_8);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StrictJson.parse(json, SOURCE, fields -> fields));

        assertTrue(e.getMessage().startsWith(SOURCE), e.getMessage());
        assertContains(e, problem);
    }

    @Test
    void aCutOffDocumentIsPlacedByLineAndColumnWithoutJacksonsWithheldSource() {
        byte[] json = DOCUMENT.substring(0, DOCUMENT.length() - 1).getBytes(StandardCharsets.UTF_8);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StrictJson.parse(json, SOURCE, fields -> fields));

        assertEquals(SOURCE + " is not valid JSON: Unexpected end-of-input: expected close marker for Object (start"
                + " marker at line 1, column 1) (line 5, column 1)", e.getMessage());
    }

    @Test
    void fieldsAreReadByPathAndAnythingElseIsRefused() {
        byte[] json = DOCUMENT.getBytes(StandardCharsets.UTF_8);

        Map<String, String> config = StrictJson.parse(json, SOURCE, top -> {
            top.allowOnly("formatVersion", "createdBy", "config");
            assertEquals(1, top.read("formatVersion", StrictJson::whole));
            return top.read("config", StrictJson.Fields::of).map(StrictJson::text);
        });
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> StrictJson.parse(json, SOURCE, top -> {
                    top.allowOnly("formatVersion", "config");
                    return top;
                }));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> StrictJson.parse(json, SOURCE, top -> top.read("config", StrictJson.Fields::of)
                        .read("c", StrictJson::text)));
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> StrictJson.parse(json, SOURCE, top -> top.read("createdBy", StrictJson::nonNegative)));

        assertEquals(Map.of("a", "b"), config);
        assertEquals(SOURCE + ": unknown field createdBy; expected only [formatVersion, config]", unknown.getMessage());
        assertEquals(SOURCE + ": missing field config.c", missing.getMessage());
        assertEquals(SOURCE + ": createdBy must be a whole number ≥ 0, got string \"sparkprop\"",
                wrongType.getMessage());
    }

    @Test
    void aFileOverTheLimitIsRefusedWithoutReadingItAll() throws IOException {
        Path file = tmp.resolve("big.json");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength((1 << 20) + 1);
        }
        Path small = Files.writeString(tmp.resolve("small.json"), DOCUMENT);
        FileSystem fs = AtomicDirectory.fileSystem(new org.apache.hadoop.fs.Path("/"), new Configuration());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StrictJson.readFile(fs, new org.apache.hadoop.fs.Path(file.toUri()), 1 << 20, "test things"));

        assertContains(e, file + " is larger than the 1 MiB limit for test things");
        assertArrayEquals(DOCUMENT.getBytes(StandardCharsets.UTF_8),
                StrictJson.readFile(fs, new org.apache.hadoop.fs.Path(small.toUri()), 1 << 20, "test things"));
    }

    @Test
    void writesPrettyWithNonFiniteDoublesAsStrings() {
        var document = StrictJson.object();
        document.put("x", Double.NaN);
        document.putArray("y").add(0.1).add(Double.NEGATIVE_INFINITY);

        assertEquals(List.of("{", "  \"x\" : \"NaN\",", "  \"y\" : [ 0.1, \"-Infinity\" ]", "}"),
                new String(StrictJson.bytes(document), StandardCharsets.UTF_8).lines().toList());
    }
}
