package dev.sparkprop.driver.model;

import dev.sparkprop.driver.spark.Columns;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 * @param missing      what a row with a missing or non-finite feature gets (data.missing)
 * @param featureFill  with {@link MissingValues#IMPUTE}: per network input, the value a missing or
 *                     non-finite one gets before standardisation, the mean of the present values
 *                     in the training rows (0 for one-hot inputs, whose column has its own
 *                     {@link FeatureColumn#MISSING_CATEGORY}); otherwise null
 */
public record Preprocessing(List<FeatureColumn> features, double[] featureMean, double[] featureScale,
                            List<String> labels, List<String> classes, double[] targetMean, double[] targetScale,
                            String weight, MissingValues missing, double[] featureFill)
        implements java.io.Serializable {

    public Preprocessing {
        features = List.copyOf(features);
        labels = List.copyOf(labels);
        classes = classes == null ? null : List.copyOf(classes);
        Objects.requireNonNull(missing, "missing");
        if ((missing == MissingValues.IMPUTE) != (featureFill != null)) {
            throw new IllegalArgumentException("feature fill values go with data.missing = \"impute\" and only with"
                    + " it; data.missing is \"" + missing.setting() + "\"");
        }
    }

    /** The network input width these features encode to. */
    public int inputWidth() {
        return features.stream().mapToInt(FeatureColumn::width).sum();
    }

    /** The feature columns' names, in input order. */
    public List<String> featureNames() {
        return features.stream().map(FeatureColumn::name).toList();
    }

    /** The columns it reads, as {@link Columns#requireAll} checks them. */
    public List<Columns.Wanted> columns() {
        return Columns.Wanted.training(featureNames(), labels, weight);
    }

    /** The same, without a weight column: data without one weighs every row 1. */
    public Preprocessing withoutWeight() {
        return new Preprocessing(features, featureMean, featureScale, labels, classes, targetMean, targetScale, null,
                missing, featureFill);
    }

    /** Whether {@code other} transforms rows the same way, to the bit (a record compares arrays by identity). */
    public boolean sameAs(Preprocessing other) {
        return features.equals(other.features) && Arrays.equals(featureMean, other.featureMean)
                && Arrays.equals(featureScale, other.featureScale) && labels.equals(other.labels)
                && Objects.equals(classes, other.classes) && Arrays.equals(targetMean, other.targetMean)
                && Arrays.equals(targetScale, other.targetScale) && Objects.equals(weight, other.weight)
                && missing == other.missing && Arrays.equals(featureFill, other.featureFill);
    }
}
