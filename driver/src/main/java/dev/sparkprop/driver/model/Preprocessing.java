package dev.sparkprop.driver.model;

import java.util.List;

/**
 * Everything that turns a raw row into network inputs and targets, learned from the training
 * data and applied unchanged by evaluate and predict.
 *
 * @param features     input columns in order; their widths add up to the network's input width
 * @param featureMean  per network input (after one-hot), or null when features are not standardised
 * @param featureScale 1/std per network input (1 for constant inputs), or null likewise
 * @param labels       label column(s) as in the training data
 * @param classes      for classification, the class names in index order (the label values as
 *                     strings, e.g. "0","1","2" or "cat","dog"); null for regression
 * @param targetMean   per output for standardised regression targets, else null
 * @param targetScale  1/std per output likewise, else null
 * @param weight       the row-weight column, or null
 */
public record Preprocessing(List<FeatureColumn> features, double[] featureMean, double[] featureScale,
                            List<String> labels, List<String> classes, double[] targetMean, double[] targetScale,
                            String weight) implements java.io.Serializable {

    public Preprocessing {
        features = List.copyOf(features);
        labels = List.copyOf(labels);
        classes = classes == null ? null : List.copyOf(classes);
    }

    /** The network input width these features encode to. */
    public int inputWidth() {
        return features.stream().mapToInt(FeatureColumn::width).sum();
    }
}
