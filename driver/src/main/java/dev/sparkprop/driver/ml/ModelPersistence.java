package dev.sparkprop.driver.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.spark.Columns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.json4s.JArray;
import org.json4s.JObject;
import org.json4s.JString;
import org.json4s.JValue;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Saves a sparkprop Spark ML model as a CLI model directory ({@code metadata.json},
 * {@code weights.bin}) with Spark's param metadata beside it in {@code metadata/}, all renamed
 * into place together; so {@code sparkprop evaluate} reads what {@code model.write().save()}
 * wrote, and {@code load} reads a directory {@code sparkprop train} wrote (with default
 * column params, since that has no {@code metadata/}). A classifier's class names (the label
 * values StringIndexer indexed) are Spark ML's alone: they go in {@code metadata/} as
 * {@value #CLASS_NAMES}, and {@code metadata.json} keeps the class indices the labels are.
 */
final class ModelPersistence {

    /** Spark's param metadata directory inside a saved stage. */
    static final String SPARK_METADATA = "metadata";
    /** The field of Spark's param metadata that holds a classifier's class names. */
    static final String CLASS_NAMES = "classNames";

    private ModelPersistence() {
    }

    /**
     * @param classNames a classifier's class names in index order, or null
     */
    static MLWriter writer(Params model, SavedModel saved, List<String> classNames) {
        Option<JObject> extra = classNames == null ? Option.empty() : Option.apply(classNamesJson(classNames));
        return new MLWriter() {
            @Override
            public void save(String path) throws IOException {
                refuseExisting(this, path);
                super.save(path);
            }

            @Override
            public void saveImpl(String path) {
                // MLWriter.save has already refused or removed an existing path, as overwrite() says
                ModelDirectory.write(saved, path, false, sc().hadoopConfiguration(),
                        (fs, directory) -> DefaultParamsWriter$.MODULE$.saveMetadata(model, directory.toString(),
                                sparkSession(), extra));
            }
        };
    }

    /** An estimator's writer: Spark's, refusing an existing path as {@link #refuseExisting} says. */
    static MLWriter paramsWriter(Params estimator) {
        return new DefaultParamsWriter(estimator) {
            @Override
            public void save(String path) throws IOException {
                refuseExisting(this, path);
                super.save(path);
            }
        };
    }

    /**
     * Fails, saying how to overwrite, when {@code path} exists and the writer does not overwrite:
     * Spark's own refusal is an IOException, which Python shows with a Java stack trace.
     */
    private static void refuseExisting(MLWriter writer, String path) throws IOException {
        Path target = new Path(path);
        if (!writer.shouldOverwrite() && target.getFileSystem(writer.sc().hadoopConfiguration()).exists(target)) {
            throw new IllegalArgumentException(path + " already exists; to replace it, save with"
                    + " write().overwrite().save(path)");
        }
    }

    private static JObject classNamesJson(List<String> classNames) {
        List<JValue> names = classNames.stream().<JValue>map(JString::new).toList();
        JValue array = new JArray(CollectionConverters.asScala(names).toList());
        return new JObject(CollectionConverters.asScala(List.of(new Tuple2<>(CLASS_NAMES, array))).toList());
    }

    /** Makes a model from its uid, saved form and class names (null: none saved); it checks the model's kind. */
    interface Factory<M> {
        M create(String uid, SavedModel saved, List<String> classNames);
    }

    /**
     * Spark's reader of an estimator's params, which first checks that {@code path} holds one of
     * {@code type}: Spark's own would fail to construct a model's class from a uid, with a
     * {@code NoSuchMethodException}.
     */
    static <E extends Params> MLReader<E> paramsReader(Class<E> type) {
        return new MLReader<>() {
            @Override
            public E load(String path) {
                checkSavedParams(path, type, sc().hadoopConfiguration());
                String found = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), "").className();
                if (!found.equals(type.getName())) {
                    String name = found.substring(found.lastIndexOf('.') + 1);
                    throw new IllegalArgumentException(path + " holds a saved " + name + ", not a "
                            + type.getSimpleName() + "; load it with " + name + ".load");
                }
                DefaultParamsReader<E> reader = new DefaultParamsReader<>();
                reader.session(sparkSession());
                return reader.load(path);
            }
        };
    }

    /**
     * Fails, saying what {@code path} is instead, unless it is a directory with Spark's params
     * metadata: Spark's own error says only that {@code path/metadata} does not exist, even of a
     * model directory sparkprop train wrote.
     */
    private static void checkSavedParams(String path, Class<?> type, Configuration hadoop) {
        Path dir = new Path(path);
        try {
            FileSystem fs = dir.getFileSystem(hadoop);
            if (!fs.exists(dir)) {
                throw new IllegalArgumentException(path + " does not exist; give the directory a "
                        + type.getSimpleName() + "'s save wrote");
            }
            if (!fs.getFileStatus(dir).isDirectory()) {
                throw new IllegalArgumentException(path + " is a file, not a saved " + type.getSimpleName());
            }
            if (!fs.exists(new Path(dir, SPARK_METADATA))) {
                throw new IllegalArgumentException(path + (ModelDirectory.holdsModel(fs, dir)
                        ? " holds a sparkprop model, not a saved " + type.getSimpleName() + "; load it with"
                        + " SparkpropClassificationModel.load or SparkpropRegressionModel.load"
                        : " holds no saved " + type.getSimpleName() + " (it has no metadata directory)"));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** The classes whose save writes a sparkprop model directory. */
    private static final List<String> MODEL_CLASSES = List.of(SparkpropClassificationModel.class.getName(),
            SparkpropRegressionModel.class.getName());

    static <M extends Params> MLReader<M> reader(Class<M> type, String uidPrefix, Factory<M> create) {
        return new MLReader<>() {
            @Override
            public M load(String path) {
                boolean hasSparkMetadata;
                try {
                    Path metadata = new Path(path, SPARK_METADATA);
                    hasSparkMetadata = metadata.getFileSystem(sc().hadoopConfiguration()).exists(metadata);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read the model directory " + path + ": "
                            + e.getMessage(), e);
                }
                DefaultParamsReader.Metadata metadata = hasSparkMetadata
                        ? DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), "") : null;
                // Another stage's save (an estimator's params) holds no model: say whose it is first
                if (metadata != null && !MODEL_CLASSES.contains(metadata.className())) {
                    String found = metadata.className().substring(metadata.className().lastIndexOf('.') + 1);
                    throw new IllegalArgumentException(path + " holds a saved " + found + ", not a "
                            + type.getSimpleName() + "; load it with " + found + ".load");
                }
                SavedModel saved = ModelDirectory.read(path, sc().hadoopConfiguration());
                if (!hasSparkMetadata) {
                    M model = create.create(Identifiable$.MODULE$.randomUID(uidPrefix), saved, null);
                    // A model trained by sparkprop train on one vector column reads that column, as
                    // its named columns would be read; Spark ML's default featuresCol would not find it
                    FittedNetwork network = ((SparkpropModel) model).network();
                    if (network.readsFeatureVector()) {
                        model.set(model.getParam("featuresCol"),
                                Columns.asParam(network.preprocessing().features().get(0).name()));
                    }
                    return model;
                }
                // Either model class: the model's constructor says which class loads a model of the other kind
                M model = create.create(metadata.uid(), saved, classNames(metadata.metadataJson(), path));
                if (!metadata.className().equals(type.getName())) {
                    throw new IllegalArgumentException(new Path(path, SPARK_METADATA) + " is the metadata of a "
                            + metadata.className() + ", not of a " + type.getName());
                }
                metadata.getAndSetParams(model, Option.empty());
                return model;
            }
        };
    }

    private static List<String> classNames(String metadataJson, String path) {
        JsonNode names;
        try {
            names = new ObjectMapper().readTree(metadataJson).get(CLASS_NAMES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Spark has just parsed this JSON", e);
        }
        if (names == null) {
            return null;
        }
        List<String> classNames = new ArrayList<>();
        names.forEach(name -> classNames.add(name.isTextual() ? name.textValue() : null));
        if (!names.isArray() || classNames.contains(null)) {
            throw new IllegalArgumentException(new Path(path, SPARK_METADATA) + ": " + CLASS_NAMES
                    + " must be a list of strings, got " + names);
        }
        return classNames;
    }
}
