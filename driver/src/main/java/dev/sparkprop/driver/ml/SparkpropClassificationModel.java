package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.train.BatchPredictor;
import dev.sparkprop.nn.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple3;

/**
 * A trained sparkprop classifier. {@code transform} adds {@code rawPredictionCol} (the log
 * probabilities; {@code [-z, z]} for one sigmoid output), {@code probabilityCol} (the network's
 * output) and {@code predictionCol} (the class index, with {@code thresholds} as Spark applies
 * them), computed block by block; an empty column name leaves that column out. A row it
 * cannot score (a missing or non-finite feature it does not impute) is as {@code handleInvalid}
 * says: an error (the default), left out, or kept with nulls.
 *
 * <p>{@code write().save(path)} writes a sparkprop model directory, which {@code sparkprop
 * evaluate} and {@code predict} read; {@link #load} also reads one that {@code sparkprop train}
 * wrote, reading the named columns that model was trained on.
 */
public final class SparkpropClassificationModel
        extends ProbabilisticClassificationModel<Vector, SparkpropClassificationModel>
        // SparkpropParams again: py4j (PySpark) finds default methods only in the interfaces a class names
        implements MLWritable, SparkpropModel, SparkpropParams, SparkpropClassifierParams {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final FittedNetwork network;
    private final TrainingParams trainingParams;
    /** What the class indices stand for (the label column's StringIndexer values), or null: the saved classes. */
    private final List<String> classNames;

    /**
     * @param classNames the class names in index order, one per saved class, or null for the
     *                   saved model's classes
     */
    SparkpropClassificationModel(String uid, SavedModel saved, List<String> classNames) {
        this(PendingUid.hold(uid), saved, classNames);
    }

    private SparkpropClassificationModel(PendingUid pending, SavedModel saved, List<String> classNames) {
        super();
        this.uid = pending.take();
        List<String> classes = saved.metadata().preprocessing().classes();
        if (classes == null) {
            throw new IllegalArgumentException("this sparkprop model is a regression model (network.loss "
                    + saved.metadata().loss() + "); load it with SparkpropRegressionModel.load");
        }
        if (classNames != null && classNames.size() != classes.size()) {
            throw new IllegalArgumentException("the model has " + classes.size() + " classes but "
                    + classNames.size() + " class names " + classNames);
        }
        this.network = new FittedNetwork(saved);
        this.trainingParams = TrainingParams.ofModel(this, true, saved.metadata().config());
        this.classNames = classNames == null ? null : List.copyOf(classNames);
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
    public int numClasses() {
        return classes().size();
    }

    @Override
    public int numFeatures() {
        return network.spec().inputWidth();
    }

    /**
     * The class names in index order: the label values a StringIndexer indexed when the label
     * column's ml attribute names them, else "0".."k-1" for a model fitted on label indices (a
     * CLI-trained model's are the label values it was trained on).
     */
    public List<String> classes() {
        return classNames != null ? classNames : network.preprocessing().classes();
    }

    private boolean sigmoid() {
        return network.spec().task().kind() == Task.Kind.BINARY;
    }

    /** Spark's, but NaN for features transform gives a null prediction (Spark's argmax would say class 0). */
    @Override
    public double predict(Vector features) {
        checkedThresholds();
        Vector raw = predictRaw(features);
        return Double.isNaN(raw.apply(0)) ? Double.NaN : raw2prediction(raw);
    }

    @Override
    public Vector predictRaw(Vector features) {
        double[] z = network.predictOne(features)[1];
        return Vectors.dense(sigmoid() ? new double[] {-z[0], z[0]} : logProbabilities(z, 0, z.length));
    }

    /**
     * A softmax output's rawPrediction: log p = z_L - log Σ exp(z_L). Spark's BinaryClassificationEvaluator
     * scores a row by rawPrediction[1], which must rank rows as p_1 does; z_1 alone does not (p_1 depends on
     * z_1 - z_0). Softmax of it is p, as raw2probability needs.
     */
    private static double[] logProbabilities(double[] z, int off, int units) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = off; c < off + units; c++) {
            max = Math.max(max, z[c]);
        }
        double sum = 0;
        for (int c = off; c < off + units; c++) {
            sum += Math.exp(z[c] - max);
        }
        double log = max + Math.log(sum);
        double[] logP = new double[units];
        for (int c = 0; c < units; c++) {
            logP[c] = z[off + c] - log;
        }
        return logP;
    }

    @Override
    public Vector raw2probabilityInPlace(Vector raw) {
        double[] v = ((DenseVector) raw).values();
        if (sigmoid()) {
            double p = 1 / (1 + Math.exp(-v[1]));
            v[0] = 1 - p;
            v[1] = p;
            return raw;
        }
        double max = Arrays.stream(v).max().orElse(0);
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= sum;
        }
        return raw;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        network.checkInput(schema, getFeaturesCol());
        StructType out = schema;
        for (StructField field : outputFields()) {
            FittedNetwork.checkNew(schema, field.name());
            out = out.add(field);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        double[] thresholds = checkedThresholds();
        return network.append(dataset, getFeaturesCol(), outputFields(), new ClassOutputs(sigmoid(),
                !getRawPredictionCol().isEmpty(), !getProbabilityCol().isEmpty(), !getPredictionCol().isEmpty(),
                thresholds), getHandleInvalid());
    }

    /** What transform does with a row it cannot score: "error", "skip" or "keep" (null outputs). */
    public SparkpropClassificationModel setHandleInvalid(String value) {
        set(handleInvalid(), value);
        return this;
    }

    /** The thresholds, or null when unset; one per class, else the message transform and predict give. */
    private double[] checkedThresholds() {
        double[] thresholds = isDefined(thresholds()) ? getThresholds() : null;
        if (thresholds != null && thresholds.length != numClasses()) {
            throw new IllegalArgumentException("thresholds has " + thresholds.length + " values but the model has "
                    + numClasses() + " classes; give one per class");
        }
        return thresholds;
    }

    /** Spark's column order, with the ml attributes Spark's own classifiers attach. */
    private List<StructField> outputFields() {
        List<StructField> fields = new ArrayList<>();
        int k = numClasses();
        if (!getRawPredictionCol().isEmpty()) {
            fields.add(new AttributeGroup(getRawPredictionCol(), k).toStructField());
        }
        if (!getProbabilityCol().isEmpty()) {
            fields.add(new AttributeGroup(getProbabilityCol(), k).toStructField());
        }
        if (!getPredictionCol().isEmpty()) {
            NominalAttribute attribute = NominalAttribute.defaultAttr().withName(getPredictionCol());
            StructField field = attribute.withValues(classes().toArray(new String[0])).toStructField();
            fields.add(DataTypes.createStructField(field.name(), DataTypes.DoubleType, true, field.metadata()));
        }
        return fields.stream().map(f -> DataTypes.createStructField(f.name(), f.dataType(), true, f.metadata()))
                .toList();
    }

    /**
     * Both Spark superclasses declare it, with Tuple3 types Java cannot relate (Scala's Tuple3 is
     * covariant); the raw type overrides both, and the nearer superclass's is the one meant.
     */
    @Override
    @SuppressWarnings("rawtypes")
    public Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public SparkpropClassificationModel copy(ParamMap extra) {
        SparkpropClassificationModel copy = new SparkpropClassificationModel(uid(), network.saved(), classNames);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return ModelPersistence.writer(this, network.saved(), classNames);
    }

    public static MLReader<SparkpropClassificationModel> read() {
        return ModelPersistence.reader(SparkpropClassificationModel.class, "sparkpropClassificationModel",
                SparkpropClassificationModel::new);
    }

    public static SparkpropClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "SparkpropClassificationModel: uid=" + uid() + ", " + network.spec() + ", classes=" + classes();
    }

    /** rawPrediction, probability and prediction of a row, as the model's transform writes them. */
    private record ClassOutputs(boolean sigmoid, boolean raw, boolean probability, boolean prediction,
                                double[] thresholds) implements BatchPredictor.PredictionWriter {

        @Override
        public void write(double[] a, double[] z, int off, int units, Object[] values, int at) {
            double[] p = sigmoid ? new double[] {1 - a[off], a[off]} : Arrays.copyOfRange(a, off, off + units);
            int i = at;
            if (raw) {
                values[i++] = Vectors.dense(sigmoid ? new double[] {-z[off], z[off]} : logProbabilities(z, off, units));
            }
            if (probability) {
                values[i++] = Vectors.dense(p);
            }
            if (prediction) {
                values[i] = (double) predict(p);
            }
        }

        /** The largest p_c / t_c (the largest p_c without thresholds), as Spark's probability2prediction. */
        private int predict(double[] p) {
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < p.length; c++) {
                double scaled = thresholds == null ? p[c] : p[c] / thresholds[c];
                if (scaled > max) {
                    best = c;
                    max = scaled;
                }
            }
            return best;
        }
    }
}
