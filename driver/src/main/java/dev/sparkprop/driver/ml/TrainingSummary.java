package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.model.EpochRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Per-epoch metrics of a model's training run: {@code train_loss} (and {@code train_accuracy}
 * for classes) and, with validation rows, every {@code validation_*} metric. It is saved in
 * the model directory, so a loaded model has it too.
 */
public final class TrainingSummary implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<EpochRecord> epochs;

    TrainingSummary(List<EpochRecord> epochs) {
        this.epochs = List.copyOf(epochs);
    }

    /** The epochs trained (early stopping may have ended the run before training.epochs). */
    public int totalEpochs() {
        return epochs.size();
    }

    /** Each epoch's metrics by name, epoch 1 first. */
    public List<Map<String, Double>> epochs() {
        return epochs.stream().map(EpochRecord::metrics).toList();
    }

    /** The metrics measured, in display order, e.g. [train_loss, validation_loss, validation_accuracy]. */
    public List<String> metricNames() {
        Set<String> names = new LinkedHashSet<>();
        epochs.forEach(e -> names.addAll(e.metrics().keySet()));
        return List.copyOf(names);
    }

    /** One metric per epoch; NaN for an epoch that did not measure it. */
    public double[] metric(String name) {
        if (!metricNames().contains(name)) {
            throw new IllegalArgumentException("no metric '" + name + "' in this summary; it has " + metricNames());
        }
        return epochs.stream().mapToDouble(e -> e.metrics().getOrDefault(name, Double.NaN)).toArray();
    }

    /** The training loss after each epoch, as in Spark's summaries. */
    public double[] objectiveHistory() {
        return metric("train_loss");
    }

    /** One row per epoch: {@code epoch} and a double column per metric. */
    public Dataset<Row> toDataFrame(SparkSession spark) {
        List<String> names = metricNames();
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("epoch", DataTypes.IntegerType, false));
        names.forEach(n -> fields.add(DataTypes.createStructField(n, DataTypes.DoubleType, true)));
        List<Row> rows = new ArrayList<>();
        for (EpochRecord e : epochs) {
            Object[] values = new Object[names.size() + 1];
            values[0] = e.epoch();
            for (int i = 0; i < names.size(); i++) {
                values[i + 1] = e.metrics().get(names.get(i));
            }
            rows.add(RowFactory.create(values));
        }
        return spark.createDataFrame(rows, DataTypes.createStructType(fields));
    }

    @Override
    public String toString() {
        return "TrainingSummary(" + totalEpochs() + " epochs, " + metricNames() + ")";
    }
}
