package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkprop.driver.train.TrainerState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Writing and reading checkpoints, with the golden checkpoint (test resources golden/) as the sample. */
class CheckpointsTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final Checkpoints.PathNames CLI_NEW = Checkpoints.PathNames.cli(false);
    private static final Checkpoints.PathNames CLI_RESUMED = Checkpoints.PathNames.cli(true);

    @TempDir
    Path tmp;

    @Test
    void localCheckpointsLeaveNoCrcFileAnywhereAndOnlyTheNewestAreKept() throws IOException {
        Path root = tmp.resolve("checkpoints");
        for (long iteration : new long[] {3, 7, 10}) {
            writeAt(root, iteration);
        }

        try (Stream<Path> all = Files.walk(tmp)) {
            assertEquals(List.of(), all.filter(p -> p.getFileName().toString().endsWith(".crc")).toList());
        }
        assertEquals(List.of("checkpoint-0000000007", "checkpoint-0000000010"), names(root));
        assertEquals(10, Checkpoints.read(root.toString(), new Configuration()).state().iteration(),
                "the root reads as its newest checkpoint");
    }

    @Test
    void aCheckpointPastTheOneJustWrittenIsNotTheRunsAndIsNeitherCountedNorDeleted() throws IOException {
        Path root = tmp.resolve("checkpoints");
        for (long iteration : new long[] {3, 72, 7, 10}) {
            writeAt(root, iteration);
        }

        assertEquals(List.of("checkpoint-0000000007", "checkpoint-0000000010", "checkpoint-0000000072"),
                names(root), "the newest 2 up to 10 kept, and 72 left alone");
    }

    @Test
    void aNewRunIsRefusedACheckpointPathHoldingAnotherRunsCheckpoints() throws IOException {
        Path root = tmp.resolve("checkpoints");
        writeAt(root, 60);
        writeAt(root, 72);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.checkPath(root.toString(), -1, false, CLI_NEW, new Configuration()));

        assertEquals("training.checkpoint.path " + root + " already holds 2 checkpoints of another run (the newest"
                + " checkpoint-0000000072); continue that run (--resume " + root + "), give an empty directory, or set"
                + " output.overwrite = true to delete them",
                e.getMessage());
        assertEquals(2, Checkpoints.checkPath(root.toString(), -1, true, CLI_NEW, new Configuration()).size(),
                "with overwrite, both are returned to replace");
        assertEquals(List.of(), Checkpoints.checkPath(tmp.resolve("none").toString(), -1, false,
                CLI_NEW, new Configuration()), "a path not there yet holds nothing");
    }

    @Test
    void aResumeIsRefusedCheckpointsPastItButNotThoseUpToIt() throws IOException {
        Path root = tmp.resolve("checkpoints");
        writeAt(root, 45);
        writeAt(root, 53);

        assertEquals(List.of(), Checkpoints.checkPath(root.toString(), 53, false, CLI_RESUMED, new Configuration()),
                "resuming from the newest");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.checkPath(root.toString(), 45, false, CLI_RESUMED, new Configuration()));
        assertEquals("training.checkpoint.path " + root + " holds a checkpoint past the one resumed, at iteration"
                + " 45 (the newest checkpoint-0000000053); resume from the newest, give an empty directory, or add --set"
                + " output.overwrite=true to delete them", e.getMessage());
        List<org.apache.hadoop.fs.Path> replaced = Checkpoints.checkPath(root.toString(), 45, true,
                CLI_RESUMED, new Configuration());
        Checkpoints.delete(replaced, new Configuration());
        assertEquals(List.of("checkpoint-0000000045"), names(root));
    }

    private static void writeAt(Path root, long iteration) {
        Checkpoints.Checkpoint golden = Checkpoints.read(golden().toString(), new Configuration());
        TrainerState s = golden.state();
        TrainerState at = new TrainerState(s.params(), s.optimizerState(), iteration, s.epoch(), s.stepInEpoch(),
                s.epochSteps(), s.epochLoss(), s.epochCorrect(), s.epochWeight(), s.stopped());
        Checkpoints.write(root.toString(), 2, new Checkpoints.Checkpoint(golden.model(), at, golden.bestEpoch(),
                golden.bestValue(), golden.bestParams(), golden.steps(), 3), new Configuration());
    }

    private static List<String> names(Path root) throws IOException {
        try (Stream<Path> kept = Files.list(root)) {
            return kept.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static Stream<Arguments> badResumeFiles() {
        return Stream.of(
                badCase("an unsupported format", resume(json -> json.put("format", 2)),
                        "checkpoint format 2 is not supported by this sparkprop (reads 1)"),
                badCase("an unknown field", resume(json -> json.put("learning_rate", 0.1)),
                        "unknown field learning_rate"),
                badCase("a missing field", resume(json -> json.remove("best_value")), "missing field best_value"),
                badCase("a negative epoch", resume(json -> json.put("epoch", -1)),
                        "epoch must be a whole number ≥ 0, got number -1"),
                badCase("an iteration as a string", resume(json -> json.put("iteration", "10")),
                        "iteration must be a whole number ≥ 0, got string \"10\""),
                badCase("a double that is not one", resume(json -> json.put("epoch_loss", "low")),
                        "epoch_loss must be a double as a string"),
                badCase("a double as a number, which would not read back exactly",
                        resume(json -> json.put("best_value", 0.1)), "best_value must be a double as a string"),
                badCase("finished as a string", resume(json -> json.put("finished", "no")),
                        "finished must be true or false"),
                badCase("not JSON", file -> write(file, "{ format: 1 }"), "is not valid JSON"),
                badCase("a duplicate key", file -> edit(file, text -> text.replaceFirst("\\{", "{ \"format\" : 1,")),
                        "Duplicate field 'format'"),
                badCase("over the size limit", file -> {
                    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                        f.setLength((1 << 20) + 1);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, "is larger than the 1 MiB limit"),
                badCase("more optimizer values than optimizer.bin holds",
                        resume(json -> json.put("optimizer_values", 135)),
                        "optimizer.bin holds 134 values but "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResumeFiles")
    void aBadResumeJsonIsRefusedNamingTheFileAndTheField(String name, Consumer<Path> breakIt, String problem)
            throws IOException {
        Path checkpoint = copyOfGolden();
        breakIt.accept(checkpoint.resolve(Checkpoints.RESUME));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.read(checkpoint.toString(), new Configuration()));

        assertTrue(e.getMessage().contains(checkpoint.resolve(Checkpoints.RESUME).toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void theStepsWhoseLossCountedComeBackWhenFewerThanTheEpochsSteps() throws IOException {
        Checkpoints.Checkpoint golden = Checkpoints.read(golden().toString(), new Configuration());
        TrainerState s = golden.state();
        // Of 5 steps into the epoch, 3 counted in its loss (2 skipped as non-finite, or of rows of weight 0)
        TrainerState at = new TrainerState(s.params(), s.optimizerState(), s.iteration(), s.epoch(), 5, 3, s.epochLoss(),
                s.epochCorrect(), s.epochWeight(), false);
        String written = Checkpoints.write(tmp.resolve("checkpoints").toString(), 2, new Checkpoints.Checkpoint(
                golden.model(), at, golden.bestEpoch(), golden.bestValue(), golden.bestParams(), golden.steps(), 3),
                new Configuration());
        TrainerState back = Checkpoints.read(written, new Configuration()).state();
        assertEquals(5, back.stepInEpoch());
        assertEquals(3, back.epochSteps());
    }

    @Test
    void aMissingOptimizerStateIsNamed() throws IOException {
        Path checkpoint = copyOfGolden();
        Files.delete(checkpoint.resolve(Checkpoints.OPTIMIZER));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.read(checkpoint.toString(), new Configuration()));

        assertTrue(e.getMessage().contains(checkpoint.resolve(Checkpoints.OPTIMIZER)
                + " is missing; not a complete sparkprop checkpoint"), e.getMessage());
    }

    @Test
    void aDamagedNewestCheckpointUnderTheRootNamesTheOneBeforeIt() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("checkpoints"));
        Path older = Files.move(copyOfGolden(), root.resolve("checkpoint-0000000007"));
        Path newest = Files.move(copyOfGolden(), root.resolve("checkpoint-0000000010"));
        Files.delete(newest.resolve(Checkpoints.OPTIMIZER));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.read(root.toString(), new Configuration()));

        assertTrue(e.getMessage().startsWith(newest.resolve(Checkpoints.OPTIMIZER) + " is missing"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; the checkpoint before it, " + older
                + ", may be whole: give it to --resume"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutCheckpointsIsRefusedSayingWhatToGive() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(model.resolve("metadata.json"), "{}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.read(model.toString(), new Configuration()));

        assertEquals(model + " is neither a checkpoint (it has no " + Checkpoints.RESUME + ") nor a directory of"
                + " checkpoint-<iteration> directories; give a checkpoint-<iteration> directory, or the"
                + " training.checkpoint.path a run wrote its checkpoints to", e.getMessage());
    }

    private Path copyOfGolden() throws IOException {
        Path copy = Files.createDirectories(tmp.resolve("checkpoint"));
        try (Stream<Path> files = Files.list(golden())) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private static Path golden() {
        try {
            return Path.of(CheckpointsTest.class.getResource("/golden/checkpoint-format1-iris/checkpoint").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Arguments badCase(String name, Consumer<Path> breakIt, String problem) {
        return Arguments.of(name, breakIt, problem);
    }

    private static Consumer<Path> resume(Consumer<ObjectNode> change) {
        return file -> edit(file, text -> {
            try {
                ObjectNode json = (ObjectNode) PLAIN.readTree(text);
                change.accept(json);
                return PLAIN.writerWithDefaultPrettyPrinter().writeValueAsString(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void edit(Path file, UnaryOperator<String> change) {
        try {
            write(file, change.apply(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
