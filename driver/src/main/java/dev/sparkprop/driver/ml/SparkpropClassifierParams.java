package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.config.TrainingSection;
import org.apache.spark.ml.param.Param;

/** The training params of the classifier and its models: {@link SparkpropParams} and the classification-only ones. */
public interface SparkpropClassifierParams extends SparkpropParams {

    /** training.class_weights: "", "balanced", or one weight per class, e.g. "1,1,5". */
    default Param<String> classWeights() {
        return trainingParams().get(TrainingSection.CLASS_WEIGHTS);
    }

    default String getClassWeights() {
        return $(classWeights());
    }
}
