package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.config.CheckpointSection;
import dev.sparkprop.driver.config.DataSection;
import dev.sparkprop.driver.config.EarlyStoppingSection;
import dev.sparkprop.driver.config.NetworkSection;
import dev.sparkprop.driver.config.OptimizerSection;
import dev.sparkprop.driver.config.SparkSection;
import dev.sparkprop.driver.config.TrainingSection;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The training params the sparkprop estimators share: one per training key of the job config,
 * named as the key, so {@code setLearningRate(0.01)} sets {@code optimizer.learning_rate} and
 * {@code explainParams()} shows the documentation of {@code reference.conf}. Each param's
 * accessor, getter and setter follow Spark's naming ({@code learningRate()},
 * {@code getLearningRate()}, {@code setLearningRate(v)}). Spark ML finds an estimator's params
 * by their accessors, so each key its declaration makes a param needs one here
 * (SparkpropParamsTest says which lacks one).
 *
 * @param <T> the estimator, returned by the setters for chaining
 */
public interface SparkpropParams<T extends SparkpropParams<T>> extends Params {

    /** The params themselves, created by the estimator's constructor. */
    TrainingParams trainingParams();

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /** The weight column (data.weight); not set means every row weighs 1. */
    default Param<String> weightCol() {
        return trainingParams().weightCol;
    }

    default String getWeightCol() {
        return $(weightCol());
    }

    default T setWeightCol(String value) {
        set(weightCol(), value);
        return self();
    }

    /** A checkpoint to continue from, as train --resume; not set: train from the start. */
    default Param<String> resumeFrom() {
        return trainingParams().resumeFrom;
    }

    default String getResumeFrom() {
        return $(resumeFrom());
    }

    default T setResumeFrom(String value) {
        set(resumeFrom(), value);
        return self();
    }

    /** A boolean column, true for validation rows and false for training rows. */
    default Param<String> validationIndicatorCol() {
        return trainingParams().validationIndicatorCol;
    }

    default String getValidationIndicatorCol() {
        return $(validationIndicatorCol());
    }

    default T setValidationIndicatorCol(String value) {
        set(validationIndicatorCol(), value);
        return self();
    }

    /** network.layers. */
    default Param<String> layers() {
        return trainingParams().get(NetworkSection.LAYERS);
    }

    default String getLayers() {
        return $(layers());
    }

    default T setLayers(String value) {
        set(layers(), value);
        return self();
    }

    /** network.loss. */
    default Param<String> loss() {
        return trainingParams().get(NetworkSection.LOSS);
    }

    default String getLoss() {
        return $(loss());
    }

    default T setLoss(String value) {
        set(loss(), value);
        return self();
    }

    /** network.initializer. */
    default Param<String> initializer() {
        return trainingParams().get(NetworkSection.INITIALIZER);
    }

    default String getInitializer() {
        return $(initializer());
    }

    default T setInitializer(String value) {
        set(initializer(), value);
        return self();
    }

    /** optimizer.kind. */
    default Param<String> optimizer() {
        return trainingParams().get(OptimizerSection.KIND);
    }

    default String getOptimizer() {
        return $(optimizer());
    }

    default T setOptimizer(String value) {
        set(optimizer(), value);
        return self();
    }

    /** optimizer.learning_rate. */
    default DoubleParam learningRate() {
        return trainingParams().get(OptimizerSection.LEARNING_RATE);
    }

    default double getLearningRate() {
        return (Double) $(learningRate());
    }

    default T setLearningRate(double value) {
        set(learningRate(), value);
        return self();
    }

    /** optimizer.schedule. */
    default Param<String> schedule() {
        return trainingParams().get(OptimizerSection.SCHEDULE);
    }

    default String getSchedule() {
        return $(schedule());
    }

    default T setSchedule(String value) {
        set(schedule(), value);
        return self();
    }

    /** optimizer.l2. */
    default DoubleParam l2() {
        return trainingParams().get(OptimizerSection.L2);
    }

    default double getL2() {
        return (Double) $(l2());
    }

    default T setL2(double value) {
        set(l2(), value);
        return self();
    }

    /** optimizer.clip_norm. */
    default DoubleParam clipNorm() {
        return trainingParams().get(OptimizerSection.CLIP_NORM);
    }

    default double getClipNorm() {
        return (Double) $(clipNorm());
    }

    default T setClipNorm(double value) {
        set(clipNorm(), value);
        return self();
    }

    /** training.epochs. */
    default IntParam epochs() {
        return trainingParams().get(TrainingSection.EPOCHS);
    }

    default int getEpochs() {
        return (Integer) $(epochs());
    }

    default T setEpochs(int value) {
        set(epochs(), value);
        return self();
    }

    /** training.batch_rows. */
    default IntParam batchRows() {
        return trainingParams().get(TrainingSection.BATCH_ROWS);
    }

    default int getBatchRows() {
        return (Integer) $(batchRows());
    }

    default T setBatchRows(int value) {
        set(batchRows(), value);
        return self();
    }

    /** training.iterations_per_epoch. */
    default IntParam iterationsPerEpoch() {
        return trainingParams().get(TrainingSection.ITERATIONS_PER_EPOCH);
    }

    default int getIterationsPerEpoch() {
        return (Integer) $(iterationsPerEpoch());
    }

    default T setIterationsPerEpoch(int value) {
        set(iterationsPerEpoch(), value);
        return self();
    }

    /** training.local_steps. */
    default IntParam localSteps() {
        return trainingParams().get(TrainingSection.LOCAL_STEPS);
    }

    default int getLocalSteps() {
        return (Integer) $(localSteps());
    }

    default T setLocalSteps(int value) {
        set(localSteps(), value);
        return self();
    }

    /** training.outer_optimizer. */
    default Param<String> outerOptimizer() {
        return trainingParams().get(TrainingSection.OUTER_OPTIMIZER);
    }

    default String getOuterOptimizer() {
        return $(outerOptimizer());
    }

    default T setOuterOptimizer(String value) {
        set(outerOptimizer(), value);
        return self();
    }

    /** training.block_rows. */
    default IntParam blockRows() {
        return trainingParams().get(TrainingSection.BLOCK_ROWS);
    }

    default int getBlockRows() {
        return (Integer) $(blockRows());
    }

    default T setBlockRows(int value) {
        set(blockRows(), value);
        return self();
    }

    /** training.precision. */
    default Param<String> precision() {
        return trainingParams().get(TrainingSection.PRECISION);
    }

    default String getPrecision() {
        return $(precision());
    }

    default T setPrecision(String value) {
        set(precision(), value);
        return self();
    }

    /** training.seed. */
    default LongParam seed() {
        return trainingParams().get(TrainingSection.SEED);
    }

    default long getSeed() {
        return (Long) $(seed());
    }

    default T setSeed(long value) {
        set(seed(), value);
        return self();
    }

    /** training.early_stopping.patience. */
    default IntParam earlyStoppingPatience() {
        return trainingParams().get(EarlyStoppingSection.PATIENCE);
    }

    default int getEarlyStoppingPatience() {
        return (Integer) $(earlyStoppingPatience());
    }

    default T setEarlyStoppingPatience(int value) {
        set(earlyStoppingPatience(), value);
        return self();
    }

    /** training.early_stopping.metric. */
    default Param<String> earlyStoppingMetric() {
        return trainingParams().get(EarlyStoppingSection.METRIC);
    }

    default String getEarlyStoppingMetric() {
        return $(earlyStoppingMetric());
    }

    default T setEarlyStoppingMetric(String value) {
        set(earlyStoppingMetric(), value);
        return self();
    }

    /** spark.partitions. */
    default IntParam partitions() {
        return trainingParams().get(SparkSection.PARTITIONS);
    }

    default int getPartitions() {
        return (Integer) $(partitions());
    }

    default T setPartitions(int value) {
        set(partitions(), value);
        return self();
    }

    /** spark.aggregation_depth. */
    default IntParam aggregationDepth() {
        return trainingParams().get(SparkSection.AGGREGATION_DEPTH);
    }

    default int getAggregationDepth() {
        return (Integer) $(aggregationDepth());
    }

    default T setAggregationDepth(int value) {
        set(aggregationDepth(), value);
        return self();
    }

    /** data.missing: "error", "drop" or "impute". */
    default Param<String> missing() {
        return trainingParams().get(DataSection.MISSING);
    }

    default String getMissing() {
        return $(missing());
    }

    default T setMissing(String value) {
        set(missing(), value);
        return self();
    }

    /** data.standardize. */
    default BooleanParam standardize() {
        return trainingParams().get(DataSection.STANDARDIZE);
    }

    default boolean getStandardize() {
        return (Boolean) $(standardize());
    }

    default T setStandardize(boolean value) {
        set(standardize(), value);
        return self();
    }

    /** data.validation_fraction. */
    default DoubleParam validationFraction() {
        return trainingParams().get(DataSection.VALIDATION_FRACTION);
    }

    default double getValidationFraction() {
        return (Double) $(validationFraction());
    }

    default T setValidationFraction(double value) {
        set(validationFraction(), value);
        return self();
    }

    /** training.checkpoint.path. */
    default Param<String> checkpointPath() {
        return trainingParams().get(CheckpointSection.PATH);
    }

    default String getCheckpointPath() {
        return $(checkpointPath());
    }

    default T setCheckpointPath(String value) {
        set(checkpointPath(), value);
        return self();
    }

    /** training.checkpoint.every_iterations. */
    default IntParam checkpointEveryIterations() {
        return trainingParams().get(CheckpointSection.EVERY_ITERATIONS);
    }

    default int getCheckpointEveryIterations() {
        return (Integer) $(checkpointEveryIterations());
    }

    default T setCheckpointEveryIterations(int value) {
        set(checkpointEveryIterations(), value);
        return self();
    }

    /** training.checkpoint.keep. */
    default IntParam checkpointKeep() {
        return trainingParams().get(CheckpointSection.KEEP);
    }

    default int getCheckpointKeep() {
        return (Integer) $(checkpointKeep());
    }

    default T setCheckpointKeep(int value) {
        set(checkpointKeep(), value);
        return self();
    }

    /** training.on_non_finite. */
    default Param<String> onNonFinite() {
        return trainingParams().get(TrainingSection.ON_NON_FINITE);
    }

    default String getOnNonFinite() {
        return $(onNonFinite());
    }

    default T setOnNonFinite(String value) {
        set(onNonFinite(), value);
        return self();
    }
}
