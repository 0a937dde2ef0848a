package dev.sparkprop.driver.model;

import static dev.sparkprop.driver.model.ModelSamples.assertContains;
import static dev.sparkprop.driver.model.ModelSamples.bits;
import static dev.sparkprop.driver.model.ModelSamples.flip;
import static dev.sparkprop.driver.model.ModelSamples.sample;
import static dev.sparkprop.driver.model.ModelSamples.weightsCase;
import static dev.sparkprop.driver.model.ModelSamples.weightsFile;
import static dev.sparkprop.driver.model.ModelSamples.withCount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WeightsCodecTest {

    private static final String EXPECTATION = "metadata.json says network.parameters = 43";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} values")
    @ValueSource(ints = {0, 43, 8192, 20001})  // none; the sample's; one 64 KiB chunk; several and a part
    void writesTheDocumentedFormatAndReadsItBackBitForBit(int n) throws IOException {
        // Any bit pattern: the codec stores values; whether a model may hold them is not its business.
        double[] values = new Random(n).longs(n).mapToDouble(Double::longBitsToDouble).toArray();
        Path file = tmp.resolve("values.bin");

        WeightsCodec.write(fs(), hadoop(file), values);

        assertArrayEquals(weightsFile(values), Files.readAllBytes(file));
        assertArrayEquals(bits(values), bits(read(file, n, "the test says " + n)));
    }

    static Stream<Arguments> brokenWeights() {
        return Stream.of(
                weightsCase("truncated", w -> Arrays.copyOf(w, w.length - 5),
                        "is truncated: 359 bytes where the model needs 364"),
                weightsCase("truncated inside the header", w -> Arrays.copyOf(w, 6), "is truncated"),
                weightsCase("a flipped byte", w -> flip(w, 12 + 8 * 3 + 5), "is corrupt: its CRC32 says"),
                weightsCase("a flipped checksum byte", w -> flip(w, w.length - 1), "is corrupt: its CRC32 says"),
                weightsCase("wrong magic", w -> flip(w, 0),
                        "is not a sparkprop weights file: it does not start with SPKPW001"),
                weightsCase("wrong count", w -> withCount(w, 42), "holds 42 values but " + EXPECTATION),
                weightsCase("trailing bytes", w -> Arrays.copyOf(w, w.length + 3),
                        "has 3 trailing bytes after its checksum"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenWeights")
    void brokenWeightsAreRefused(String name, UnaryOperator<byte[]> edit, String problem) throws IOException {
        Path file = tmp.resolve("weights.bin");
        Files.write(file, edit.apply(weightsFile(sample().params())));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(file, sample().params().length, EXPECTATION));

        assertContains(e, file + " ");
        assertContains(e, problem);
    }

    @Test
    void aHugeCountInAShortFileIsRefusedBeforeAllocating() throws IOException {
        Path file = tmp.resolve("weights.bin");
        Files.write(file, withCount(weightsFile(new double[3]), Integer.MAX_VALUE));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(file, Integer.MAX_VALUE, "the test says so"));

        assertContains(e, "is truncated: 44 bytes where the model needs " + (20 + 8L * Integer.MAX_VALUE));
    }

    private double[] read(Path file, int expected, String expectation) throws IOException {
        return WeightsCodec.read(fs(), fs().getFileStatus(hadoop(file)), expected, expectation);
    }

    private static FileSystem fs() throws IOException {
        return AtomicDirectory.fileSystem(new org.apache.hadoop.fs.Path("/"), new Configuration());
    }

    private static org.apache.hadoop.fs.Path hadoop(Path file) {
        return new org.apache.hadoop.fs.Path(file.toUri());
    }
}
