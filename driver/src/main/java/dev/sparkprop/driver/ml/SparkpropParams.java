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
 * The training params of the sparkprop estimators and of the models they fit: one per training
 * key of the job config, named as the key, so {@code getLearningRate()} reads
 * {@code optimizer.learning_rate} and {@code explainParams()} shows the documentation of
 * {@code reference.conf}. Each param's accessor and getter follow Spark's naming
 * ({@code learningRate()}, {@code getLearningRate()}); the estimators' setters are in
 * {@link SparkpropEstimatorParams}. Spark ML finds a stage's params by their accessors, so each
 * key its declaration makes a param needs one here (SparkpropParamsTest says which lacks one).
 *
 * <p>On a model, as on Spark's own models, the params hold what its estimator was fitted with
 * ({@code fit} copies them); a model loaded from a directory that has no Spark param metadata
 * ({@code sparkprop train}'s) has the settings it was trained with as defaults. Predictions
 * never read them: they follow the saved model.
 */
public interface SparkpropParams extends Params {

    /** The params themselves, created by the stage's constructor. */
    TrainingParams trainingParams();

    /** The weight column (data.weight); not set means every row weighs 1. */
    default Param<String> weightCol() {
        return trainingParams().weightCol;
    }

    default String getWeightCol() {
        return $(weightCol());
    }

    /** A checkpoint to continue from, as train --resume; not set: train from the start. */
    default Param<String> resumeFrom() {
        return trainingParams().resumeFrom;
    }

    default String getResumeFrom() {
        return $(resumeFrom());
    }

    /** What transform does with a row it cannot score: "error" (the default), "skip" or "keep" (null outputs). */
    default Param<String> handleInvalid() {
        return trainingParams().handleInvalid;
    }

    default String getHandleInvalid() {
        return $(handleInvalid());
    }

    /** A boolean column, true for validation rows and false for training rows. */
    default Param<String> validationIndicatorCol() {
        return trainingParams().validationIndicatorCol;
    }

    default String getValidationIndicatorCol() {
        return $(validationIndicatorCol());
    }

    /** network.layers. */
    default Param<String> layers() {
        return trainingParams().get(NetworkSection.LAYERS);
    }

    default String getLayers() {
        return $(layers());
    }

    /** network.loss. */
    default Param<String> loss() {
        return trainingParams().get(NetworkSection.LOSS);
    }

    default String getLoss() {
        return $(loss());
    }

    /** network.initializer. */
    default Param<String> initializer() {
        return trainingParams().get(NetworkSection.INITIALIZER);
    }

    default String getInitializer() {
        return $(initializer());
    }

    /** optimizer.kind. */
    default Param<String> optimizer() {
        return trainingParams().get(OptimizerSection.KIND);
    }

    default String getOptimizer() {
        return $(optimizer());
    }

    /** optimizer.learning_rate. */
    default DoubleParam learningRate() {
        return trainingParams().get(OptimizerSection.LEARNING_RATE);
    }

    default double getLearningRate() {
        return (Double) $(learningRate());
    }

    /** optimizer.schedule. */
    default Param<String> schedule() {
        return trainingParams().get(OptimizerSection.SCHEDULE);
    }

    default String getSchedule() {
        return $(schedule());
    }

    /** optimizer.l2. */
    default DoubleParam l2() {
        return trainingParams().get(OptimizerSection.L2);
    }

    default double getL2() {
        return (Double) $(l2());
    }

    /** optimizer.clip_norm. */
    default DoubleParam clipNorm() {
        return trainingParams().get(OptimizerSection.CLIP_NORM);
    }

    default double getClipNorm() {
        return (Double) $(clipNorm());
    }

    /** training.epochs. */
    default IntParam epochs() {
        return trainingParams().get(TrainingSection.EPOCHS);
    }

    default int getEpochs() {
        return (Integer) $(epochs());
    }

    /** training.batch_rows. */
    default IntParam batchRows() {
        return trainingParams().get(TrainingSection.BATCH_ROWS);
    }

    default int getBatchRows() {
        return (Integer) $(batchRows());
    }

    /** training.iterations_per_epoch. */
    default IntParam iterationsPerEpoch() {
        return trainingParams().get(TrainingSection.ITERATIONS_PER_EPOCH);
    }

    default int getIterationsPerEpoch() {
        return (Integer) $(iterationsPerEpoch());
    }

    /** training.local_steps. */
    default IntParam localSteps() {
        return trainingParams().get(TrainingSection.LOCAL_STEPS);
    }

    default int getLocalSteps() {
        return (Integer) $(localSteps());
    }

    /** training.outer_optimizer. */
    default Param<String> outerOptimizer() {
        return trainingParams().get(TrainingSection.OUTER_OPTIMIZER);
    }

    default String getOuterOptimizer() {
        return $(outerOptimizer());
    }

    /** training.block_rows. */
    default IntParam blockRows() {
        return trainingParams().get(TrainingSection.BLOCK_ROWS);
    }

    default int getBlockRows() {
        return (Integer) $(blockRows());
    }

    /** training.precision. */
    default Param<String> precision() {
        return trainingParams().get(TrainingSection.PRECISION);
    }

    default String getPrecision() {
        return $(precision());
    }

    /** training.seed. */
    default LongParam seed() {
        return trainingParams().get(TrainingSection.SEED);
    }

    default long getSeed() {
        return (Long) $(seed());
    }

    /** training.early_stopping.patience. */
    default IntParam earlyStoppingPatience() {
        return trainingParams().get(EarlyStoppingSection.PATIENCE);
    }

    default int getEarlyStoppingPatience() {
        return (Integer) $(earlyStoppingPatience());
    }

    /** training.early_stopping.metric. */
    default Param<String> earlyStoppingMetric() {
        return trainingParams().get(EarlyStoppingSection.METRIC);
    }

    default String getEarlyStoppingMetric() {
        return $(earlyStoppingMetric());
    }

    /** spark.partitions. */
    default IntParam partitions() {
        return trainingParams().get(SparkSection.PARTITIONS);
    }

    default int getPartitions() {
        return (Integer) $(partitions());
    }

    /** spark.aggregation_depth. */
    default IntParam aggregationDepth() {
        return trainingParams().get(SparkSection.AGGREGATION_DEPTH);
    }

    default int getAggregationDepth() {
        return (Integer) $(aggregationDepth());
    }

    /** data.missing: "error", "drop" or "impute". */
    default Param<String> missing() {
        return trainingParams().get(DataSection.MISSING);
    }

    default String getMissing() {
        return $(missing());
    }

    /** data.standardize. */
    default BooleanParam standardize() {
        return trainingParams().get(DataSection.STANDARDIZE);
    }

    default boolean getStandardize() {
        return (Boolean) $(standardize());
    }

    /** data.validation_fraction. */
    default DoubleParam validationFraction() {
        return trainingParams().get(DataSection.VALIDATION_FRACTION);
    }

    default double getValidationFraction() {
        return (Double) $(validationFraction());
    }

    /** training.checkpoint.path. */
    default Param<String> checkpointPath() {
        return trainingParams().get(CheckpointSection.PATH);
    }

    default String getCheckpointPath() {
        return $(checkpointPath());
    }

    /** training.checkpoint.every_iterations. */
    default IntParam checkpointEveryIterations() {
        return trainingParams().get(CheckpointSection.EVERY_ITERATIONS);
    }

    default int getCheckpointEveryIterations() {
        return (Integer) $(checkpointEveryIterations());
    }

    /** training.checkpoint.keep. */
    default IntParam checkpointKeep() {
        return trainingParams().get(CheckpointSection.KEEP);
    }

    default int getCheckpointKeep() {
        return (Integer) $(checkpointKeep());
    }

    /** training.on_non_finite. */
    default Param<String> onNonFinite() {
        return trainingParams().get(TrainingSection.ON_NON_FINITE);
    }

    default String getOnNonFinite() {
        return $(onNonFinite());
    }
}
