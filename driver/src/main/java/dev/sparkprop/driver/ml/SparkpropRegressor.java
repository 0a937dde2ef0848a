package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.NetworkSection;
import dev.sparkprop.driver.job.Training;
import dev.sparkprop.nn.Task;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;

/**
 * A dense network regressor as a Spark ML estimator: one numeric target in {@code labelCol},
 * features an ml Vector in {@code featuresCol}, and a network ending in one output (e.g.
 * {@code "8,32:relu,1:identity"}, loss mse or huber). With data.standardize (the default) the
 * target is standardised for training and predictions come back in its units. Training
 * settings are params named as the job config's keys (see {@link SparkpropEstimatorParams}).
 */
public final class SparkpropRegressor extends Regressor<Vector, SparkpropRegressor, SparkpropRegressionModel>
        // SparkpropParams again: py4j (PySpark) finds default methods only in the interfaces a class names
        implements SparkpropEstimatorParams<SparkpropRegressor>, SparkpropParams, DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final TrainingParams trainingParams;

    public SparkpropRegressor() {
        this(Identifiable$.MODULE$.randomUID("sparkpropRegressor"));
    }

    public SparkpropRegressor(String uid) {
        this(PendingUid.hold(uid));
    }

    private SparkpropRegressor(PendingUid pending) {
        super();
        this.uid = pending.take();
        this.trainingParams = TrainingParams.ofEstimator(this, false, "mse");
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.current();
    }

    @Override
    public TrainingParams trainingParams() {
        return trainingParams;
    }

    /** As Spark's {@code Predictor.fit}, with the label column found as Spark's checks find it ({@link EstimatorTraining#labelAsDouble}). */
    @Override
    public SparkpropRegressionModel fit(Dataset<?> dataset) {
        EstimatorTraining.checkColumns(dataset, getFeaturesCol(), getLabelCol(), "regression targets are numbers");
        transformSchema(dataset.schema(), true);
        return copyValues(train(EstimatorTraining.labelAsDouble(dataset, getLabelCol())).setParent(this),
                ParamMap.empty());
    }

    @Override
    public SparkpropRegressionModel train(Dataset<?> dataset) {
        return EstimatorTraining.inParamNames(this, () -> fitted(dataset));
    }

    private SparkpropRegressionModel fitted(Dataset<?> dataset) {
        JobConfig config = EstimatorTraining.config(this, getFeaturesCol(), getLabelCol());
        NetworkSection network = config.network();
        if (network.task().kind() != Task.Kind.REGRESSION) {
            throw new IllegalArgumentException("SparkpropRegressor fits numeric targets with mse or huber; network.loss"
                    + " is " + getLoss() + ", for classes use SparkpropClassifier");
        }
        if (network.outputWidth() != 1) {
            throw new IllegalArgumentException("SparkpropRegressor predicts one number per row, but network.layers "
                    + getLayers() + " ends in " + network.outputWidth() + " outputs; end it with 1:identity");
        }
        Training.Result result = EstimatorTraining.fit(this, config, dataset, null);
        return new SparkpropRegressionModel(uid(), result.model());
    }

    @Override
    public SparkpropRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return ModelPersistence.paramsWriter(this);
    }

    public static MLReader<SparkpropRegressor> read() {
        return ModelPersistence.paramsReader(SparkpropRegressor.class);
    }

    public static SparkpropRegressor load(String path) {
        return read().load(path);
    }
}
