package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import java.io.IOException;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

/**
 * Saves a sparkprop Spark ML model as a CLI model directory ({@code metadata.json},
 * {@code weights.bin}) with Spark's param metadata beside it in {@code metadata/}, all renamed
 * into place together; so {@code sparkprop evaluate} reads what {@code model.write().save()}
 * wrote, and {@code load} reads a directory {@code sparkprop train} wrote (with default
 * column params, since that has no {@code metadata/}).
 */
final class ModelPersistence {

    /** Spark's param metadata directory inside a saved stage. */
    static final String SPARK_METADATA = "metadata";

    private ModelPersistence() {
    }

    static MLWriter writer(Params model, SavedModel saved) {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                // MLWriter.save has already refused or removed an existing path, as overwrite() says
                ModelDirectory.write(saved, path, false, sc().hadoopConfiguration(),
                        (fs, directory) -> DefaultParamsWriter$.MODULE$.saveMetadata(model, directory.toString(),
                                sparkSession()));
            }
        };
    }

    /**
     * @param create makes the model from its uid and saved form; it checks the model's kind
     */
    static <M extends Params> MLReader<M> reader(Class<M> type, String uidPrefix,
                                                 BiFunction<String, SavedModel, M> create) {
        return new MLReader<>() {
            @Override
            public M load(String path) {
                SavedModel saved = ModelDirectory.read(path, sc().hadoopConfiguration());
                boolean hasSparkMetadata;
                try {
                    Path metadata = new Path(path, SPARK_METADATA);
                    hasSparkMetadata = metadata.getFileSystem(sc().hadoopConfiguration()).exists(metadata);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read the model directory " + path + ": "
                            + e.getMessage(), e);
                }
                if (!hasSparkMetadata) {
                    return create.apply(Identifiable$.MODULE$.randomUID(uidPrefix), saved);
                }
                DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                        type.getName());
                M model = create.apply(metadata.uid(), saved);
                metadata.getAndSetParams(model, Option.empty());
                return model;
            }
        };
    }
}
