package dev.sparkprop.bench;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * MLlib's models on one dataset, set up as a user would: categorical columns one-hot encoded
 * (StringIndexer + OneHotEncoder, one input per category, as sparkprop encodes them), numeric ones
 * as they are, all assembled into one vector, and standardised (mean 0, std 1, the training rows'
 * statistics) for the models that need it, logistic/linear regression and the MLP; the trees get
 * the unscaled vector. The encoding is fitted on the training rows only and not timed; each
 * model's time is its {@code fit} on the cached, encoded training rows.
 */
final class MllibContenders {

    /** MLlib's settings: the MLP's L-BFGS iterations, the random forest's trees and depth, GBT's rounds. */
    record Settings(int mlpMaxIter, int trees, int forestDepth, int boostingRounds) {

        static final Settings FULL = new Settings(300, 100, 10, 100);
        static final Settings QUICK = new Settings(30, 20, 10, 20);
    }

    private static final String RAW = "raw";
    private static final String SCALED = "scaled";
    private static final String Y = "y";

    private final Dataset<Row> train;
    private final Dataset<Row> test;
    private final boolean classes;
    private final int classCount;
    private final int inputs;

    /**
     * @param label       the label column: class names (any type) or the regression target
     * @param categorical the feature columns to one-hot encode; the other features are numeric
     */
    MllibContenders(Dataset<Row> trainRows, Dataset<Row> testRows, List<String> features, List<String> categorical,
                    String label, boolean classes, int partitions) {
        this.classes = classes;
        List<PipelineStage> stages = new ArrayList<>();
        List<String> assembled = new ArrayList<>();
        List<String> indexed = new ArrayList<>();
        List<String> encoded = new ArrayList<>();
        for (String feature : features) {
            if (categorical.contains(feature)) {
                // "keep" gives a category the training rows lack the last index, which dropLast leaves
                // out: one input per training category, and an unseen one all zeros, as in sparkprop.
                stages.add(new StringIndexer().setInputCol(feature).setOutputCol(feature + "_index")
                        .setHandleInvalid("keep"));
                indexed.add(feature + "_index");
                encoded.add(feature + "_onehot");
                assembled.add(feature + "_onehot");
            } else {
                assembled.add(feature);
            }
        }
        if (!indexed.isEmpty()) {
            stages.add(new OneHotEncoder().setInputCols(indexed.toArray(String[]::new))
                    .setOutputCols(encoded.toArray(String[]::new)));
        }
        stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new)).setOutputCol(RAW));
        stages.add(new StandardScaler().setInputCol(RAW).setOutputCol(SCALED).setWithMean(true).setWithStd(true));
        if (classes) {
            stages.add(new StringIndexer().setInputCol(label).setOutputCol(Y).setStringOrderType("alphabetAsc"));
        } else {
            trainRows = trainRows.withColumn(Y, col(label).cast("double"));
            testRows = testRows.withColumn(Y, col(label).cast("double"));
        }
        PipelineModel encoding = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(trainRows);
        this.train = cached(encoding.transform(trainRows).repartition(partitions));
        this.test = cached(encoding.transform(testRows));
        this.classCount = classes ? (int) train.select(Y).distinct().count() : 0;
        this.inputs = train.first().<Vector>getAs(RAW).size();
    }

    private static Dataset<Row> cached(Dataset<Row> df) {
        Dataset<Row> slim = df.select(RAW, SCALED, Y).persist(StorageLevel.MEMORY_AND_DISK());
        slim.count();
        return slim;
    }

    int inputs() {
        return inputs;
    }

    /**
     * Fits and scores each model: for classes the MLP (with {@code hidden} sigmoid layers, L-BFGS),
     * logistic regression, a random forest and, for two classes, gradient-boosted trees; for
     * regression linear regression, a random forest and gradient-boosted trees.
     */
    List<Score> run(int[] hidden, Settings s, long seed) {
        List<Score> scores = new ArrayList<>();
        if (classes) {
            int[] layers = IntStream.concat(IntStream.concat(IntStream.of(inputs), IntStream.of(hidden)),
                    IntStream.of(classCount)).toArray();
            String widths = IntStream.of(layers).mapToObj(Integer::toString).collect(Collectors.joining(","));
            scores.add(fit("MLlib MLP", widths + " sigmoid, l-bfgs, maxIter " + s.mlpMaxIter(), SCALED,
                    new MultilayerPerceptronClassifier().setLayers(layers).setMaxIter(s.mlpMaxIter()).setSeed(seed)));
            scores.add(fit("MLlib LR", "logistic, defaults (regParam 0)", SCALED, new LogisticRegression()));
            scores.add(fit("MLlib RF", forest(s), RAW, new RandomForestClassifier().setNumTrees(s.trees())
                    .setMaxDepth(s.forestDepth()).setSeed(seed)));
            if (classCount == 2) {
                scores.add(fit("MLlib GBT", boosting(s), RAW, new GBTClassifier().setMaxIter(s.boostingRounds())
                        .setSeed(seed)));
            }
        } else {
            scores.add(fit("MLlib LR", "linear, defaults (regParam 0)", SCALED, new LinearRegression()));
            scores.add(fit("MLlib RF", forest(s), RAW, new RandomForestRegressor().setNumTrees(s.trees())
                    .setMaxDepth(s.forestDepth()).setSeed(seed)));
            scores.add(fit("MLlib GBT", boosting(s), RAW, new GBTRegressor().setMaxIter(s.boostingRounds())
                    .setSeed(seed)));
        }
        return scores;
    }

    private static String forest(Settings s) {
        return String.format(Locale.ROOT, "%d trees, maxDepth %d", s.trees(), s.forestDepth());
    }

    private static String boosting(Settings s) {
        return String.format(Locale.ROOT, "%d rounds, maxDepth 5", s.boostingRounds());
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private Score fit(String name, String setting, String featuresCol, Estimator estimator) {
        ParamMap columns = new ParamMap().put(estimator.getParam("featuresCol"), featuresCol)
                .put(estimator.getParam("labelCol"), Y);
        QualityBenchmark.progress("%s: %s", name, setting);
        long t0 = System.nanoTime();
        Model model = (Model) estimator.fit(train, columns);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Dataset<Row> predicted = model.transform(test);
        if (!classes) {
            double r2 = new RegressionEvaluator().setLabelCol(Y).setMetricName("r2").evaluate(predicted);
            return Score.regression(name, setting, r2, seconds);
        }
        Map<Integer, Map<Integer, Long>> counts = new HashMap<>();
        for (Row r : predicted.groupBy(Y, "prediction").count().collectAsList()) {
            counts.computeIfAbsent((int) r.getDouble(0), k -> new HashMap<>()).put((int) r.getDouble(1), r.getLong(2));
        }
        double[] metrics = Score.accuracyAndMacroF1(counts);
        return Score.classes(name, setting, metrics[0], metrics[1], seconds);
    }

    void close() {
        train.unpersist(false);
        test.unpersist(false);
    }
}
