package dev.sparkprop.driver.model;

import dev.sparkprop.driver.FileSystemFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A trained model on disk: a directory holding {@code metadata.json} ({@link MetadataJson}) and
 * {@code weights.bin} ({@link WeightsCodec}), on any Hadoop file system (plain local paths,
 * {@code file://}, {@code hdfs://}, {@code s3a://}), written whole or not at all
 * ({@link AtomicDirectory}). Reading treats both files as untrusted ({@link StrictJson}) and checks
 * the result against the network before it is returned ({@link ModelConsistency}); writing checks
 * the same, so what is written always reads back.
 */
public final class ModelDirectory {

    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "weights.bin";
    static final long MAX_METADATA_BYTES = 64L << 20;
    private static final String WHOLE = "sparkprop model directory";
    /** What to do about a model directory missing a file or holding a damaged one. */
    private static final String RESTORE = "train the model again, or restore the directory from a copy";

    private ModelDirectory() {
    }

    /**
     * Writes {@code model} as a directory at {@code path}, renamed into place once complete, so a
     * reader never sees a half-written model and a failure leaves nothing at {@code path}.
     *
     * @param overwrite replace an existing model directory (only once the new one is complete)
     * @throws IllegalArgumentException when the model would not read back (e.g. params not matching
     *         the network, non-finite values), or {@code path} exists and {@code overwrite} is false,
     *         or {@code path} exists and is not a model directory
     * @throws UncheckedIOException when the file system fails
     */
    public static void write(SavedModel model, String path, boolean overwrite, Configuration conf) {
        write(model, path, overwrite, conf, (fs, directory) -> { });
    }

    /**
     * As {@link #write(SavedModel, String, boolean, Configuration)}, with {@code extra} files
     * (Spark ML's param metadata, a checkpoint's state) written into the directory before it goes
     * into place, so they too appear complete or not at all. Readers of the model ignore them.
     */
    public static void write(SavedModel model, String path, boolean overwrite, Configuration conf,
                             AtomicDirectory.Contents extra) {
        try {
            byte[] json = MetadataJson.write(model.metadata());
            // Put the metadata through the reader's own checks, so what we write always reads back.
            String source = "cannot save the model to " + path;
            ModelConsistency.checkParams(readMetadata(json, source), model.params(), source);

            AtomicDirectory target = AtomicDirectory.at(path, conf);
            checkWritable(target, path, overwrite);
            target.write((fs, directory) -> {
                AtomicDirectory.writeFile(fs, new Path(directory, METADATA), json);
                WeightsCodec.write(fs, new Path(directory, WEIGHTS), model.params());
                extra.writeInto(fs, directory);
            });
        } catch (IOException e) {
            throw new FileSystemFailure("cannot save the model to " + path, e);
        }
    }

    /**
     * Fails unless a model may be written to {@code path}: nothing is there or, with
     * {@code overwrite}, a model or an empty directory. {@link #write} checks it as it writes;
     * train checks it before it trains too, so that a refusal does not come after the run.
     */
    public static void checkWritable(String path, boolean overwrite, Configuration conf) {
        try {
            checkWritable(AtomicDirectory.at(path, conf), path, overwrite);
        } catch (IOException e) {
            throw new FileSystemFailure("cannot check the model directory " + path, e);
        }
    }

    private static void checkWritable(AtomicDirectory target, String path, boolean overwrite) throws IOException {
        // Refused whatever overwrite says first, so that its hint is never followed by this refusal
        if (target.status() != null && !target.isEmptyOrHas(METADATA)) {
            throw new IllegalArgumentException(path + " exists and is not a sparkprop model directory (it has no "
                    + METADATA + "); refusing to replace it even with overwrite; choose another path");
        }
        if (target.status() != null && !overwrite) {
            throw new IllegalArgumentException("model directory " + path
                    + " already exists; pass overwrite (output.overwrite = true) or choose another path");
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
            AtomicDirectory dir = AtomicDirectory.at(path, conf);
            FileStatus status = dir.status();
            if (status == null) {
                throw new IllegalArgumentException("model directory " + path + " does not exist; give the"
                        + " directory a model was written to (sparkprop train's output.model_path, or a model's save)");
            }
            if (!status.isDirectory()) {
                throw new IllegalArgumentException(path + " is a file, not a sparkprop model directory");
            }
            FileSystem fs = dir.fileSystem();
            Path metadataFile = dir.file(METADATA);
            if (!fs.exists(metadataFile)) {
                String other = otherKind(fs, dir.path());
                if (other != null) {
                    throw new IllegalArgumentException(path + " is " + other);
                }
            }
            requireFile(fs, metadataFile);
            ModelMetadata metadata = readMetadata(StrictJson.readFile(fs, metadataFile, MAX_METADATA_BYTES,
                    "model metadata"), metadataFile.toString());
            Path weightsFile = dir.file(WEIGHTS);
            FileStatus weights = requireFile(fs, weightsFile);
            double[] params;
            try {
                params = WeightsCodec.read(fs, weights, metadata.parameters(),
                        METADATA + " says network.parameters = " + metadata.parameters());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + "; the model directory is damaged: " + RESTORE, e);
            }
            ModelConsistency.checkParams(metadata, params, weightsFile.toString());
            return new SavedModel(metadata, params);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the model directory " + path + ": " + e.getMessage(), e);
        }
    }

    private static FileStatus requireFile(FileSystem fs, Path file) throws IOException {
        try {
            return AtomicDirectory.requireFile(fs, file, WHOLE);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ": " + RESTORE, e);
        }
    }

    /** Whether {@code dir} holds a model's metadata file: a model directory, whole or not. */
    public static boolean holdsModel(FileSystem fs, Path dir) throws IOException {
        return fs.exists(new Path(dir, METADATA));
    }

    /**
     * What a directory without a model's metadata is when it is another thing sparkprop or Spark
     * writes, that a user may take for the model, with what to give instead; else null.
     */
    private static String otherKind(FileSystem fs, Path dir) throws IOException {
        FileStatus[] children = fs.listStatus(dir);
        for (FileStatus child : children) {
            if (child.isDirectory() && child.getPath().getName().matches("checkpoint-\\d+")) {
                return "a checkpoint directory, which train --resume continues from, not a model; the model is the"
                        + " directory train writes at output.model_path";
            }
        }
        Path stages = new Path(dir, "stages");
        if (fs.exists(new Path(dir, "metadata")) && fs.isDirectory(stages)) {
            for (FileStatus stage : fs.listStatus(stages)) {
                if (stage.isDirectory() && fs.exists(new Path(stage.getPath(), METADATA))) {
                    return "a Spark ML PipelineModel, not a sparkprop model; load it with PipelineModel.load, or give"
                            + " its sparkprop stage, " + stage.getPath();
                }
            }
        }
        return null;
    }

    /** Parses metadata and checks it against its network; every problem starts with {@code source}. */
    private static ModelMetadata readMetadata(byte[] json, String source) {
        ModelMetadata metadata = MetadataJson.read(json, source);
        try {
            ModelConsistency.check(metadata);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        return metadata;
    }
}
