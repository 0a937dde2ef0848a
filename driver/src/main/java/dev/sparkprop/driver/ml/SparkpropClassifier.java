package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.NetworkSection;
import dev.sparkprop.driver.job.Training;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.PreprocessingFitter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import scala.Option;

/**
 * A dense network classifier as a Spark ML estimator: labels are class indices 0..k-1 (as
 * {@code StringIndexer} makes them) in {@code labelCol}, features an ml Vector in
 * {@code featuresCol}. Training settings are params named as the job config's keys (see
 * {@link SparkpropEstimatorParams}); {@code fit} runs the same training as {@code sparkprop train}.
 *
 * <pre>{@code
 * SparkpropClassifier classifier = new SparkpropClassifier()
 *     .setLayers("4,16:relu,3:softmax").setLearningRate(0.01).setEpochs(50);
 * SparkpropClassificationModel model = classifier.fit(train);
 * }</pre>
 */
public final class SparkpropClassifier
        extends ProbabilisticClassifier<Vector, SparkpropClassifier, SparkpropClassificationModel>
        // SparkpropParams again: py4j (PySpark) finds default methods only in the interfaces a class names
        implements SparkpropEstimatorParams<SparkpropClassifier>, SparkpropParams, SparkpropClassifierParams,
        DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    /** What the labels must be; the message of a label column that is not. */
    private static final String TAKES_CLASS_INDICES = "SparkpropClassifier takes class indices 0, 1, ..., k-1 (index"
            + " string labels with StringIndexer)";

    private final String uid;
    private final TrainingParams trainingParams;

    public SparkpropClassifier() {
        this(Identifiable$.MODULE$.randomUID("sparkpropClassifier"));
    }

    public SparkpropClassifier(String uid) {
        this(PendingUid.hold(uid));
    }

    private SparkpropClassifier(PendingUid pending) {
        super();
        this.uid = pending.take();
        this.trainingParams = TrainingParams.ofEstimator(this, true, "cross_entropy");
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.current();
    }

    @Override
    public TrainingParams trainingParams() {
        return trainingParams;
    }

    public SparkpropClassifier setClassWeights(String value) {
        set(classWeights(), value);
        return this;
    }

    /** As Spark's {@code Predictor.fit}, with the label column found as Spark's checks find it ({@link EstimatorTraining#labelAsDouble}). */
    @Override
    public SparkpropClassificationModel fit(Dataset<?> dataset) {
        EstimatorTraining.checkColumns(dataset, getFeaturesCol(), getLabelCol(), TAKES_CLASS_INDICES);
        transformSchema(dataset.schema(), true);
        return copyValues(train(EstimatorTraining.labelAsDouble(dataset, getLabelCol())).setParent(this),
                ParamMap.empty());
    }

    @Override
    public SparkpropClassificationModel train(Dataset<?> dataset) {
        return EstimatorTraining.inParamNames(this, () -> fitted(dataset));
    }

    private SparkpropClassificationModel fitted(Dataset<?> dataset) {
        JobConfig config = EstimatorTraining.config(this, getFeaturesCol(), getLabelCol());
        NetworkSection network = config.network();
        if (!network.task().hasClasses()) {
            throw new IllegalArgumentException("SparkpropClassifier needs network.loss cross_entropy (softmax output)"
                    + " or binary_cross_entropy (one sigmoid output), got " + getLoss() + " with "
                    + network.outputWidth() + " outputs; for numeric targets use SparkpropRegressor");
        }
        String label = config.data().labels().get(0);
        List<String> classes = classIndices(dataset.toDF(), label);
        Training.Result result;
        try {
            result = EstimatorTraining.fit(this, config, dataset, classes);
        } catch (PreprocessingFitter.ClassCountMismatch e) {
            throw fromMetadata(e, dataset.toDF(), label);
        }
        return new SparkpropClassificationModel(uid(), result.model(),
                classNames(dataset.toDF(), label, classes.size()));
    }

    /**
     * {@code e} saying where the class count came from when it is the label's metadata, which
     * the rows need not fill: StringIndexer's handleInvalid = "keep" adds a class, '__unknown'.
     */
    private static IllegalArgumentException fromMetadata(PreprocessingFitter.ClassCountMismatch e, Dataset<Row> df,
                                                         String label) {
        int k = numClassesFromMetadata(df, label);
        if (k < 0) {
            return e;
        }
        List<String> names = classNames(df, label, k);
        String unknown = "__unknown";
        return new IllegalArgumentException(e.getMessage() + " (the label column's metadata gives its " + k
                + (k == 1 ? " class" : " classes") + (names == null ? "" : ", " + Columns.printable(names))
                + (names != null && names.contains(unknown) ? "; StringIndexer's handleInvalid = \"keep\" adds '"
                + unknown + "' as a class: index with handleInvalid = \"error\" or \"skip\" for " + (k - 1) + " classes" : "")
                + ")", e);
    }

    /** "0".."k-1": k from the label column's metadata (StringIndexer's) or its largest value. */
    private static List<String> classIndices(Dataset<Row> df, String label) {
        int k = numClassesFromMetadata(df, label);
        if (k < 0) {
            Row max = df.agg(functions.max(Columns.col(label))).first();
            if (max.isNullAt(0)) {
                throw new IllegalArgumentException("the training data has no rows");
            }
            double top = max.getDouble(0);
            if (top < 0 || top != Math.rint(top) || top >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("label column '" + label + "' holds " + top + "; "
                        + TAKES_CLASS_INDICES);
            }
            // One output per class up to the largest index: a huge label would ask for millions
            if (top >= PreprocessingFitter.MAX_CATEGORIES) {
                throw new IllegalArgumentException("label column '" + label + "' holds " + (long) top + ", which"
                        + " would make " + ((long) top + 1) + " classes (one per index up to the largest), more than "
                        + PreprocessingFitter.MAX_CATEGORIES + "; " + TAKES_CLASS_INDICES
                        + "; for a numeric target use SparkpropRegressor");
            }
            k = (int) top + 1;
        } else if (k > PreprocessingFitter.MAX_CATEGORIES) {
            throw new IllegalArgumentException("label column '" + label + "' has " + k + " classes in its metadata"
                    + " (numValues), more than " + PreprocessingFitter.MAX_CATEGORIES + "; " + TAKES_CLASS_INDICES);
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            classes.add(Integer.toString(c));
        }
        return classes;
    }

    private static int numClassesFromMetadata(Dataset<Row> df, String label) {
        Attribute attribute = Attribute.fromStructField(df.schema().apply(label));
        if (attribute instanceof BinaryAttribute) {
            return 2;
        }
        if (attribute instanceof NominalAttribute nominal && nominal.getNumValues().isDefined()) {
            return (Integer) nominal.getNumValues().get();
        }
        return -1;
    }

    /**
     * The label values the k class indices stand for, when the label column's ml attribute names
     * them all (as StringIndexer's does); else null.
     */
    private static List<String> classNames(Dataset<Row> df, String label, int k) {
        Attribute attribute = Attribute.fromStructField(df.schema().apply(label));
        Option<String[]> values = attribute instanceof NominalAttribute nominal ? nominal.values()
                : attribute instanceof BinaryAttribute binary ? binary.values() : Option.empty();
        return values.isDefined() && values.get().length == k ? List.of(values.get()) : null;
    }

    @Override
    public SparkpropClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return ModelPersistence.paramsWriter(this);
    }

    public static MLReader<SparkpropClassifier> read() {
        return ModelPersistence.paramsReader(SparkpropClassifier.class);
    }

    public static SparkpropClassifier load(String path) {
        return read().load(path);
    }
}
