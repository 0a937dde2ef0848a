package dev.sparkprop.driver.model;

import dev.sparkprop.driver.FileSystemFailure;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;

/**
 * A directory on any Hadoop file system that appears complete or not at all: its files are
 * written into a temporary sibling directory, which is then renamed into place. Rename is atomic
 * on HDFS and local disks; on object stores (s3a) it is a copy, and the directory is complete
 * once {@link #write} returns. Whether an existing directory may be replaced is the caller's
 * decision ({@link #isEmptyOrHas} helps it), made before anything is written.
 *
 * <p>Files go through the raw file system: Hadoop's local file system would add a {@code .crc}
 * file beside each one, and sparkprop's binary files carry their own CRC.
 */
public final class AtomicDirectory {

    /** Writes the directory's files. */
    @FunctionalInterface
    public interface Contents {
        /** @param directory the temporary directory, qualified, on {@code fs} */
        void writeInto(FileSystem fs, Path directory) throws IOException;
    }

    private final FileSystem fs;
    private final Path path;

    private AtomicDirectory(FileSystem fs, Path path) {
        this.fs = fs;
        this.path = path;
    }

    /** The directory at {@code path}, which need not exist yet. */
    public static AtomicDirectory at(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = fileSystem(p, conf);
        return new AtomicDirectory(fs, fs.makeQualified(p));
    }

    /** The file system of {@code path}, without Hadoop's .crc files on the local one. */
    public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    /** The qualified path. */
    public Path path() {
        return path;
    }

    /** A file in the directory. */
    public Path file(String name) {
        return new Path(path, name);
    }

    /** What is at the path, or null when nothing is. */
    public FileStatus status() throws IOException {
        return statusOrNull(fs, path);
    }

    /**
     * Whether the directory holds {@code marker} or nothing at all: what an overwrite may
     * replace, so that it replaces an old copy and never, say, a home directory.
     */
    public boolean isEmptyOrHas(String marker) throws IOException {
        FileStatus status = status();
        return status != null && status.isDirectory()
                && (fs.exists(file(marker)) || fs.listStatus(path).length == 0);
    }

    /**
     * Writes the directory: {@code contents} into a temporary sibling, renamed into place once
     * complete. A directory already there is replaced (moved aside, the new one moved in, the old
     * one deleted; put back if the new one cannot go in). A failure leaves the path as it was and
     * no temporary directory behind.
     */
    public void write(Contents contents) throws IOException {
        if (path.getParent() == null) {
            throw new IllegalArgumentException("cannot write to the root directory " + path);
        }
        Path temporary = sibling("._tmp-");
        try (ShutdownCleanup interrupted = ShutdownCleanup.deleting(temporary, fs.getConf())) {
            contents.writeInto(fs, temporary);
            interrupted.publish(() -> {
                if (status() == null) {
                    rename(temporary, path);
                } else {
                    replaceWith(temporary);
                }
            });
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(temporary, true);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Writes {@code bytes} as a new file. */
    public static void writeFile(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(file, false)) {
            out.write(bytes);
        }
    }

    /**
     * A file of a directory being read, with its status.
     *
     * @param whole what the directory is, for the message, e.g. {@code sparkprop model directory}
     * @throws IllegalArgumentException when it is missing
     */
    public static FileStatus requireFile(FileSystem fs, Path file, String whole) throws IOException {
        FileStatus status = statusOrNull(fs, file);
        if (status == null || status.isDirectory()) {
            throw new IllegalArgumentException(file + " is missing; not a complete " + whole);
        }
        return status;
    }

    /**
     * Fails unless the directory at {@code directory}, when there is one, holds only entries whose
     * names {@code belongs} accepts: a run that replaces an output of its own must not delete what
     * someone keeps there.
     *
     * @param key  what names the path to the user, e.g. output.report_path
     * @param what what the directory should hold, e.g. "a training report"
     */
    public static void checkHoldsOnly(String directory, String key, Predicate<String> belongs, String what,
                                      Configuration conf) {
        Path dir = new Path(directory);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            FileStatus status = statusOrNull(fs, dir);
            if (status == null || !status.isDirectory()) {
                return;
            }
            for (FileStatus entry : fs.listStatus(dir)) {
                String name = entry.getPath().getName();
                if (!belongs.test(name)) {
                    throw new IllegalArgumentException(key + " '" + directory + "' holds '" + name + "', which is"
                            + " not part of " + what + "; give a directory of its own (empty, or one that holds "
                            + what + ")");
                }
            }
        } catch (IOException e) {
            throw new FileSystemFailure("cannot list " + directory, e);
        }
    }

    /** The status of {@code path}, or null when there is none (also under a file, where HDFS refuses to look). */
    public static FileStatus statusOrNull(FileSystem fs, Path path) throws IOException {
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException | ParentNotDirectoryException e) {
            return null;
        }
    }

    private Path sibling(String infix) {
        return new Path(path.getParent(), path.getName() + infix + UUID.randomUUID());
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    private void replaceWith(Path temporary) throws IOException {
        Path old = sibling("._old-");
        rename(path, old);
        try {
            rename(temporary, path);
        } catch (IOException e) {
            if (!fs.rename(old, path)) {
                e.addSuppressed(new IOException("could not move the previous directory back; it is at " + old));
            }
            throw e;
        }
        // The new directory is in place; an old copy left behind would be clutter, not harm.
        fs.delete(old, true);
    }
}
