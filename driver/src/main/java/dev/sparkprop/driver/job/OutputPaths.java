package dev.sparkprop.driver.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Checks and moves job outputs through Hadoop's FileSystem API (local, hdfs://, s3a://, ...). */
final class OutputPaths {

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

    static boolean exists(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check '" + path + "': " + e.getMessage(), e);
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
            throw new UncheckedIOException("cannot write '" + path + "': " + e.getMessage(), e);
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
