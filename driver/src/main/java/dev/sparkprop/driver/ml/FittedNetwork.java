package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.job.LoadedModel;
import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.BatchPredictor;
import dev.sparkprop.driver.train.ColumnTypes;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What a sparkprop Spark ML model holds: the saved model (the same as a CLI model directory)
 * and what follows from it. A model trained from a DataFrame reads one Vector column, the
 * model's {@code featuresCol}; a model trained by {@code sparkprop train} on named columns reads
 * those columns, with the preprocessing it learned. Public only as the return type of
 * {@link SparkpropModel#network()}.
 */
public final class FittedNetwork implements Serializable {

    private static final long serialVersionUID = 1L;

    private final SavedModel saved;
    private transient LoadedModel loaded;

    FittedNetwork(SavedModel saved) {
        this.saved = saved;
    }

    SavedModel saved() {
        return saved;
    }

    Preprocessing preprocessing() {
        return saved.metadata().preprocessing();
    }

    NetworkSpec spec() {
        return loaded().spec();
    }

    int blockRows() {
        return loaded().config().training().blockRows();
    }

    Precision precision() {
        return loaded().config().training().precision();
    }

    private LoadedModel loaded() {
        if (loaded == null) {
            loaded = LoadedModel.of(saved);
        }
        return loaded;
    }

    /** Whether the model reads one Vector column, which Spark ML's featuresCol names. */
    boolean readsFeatureVector() {
        List<FeatureColumn> features = preprocessing().features();
        return features.size() == 1 && features.get(0).isVector();
    }

    /** The columns the model reads: {@code featuresCol}, or the named columns it was trained on. */
    List<String> featureColumns(String featuresCol) {
        return readsFeatureVector() ? List.of(Columns.ofParam("featuresCol", featuresCol))
                : preprocessing().featureNames();
    }

    /** Fails unless {@code schema} has the columns the model reads, of the types it reads. */
    void checkInput(StructType schema, String featuresCol) {
        List<String> read = featureColumns(featuresCol);
        Columns.requireAll(Arrays.asList(schema.fieldNames()), Columns.Wanted.all("feature", read), "the data",
                absent -> readsFeatureVector() ? "set featuresCol to the column of feature vectors" : null);
        ColumnTypes.checkFeatures(schema, read, preprocessing());
    }

    /** Fails when an output column would replace an input column. */
    static void checkNew(StructType schema, String column) {
        if (!column.isEmpty() && Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("output column '" + column + "' already exists in the data; set the"
                    + " output column param to another name");
        }
    }

    /**
     * {@code dataset}'s columns followed by {@code outputs}, computed block by block; a row that
     * cannot be scored as {@code handleInvalid} says.
     */
    Dataset<Row> append(Dataset<?> dataset, String featuresCol, List<StructField> outputs,
                        BatchPredictor.PredictionWriter writer, String handleInvalid) {
        Dataset<Row> df = dataset.toDF();
        checkInput(df.schema(), featuresCol);
        for (StructField output : outputs) {
            checkNew(df.schema(), output.name());
        }
        return BatchPredictor.append(df.sparkSession(), df, featureColumns(featuresCol),
                new ArrayList<>(Arrays.asList(df.columns())), preprocessing(), spec(), saved.params(), blockRows(),
                precision(), outputs, writer, BatchPredictor.InvalidRows.of(handleInvalid));
    }

    /** One row's {a_L, z_L} from its feature vector (the model's inputs before standardisation). */
    double[][] predictOne(Vector features) {
        return BatchPredictor.predictOne(preprocessing(), spec(), saved.params(), precision(), features.toArray());
    }

    Object trainingSetting(String key) {
        String rendered = saved.metadata().config().get(key);
        if (rendered == null) {
            throw new IllegalArgumentException("no setting '" + key + "'; the model's settings are "
                    + saved.metadata().config().keySet());
        }
        return JobConfigLoader.plainValue(rendered);
    }

    TrainingSummary summary() {
        return new TrainingSummary(saved.metadata().history());
    }
}
