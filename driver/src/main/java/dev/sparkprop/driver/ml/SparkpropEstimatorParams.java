package dev.sparkprop.driver.ml;

/**
 * The setters of the estimators' training params ({@link SparkpropParams}): {@code
 * setLearningRate(0.01)} sets {@code optimizer.learning_rate}. A model has the params but not
 * these setters, as Spark's models have none for their training params.
 *
 * @param <T> the estimator, returned by the setters for chaining
 */
public interface SparkpropEstimatorParams<T extends SparkpropEstimatorParams<T>> extends SparkpropParams {

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    default T setWeightCol(String value) {
        set(weightCol(), value);
        return self();
    }

    default T setResumeFrom(String value) {
        set(resumeFrom(), value);
        return self();
    }

    /** The fitted model's handleInvalid. */
    default T setHandleInvalid(String value) {
        set(handleInvalid(), value);
        return self();
    }

    default T setValidationIndicatorCol(String value) {
        set(validationIndicatorCol(), value);
        return self();
    }

    default T setLayers(String value) {
        set(layers(), value);
        return self();
    }

    default T setLoss(String value) {
        set(loss(), value);
        return self();
    }

    default T setInitializer(String value) {
        set(initializer(), value);
        return self();
    }

    default T setOptimizer(String value) {
        set(optimizer(), value);
        return self();
    }

    default T setLearningRate(double value) {
        set(learningRate(), value);
        return self();
    }

    default T setSchedule(String value) {
        set(schedule(), value);
        return self();
    }

    default T setL2(double value) {
        set(l2(), value);
        return self();
    }

    default T setClipNorm(double value) {
        set(clipNorm(), value);
        return self();
    }

    default T setEpochs(int value) {
        set(epochs(), value);
        return self();
    }

    default T setBatchRows(int value) {
        set(batchRows(), value);
        return self();
    }

    default T setIterationsPerEpoch(int value) {
        set(iterationsPerEpoch(), value);
        return self();
    }

    default T setLocalSteps(int value) {
        set(localSteps(), value);
        return self();
    }

    default T setOuterOptimizer(String value) {
        set(outerOptimizer(), value);
        return self();
    }

    default T setBlockRows(int value) {
        set(blockRows(), value);
        return self();
    }

    default T setPrecision(String value) {
        set(precision(), value);
        return self();
    }

    default T setSeed(long value) {
        set(seed(), value);
        return self();
    }

    default T setEarlyStoppingPatience(int value) {
        set(earlyStoppingPatience(), value);
        return self();
    }

    default T setEarlyStoppingMetric(String value) {
        set(earlyStoppingMetric(), value);
        return self();
    }

    default T setPartitions(int value) {
        set(partitions(), value);
        return self();
    }

    default T setAggregationDepth(int value) {
        set(aggregationDepth(), value);
        return self();
    }

    default T setMissing(String value) {
        set(missing(), value);
        return self();
    }

    default T setStandardize(boolean value) {
        set(standardize(), value);
        return self();
    }

    default T setValidationFraction(double value) {
        set(validationFraction(), value);
        return self();
    }

    default T setCheckpointPath(String value) {
        set(checkpointPath(), value);
        return self();
    }

    default T setCheckpointEveryIterations(int value) {
        set(checkpointEveryIterations(), value);
        return self();
    }

    default T setCheckpointKeep(int value) {
        set(checkpointKeep(), value);
        return self();
    }

    default T setOnNonFinite(String value) {
        set(onNonFinite(), value);
        return self();
    }

}
