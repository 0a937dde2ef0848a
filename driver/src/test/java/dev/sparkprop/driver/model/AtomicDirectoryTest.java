package dev.sparkprop.driver.model;

import static dev.sparkprop.driver.model.ModelSamples.assertContains;
import static dev.sparkprop.driver.model.ModelSamples.failing;
import static dev.sparkprop.driver.model.ModelSamples.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {

    @TempDir
    Path tmp;

    /** Two files, one big enough for the failing file system to die in. */
    private static AtomicDirectory.Contents files(String text) {
        return (fs, directory) -> {
            AtomicDirectory.writeFile(fs, new org.apache.hadoop.fs.Path(directory, "a.txt"),
                    text.getBytes(StandardCharsets.UTF_8));
            AtomicDirectory.writeFile(fs, new org.apache.hadoop.fs.Path(directory, "weights.bin"), new byte[1000]);
        };
    }

    @Test
    void writesTheDirectoryWithNoCrcFilesAndNothingBesideIt() throws IOException {
        AtomicDirectory.at(tmp.resolve("d").toString(), new Configuration()).write(files("new"));

        // Hadoop's checksummed local file system would have added .a.txt.crc and .weights.bin.crc
        assertEquals(List.of("a.txt", "weights.bin"), list(tmp.resolve("d")));
        assertEquals(List.of("d"), list(tmp));
        assertEquals("new", Files.readString(tmp.resolve("d/a.txt")));
    }

    @Test
    void replacesWhatIsThereAndLeavesNoOldCopyOrTemporaryDirectory() throws IOException {
        Files.createDirectories(tmp.resolve("d"));
        Files.writeString(tmp.resolve("d/old.txt"), "old");

        AtomicDirectory.at(tmp.resolve("d").toUri().toString(), new Configuration()).write(files("new"));

        assertEquals(List.of("a.txt", "weights.bin"), list(tmp.resolve("d")));
        assertEquals(List.of("d"), list(tmp));
    }

    @Test
    void aWriteThatFailsMidwayLeavesNoDirectoryAndNoTempDir() throws IOException {
        AtomicDirectory target = AtomicDirectory.at(tmp.resolve("d").toString(), failing("write"));

        IOException e = assertThrows(IOException.class, () -> target.write(files("new")));

        assertContains(e, "disk full (simulated)");
        assertEquals(List.of(), list(tmp));
    }

    @Test
    void aReplaceWhoseFinalRenameFailsKeepsTheOldDirectory() throws IOException {
        Files.createDirectories(tmp.resolve("d"));
        Files.writeString(tmp.resolve("d/old.txt"), "old");
        AtomicDirectory target = AtomicDirectory.at(tmp.resolve("d").toString(), failing("rename"));

        IOException e = assertThrows(IOException.class, () -> target.write(files("new")));

        assertContains(e, "cannot rename");
        assertEquals(List.of("old.txt"), list(tmp.resolve("d")));
        assertEquals(List.of("d"), list(tmp));
    }

    @Test
    void onlyAnEmptyDirectoryOrOneWithTheMarkerIsReplaceable() throws IOException {
        Configuration conf = new Configuration();
        Files.createDirectories(tmp.resolve("empty"));
        Files.createDirectories(tmp.resolve("ours"));
        Files.writeString(tmp.resolve("ours/metadata.json"), "{}");
        Files.createDirectories(tmp.resolve("home"));
        Files.writeString(tmp.resolve("home/notes.txt"), "precious");
        Files.writeString(tmp.resolve("file"), "x");

        assertTrue(AtomicDirectory.at(tmp.resolve("empty").toString(), conf).isEmptyOrHas("metadata.json"));
        assertTrue(AtomicDirectory.at(tmp.resolve("ours").toString(), conf).isEmptyOrHas("metadata.json"));
        assertFalse(AtomicDirectory.at(tmp.resolve("home").toString(), conf).isEmptyOrHas("metadata.json"));
        assertFalse(AtomicDirectory.at(tmp.resolve("file").toString(), conf).isEmptyOrHas("metadata.json"));
        assertFalse(AtomicDirectory.at(tmp.resolve("nothing").toString(), conf).isEmptyOrHas("metadata.json"));
    }

    @Test
    void aMissingFileIsNamedWithWhatItLeavesIncomplete() throws IOException {
        AtomicDirectory dir = AtomicDirectory.at(tmp.toString(), new Configuration());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AtomicDirectory.requireFile(dir.fileSystem(), dir.file("x.bin"), "test directory"));

        assertContains(e, tmp.resolve("x.bin") + " is missing; not a complete test directory");
    }
}
