package dev.sparkprop.driver.model;

import static dev.sparkprop.driver.model.ModelSamples.PARAMETERS;
import static dev.sparkprop.driver.model.ModelSamples.assertContains;
import static dev.sparkprop.driver.model.ModelSamples.assertSameModel;
import static dev.sparkprop.driver.model.ModelSamples.editMetadata;
import static dev.sparkprop.driver.model.ModelSamples.flip;
import static dev.sparkprop.driver.model.ModelSamples.list;
import static dev.sparkprop.driver.model.ModelSamples.metadata;
import static dev.sparkprop.driver.model.ModelSamples.network;
import static dev.sparkprop.driver.model.ModelSamples.sample;
import static dev.sparkprop.driver.model.ModelSamples.tree;
import static dev.sparkprop.driver.model.ModelSamples.weightsFile;
import static dev.sparkprop.driver.model.ModelSamples.withCount;
import static dev.sparkprop.driver.model.ModelSamples.withNaN;
import static dev.sparkprop.driver.model.ModelSamples.withParams;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model directory as its callers use it: the pieces put together (each has its own test),
 * the overwrite policy, and every refusal naming the file it is about.
 */
class ModelDirectoryTest {

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
    void aModelIsItsMetadataAndItsWeightsAndNothingElse() throws IOException {
        Path dir = tmp.resolve("model");
        SavedModel model = sample();

        ModelDirectory.write(model, dir.toString(), false, new Configuration());

        // Nothing else: no Hadoop .crc files, no temporary directory beside it.
        assertEquals(List.of("metadata.json", "weights.bin"), list(dir));
        assertEquals(List.of("model"), list(tmp));
        assertArrayEquals(MetadataJson.write(model.metadata()), Files.readAllBytes(dir.resolve("metadata.json")));
        assertArrayEquals(weightsFile(model.params()), Files.readAllBytes(dir.resolve("weights.bin")));
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

    // ---- a model that would not read back is not written ----

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
                () -> ModelDirectory.write(new SavedModel(metadata(ModelSamples.LAYERS, "cross_entropy", PARAMETERS,
                        infiniteScale), sample().params()), path, false, new Configuration()));

        assertContains(nanWeight, "parameter W1[2,0] (index 2) is NaN");
        assertContains(infinite, "preprocessing.featureScale[1] must be a finite number");
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void aWriteThatFailsMidwayLeavesNothing() throws IOException {
        String path = tmp.resolve("model").toString();

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ModelDirectory.write(sample(), path, false, ModelSamples.failing("write")));

        assertContains(e, "cannot save the model to " + path + ": disk full (simulated)");
        assertEquals(List.of(), list(tmp));
    }

    // ---- refusing broken or hostile model directories, naming the file ----

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                brokenCase("a corrupt weights.bin", "weights.bin", dir -> edit(dir.resolve("weights.bin"),
                        w -> flip(w, 12 + 8 * 3 + 5)), "is corrupt: its CRC32 says"),
                brokenCase("a truncated weights.bin", "weights.bin", dir -> edit(dir.resolve("weights.bin"),
                        w -> Arrays.copyOf(w, w.length - 5)), "weights.bin is truncated: 359 bytes where the model"
                        + " needs 364; the model directory is damaged: train the model again, or restore the directory"
                        + " from a copy"),
                brokenCase("a weights.bin of another length than the metadata says", "weights.bin",
                        dir -> edit(dir.resolve("weights.bin"), w -> withCount(w, 42)),
                        "holds 42 values but metadata.json says network.parameters = 43"),
                brokenCase("NaN with a valid checksum", "weights.bin", dir -> edit(dir.resolve("weights.bin"),
                        w -> weightsFile(withNaN(sample().params(), 2))), "parameter W1[2,0] (index 2) is NaN"),
                brokenCase("a metadata.json that is not JSON", "metadata.json",
                        dir -> edit(dir.resolve("metadata.json"), json -> "rm -rf /".getBytes(StandardCharsets.UTF_8)),
                        "is not valid JSON: Unrecognized token"),
                brokenCase("a metadata.json not matching its network", "metadata.json",
                        dir -> uncheckedEditMetadata(dir, tree(root -> network(root).put("parameters", 42))),
                        "network.parameters is 42 but layers 6,4:tanh,3:softmax have 43"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void brokenFilesAreRefusedNamingTheFile(String name, String file, Consumer<Path> breakIt, String problem) {
        Path dir = tmp.resolve("model");
        ModelDirectory.write(sample(), dir.toString(), false, new Configuration());
        breakIt.accept(dir);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration()));

        assertContains(e, dir.resolve(file).toString());
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
                "model directory " + dir + " does not exist; give the directory a model was written to"
                + " (sparkprop train's output.model_path, or a model's save)");
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(file.toString(), new Configuration())),
                file + " is a file, not a sparkprop model directory");

        ModelDirectory.write(sample(), dir.toString(), false, new Configuration());
        Files.delete(dir.resolve("weights.bin"));
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration())),
                dir.resolve("weights.bin") + " is missing; not a complete sparkprop model directory: train the"
                + " model again, or restore the directory from a copy");
        Files.delete(dir.resolve("metadata.json"));
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(dir.toString(), new Configuration())),
                dir.resolve("metadata.json") + " is missing; not a complete sparkprop model directory: train the"
                + " model again, or restore the directory from a copy");
    }

    @Test
    void aCheckpointDirectoryOrAPipelineModelGivenForAModelIsNamedWithWhatToGiveInstead() throws IOException {
        Path checkpoints = tmp.resolve("ckpt");
        ModelDirectory.write(sample(), checkpoints.resolve("checkpoint-0000000009").toString(), false,
                new Configuration());
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(checkpoints.toString(), new Configuration())),
                checkpoints + " is a checkpoint directory, which train --resume continues from, not a model");

        Path pipeline = tmp.resolve("pipeline");
        Files.createDirectories(pipeline.resolve("metadata"));
        Files.createDirectories(pipeline.resolve("stages/0_vecAssembler_1"));
        Path stage = pipeline.resolve("stages/1_sparkprop_2");
        ModelDirectory.write(sample(), stage.toString(), false, new Configuration());
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.read(pipeline.toString(), new Configuration())),
                pipeline + " is a Spark ML PipelineModel, not a sparkprop model; load it with PipelineModel.load,"
                        + " or give its sparkprop stage, " + "file:" + stage);
    }

    private static Arguments brokenCase(String name, String file, Consumer<Path> breakIt, String problem) {
        return Arguments.of(name, file, breakIt, problem);
    }

    private static void edit(Path file, UnaryOperator<byte[]> edit) {
        try {
            Files.write(file, edit.apply(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void uncheckedEditMetadata(Path dir, UnaryOperator<String> edit) {
        try {
            editMetadata(dir, edit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
