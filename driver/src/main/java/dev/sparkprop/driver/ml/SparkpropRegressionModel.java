package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.train.BatchPredictor;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A trained sparkprop regressor: {@code transform} adds {@code predictionCol} in the target's
 * units, computed block by block (a row it cannot score as {@code handleInvalid} says). Saved
 * and loaded as a sparkprop model directory, like {@link SparkpropClassificationModel}.
 */
public final class SparkpropRegressionModel extends RegressionModel<Vector, SparkpropRegressionModel>
        // SparkpropParams again: py4j (PySpark) finds default methods only in the interfaces a class names
        implements MLWritable, SparkpropModel, SparkpropParams {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final FittedNetwork network;
    private final TrainingParams trainingParams;

    SparkpropRegressionModel(String uid, SavedModel saved) {
        this(PendingUid.hold(uid), saved);
    }

    private SparkpropRegressionModel(PendingUid pending, SavedModel saved) {
        super();
        this.uid = pending.take();
        Preprocessing prep = saved.metadata().preprocessing();
        if (prep.classes() != null) {
            throw new IllegalArgumentException("this sparkprop model is a classifier (classes " + prep.classes()
                    + "); load it with SparkpropClassificationModel.load");
        }
        this.network = new FittedNetwork(saved);
        this.trainingParams = TrainingParams.ofModel(this, false, saved.metadata().config());
        if (network.spec().outputWidth() != 1) {
            throw new IllegalArgumentException("this sparkprop model has " + network.spec().outputWidth() + " outputs;"
                    + " SparkpropRegressionModel predicts one, use sparkprop predict for several");
        }
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.current();
    }

    @Override
    public FittedNetwork network() {
        return network;
    }

    @Override
    public TrainingParams trainingParams() {
        return trainingParams;
    }

    @Override
    public int numFeatures() {
        return network.spec().inputWidth();
    }

    @Override
    public double predict(Vector features) {
        return new TargetOutput(network.preprocessing()).value(network.predictOne(features)[0], 0);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        network.checkInput(schema, getFeaturesCol());
        if (getPredictionCol().isEmpty()) {
            return schema;
        }
        FittedNetwork.checkNew(schema, getPredictionCol());
        return schema.add(outputField());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        if (getPredictionCol().isEmpty()) {
            return dataset.toDF();
        }
        return network.append(dataset, getFeaturesCol(), List.of(outputField()),
                new TargetOutput(network.preprocessing()), getHandleInvalid());
    }

    /** What transform does with a row it cannot score: "error", "skip" or "keep" (null outputs). */
    public SparkpropRegressionModel setHandleInvalid(String value) {
        set(handleInvalid(), value);
        return this;
    }

    private StructField outputField() {
        return DataTypes.createStructField(getPredictionCol(), DataTypes.DoubleType, true);
    }

    @Override
    public SparkpropRegressionModel copy(ParamMap extra) {
        return copyValues(new SparkpropRegressionModel(uid(), network.saved()), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return ModelPersistence.writer(this, network.saved(), null);
    }

    public static MLReader<SparkpropRegressionModel> read() {
        return ModelPersistence.reader(SparkpropRegressionModel.class, "sparkpropRegressionModel",
                (uid, saved, classNames) -> new SparkpropRegressionModel(uid, saved));
    }

    public static SparkpropRegressionModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "SparkpropRegressionModel: uid=" + uid() + ", " + network.spec();
    }

    /** The network's output in the target's units (undoing the target standardisation). */
    private record TargetOutput(Preprocessing prep) implements BatchPredictor.PredictionWriter {

        double value(double[] a, int off) {
            return prep.targetMean() == null ? a[off] : a[off] / prep.targetScale()[0] + prep.targetMean()[0];
        }

        @Override
        public void write(double[] a, double[] z, int off, int units, Object[] values, int at) {
            values[at] = value(a, off);
        }
    }
}
