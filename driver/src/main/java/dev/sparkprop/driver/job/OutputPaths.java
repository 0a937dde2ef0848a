package dev.sparkprop.driver.job;

import dev.sparkprop.driver.FileSystemFailure;
import dev.sparkprop.driver.model.AtomicDirectory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks and moves job outputs through Hadoop's FileSystem API (local, hdfs://, s3a://, ...). */
public final class OutputPaths {

    private static final Logger LOG = LoggerFactory.getLogger(OutputPaths.class);

    /**
     * File systems with real directories and permissions on them, where a directory made in the
     * nearest existing ancestor says the output can be written. Object stores (s3a, gs, abfs) have
     * neither: the nearest "existing" ancestor may be the bucket, where a prefix-scoped policy
     * refuses what the output's own prefix allows.
     */
    private static final Set<String> HAS_DIRECTORIES = Set.of("file", "hdfs", "viewfs");

    private OutputPaths() {
    }

    /**
     * Fails before any work when {@code path} exists and may not be replaced.
     *
     * @param key       what names the path to the user, e.g. output.model_path or --output
     * @param overwrite how the user lets it be replaced, e.g. {@code add --overwrite}
     */
    static void checkWritable(String path, boolean mayReplace, String key, String overwrite, Configuration conf) {
        if (!mayReplace && exists(path, conf)) {
            throw new IllegalArgumentException(key + " '" + path + "' already exists; to replace it, " + overwrite
                    + ", or choose another path");
        }
    }

    /**
     * Fails before any work when {@code path} cannot become a directory: it, or the nearest of its
     * ancestors that exists, is a file, or that ancestor refuses a new directory (no permission, a
     * read-only or pseudo file system), found by making and deleting a hidden one there. Writing
     * would otherwise find that out only at the end of the run (or at its first checkpoint).
     */
    public static void checkCanBeDirectory(String path, String key, Configuration conf) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            Path qualified = fs.makeQualified(p);
            for (Path q = qualified; q != null; q = q.getParent()) {
                FileStatus status = AtomicDirectory.statusOrNull(fs, q);
                if (status == null) {
                    continue;
                }
                if (!status.isDirectory()) {
                    throw new IllegalArgumentException(key + " '" + path + "' " + (q.equals(qualified) ? "is a file"
                            : "is inside '" + shown(q) + "', which is a file") + ", not a directory; choose another path");
                }
                // A directory there is replaced by a rename in its parent: that is where one must be made
                Path where = q.equals(qualified) && q.getParent() != null ? q.getParent() : q;
                if (HAS_DIRECTORIES.contains(fs.getScheme())) {
                    checkMakesDirectories(fs, where, path, key);
                }
                return;
            }
        } catch (IOException e) {
            throw new FileSystemFailure("cannot check '" + path + "'", e);
        }
    }

    private static void checkMakesDirectories(FileSystem fs, Path existing, String path, String key) {
        Path probe = new Path(existing, ".sparkprop-probe-" + UUID.randomUUID());
        String refused = key + " '" + path + "' cannot be written: '" + shown(existing) + "' refuses a new directory";
        try {
            if (!fs.mkdirs(probe)) {
                throw new IllegalArgumentException(refused + "; choose another path");
            }
        } catch (AccessControlException | AccessDeniedException e) {
            throw new IllegalArgumentException(refused + " (" + e.getMessage() + "); choose another path", e);
        } catch (IOException e) {
            throw new FileSystemFailure("cannot make a directory in '" + shown(existing) + "'", e);
        }
        try {
            fs.delete(probe, true);
        } catch (IOException e) {
            // Harmless where it is: the run can still write its output
            LOG.warn("could not delete the directory {} made to test that {} can be written: {}", probe, key,
                    e.getMessage());
        }
    }

    /** A local path as the user writes it, any other with its scheme. */
    private static String shown(Path qualified) {
        return "file".equals(qualified.toUri().getScheme()) ? qualified.toUri().getPath() : qualified.toString();
    }

    /**
     * Fails before any work when the output {@code path} is, contains or lies inside {@code read},
     * a path the job reads (as Spark refuses to overwrite a path it reads from): replacing the
     * output would delete the input, and an output inside an input directory becomes part of it.
     * Paths are compared fully qualified on their FileSystem, with "." and ".." resolved, so "x" and
     * "file:$PWD/x" are one.
     *
     * @param readKey what names {@code read} to the user, e.g. --data
     */
    static void checkApart(String path, String key, String read, String readKey, Configuration conf) {
        refuse(path, key, read, readKey, EnumSet.allOf(Overlap.class), ", which this run reads; choose an output path"
                + " apart from it", conf);
    }

    /**
     * Fails before any work when the output {@code path} is or contains the directory the job
     * writes its checkpoints to: writing the output would delete them (an output inside that
     * directory is kept apart from the checkpoints, which are its checkpoint-* subdirectories).
     */
    static void checkNotOver(String path, String key, String checkpoints, String checkpointsKey, Configuration conf) {
        refuse(path, key, checkpoints, checkpointsKey, EnumSet.of(Overlap.IS, Overlap.CONTAINS), "; writing it would"
                + " delete the checkpoints, so choose another path", conf);
    }

    /**
     * Fails before any work when the checkpoint directory {@code path} is, or is inside, a
     * directory the job reads: its checkpoint-* subdirectories would be read as data next time.
     * One that contains the data is kept apart from it, as its checkpoints are subdirectories.
     */
    static void checkCheckpointsApart(String path, String key, String read, String readKey, Configuration conf) {
        refuse(path, key, read, readKey, EnumSet.of(Overlap.IS, Overlap.INSIDE), ", which this run reads; its"
                + " checkpoints would be read as data: choose a path apart from it", conf);
    }

    /**
     * Fails before any work when the report directory {@code path} is or contains the model
     * directory: the report's files would mix with the model's, and the next run would refuse to
     * replace a report directory holding a model. A report inside the model directory is kept
     * apart from it, as the default {@code <model_path>/report} is: the model is written first,
     * replacing the whole directory, then the report into it.
     */
    static void checkReportApart(String path, String key, String model, String modelKey, Configuration conf) {
        refuse(path, key, model, modelKey, EnumSet.of(Overlap.IS, Overlap.CONTAINS), "; the report's files would mix"
                + " with the model's: set " + key + " = \"\" (the default, the model's report subdirectory) or a"
                + " directory apart from the model's", conf);
    }

    /** How one path lies relative to another, as the messages say it. */
    private enum Overlap {
        IS("is"), CONTAINS("contains"), INSIDE("is inside");

        private final String words;

        Overlap(String words) {
            this.words = words;
        }
    }

    /**
     * Fails, saying "{@code key} 'path' is (contains, is inside) {@code otherKey} 'other'" and then
     * {@code why}, when the paths overlap in one of the {@code refused} ways.
     */
    private static void refuse(String path, String key, String other, String otherKey, Set<Overlap> refused,
                               String why, Configuration conf) {
        Overlap overlap = overlap(path, other, conf);
        if (overlap != null && refused.contains(overlap)) {
            throw new IllegalArgumentException(key + " '" + path + "' " + overlap.words + " " + otherKey + " '" + other
                    + "'" + why);
        }
    }

    /** How {@code path} lies relative to {@code other}; null when apart. */
    private static Overlap overlap(String path, String other, Configuration conf) {
        String a = qualified(path, conf);
        String b = qualified(other, conf);
        if (a.equals(b)) {
            return Overlap.IS;
        }
        if (b.startsWith(withSlash(a))) {
            return Overlap.CONTAINS;
        }
        return a.startsWith(withSlash(b)) ? Overlap.INSIDE : null;
    }

    private static String qualified(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            // Through Path again: a qualified "/x" is file:///x, a qualified relative path file:/x
            return new Path(p.getFileSystem(conf).makeQualified(p).toUri().normalize()).toString();
        } catch (IOException e) {
            throw new FileSystemFailure("cannot check '" + path + "'", e);
        }
    }

    private static String withSlash(String uri) {
        return uri.endsWith("/") ? uri : uri + "/";
    }

    static boolean exists(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new FileSystemFailure("cannot check '" + path + "'", e);
        }
    }

    /** Moves a completed {@code temporary} into place at {@code path}, replacing what was there. */
    static void replace(String temporary, String path, Configuration conf) {
        try {
            Path target = new Path(path);
            FileSystem fs = target.getFileSystem(conf);
            Path old = new Path(path + "._old-" + System.nanoTime());
            boolean hadOld = fs.exists(target);
            if (hadOld && !fs.rename(target, old)) {
                throw new IOException("could not move the old " + target + " aside");
            }
            if (!fs.rename(new Path(temporary), target)) {
                if (hadOld) {
                    fs.rename(old, target);
                }
                throw new IOException("could not rename " + temporary + " to " + target);
            }
            if (hadOld) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new FileSystemFailure("cannot write '" + path + "'", e);
        }
    }

    static void deleteQuietly(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            p.getFileSystem(conf).delete(p, true);
        } catch (IOException | RuntimeException ignored) {
            // Best effort: the temporary directory is named as such.
        }
    }
}
