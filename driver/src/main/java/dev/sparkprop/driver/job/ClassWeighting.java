package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.ClassWeights;
import dev.sparkprop.nn.Loss;
import java.util.Arrays;
import java.util.List;

/** {@code training.class_weights} turned into one weight per class index of the training data. */
final class ClassWeighting {

    private ClassWeighting() {
    }

    /**
     * The weight of each class index, or null without class weights.
     *
     * @param classes the class names in index order, null when the labels have none
     * @param counts  the training rows of each class index
     */
    static double[] perClass(ClassWeights spec, Loss loss, List<String> classes, long[] counts) {
        if (spec.none()) {
            return null;
        }
        if (classes == null) {
            throw new IllegalArgumentException("training.class_weights applies to classification; network.loss "
                    + loss.name() + " with these labels has no classes; remove training.class_weights");
        }
        int k = classes.size();
        double[] weights = new double[k];
        if (spec.balanced()) {
            long total = Arrays.stream(counts).sum();
            for (int c = 0; c < k; c++) {
                // A class with no training rows weighs nothing in the objective whatever its weight
                weights[c] = counts[c] == 0 ? 1 : (double) total / (k * counts[c]);
            }
            return weights;
        }
        List<Double> given = spec.given();
        if (given.size() != k) {
            throw new IllegalArgumentException("training.class_weights lists " + given.size() + " weights but the data"
                    + " has " + k + " classes " + classes + "; give one per class, in that order");
        }
        for (int c = 0; c < k; c++) {
            weights[c] = given.get(c);
        }
        return weights;
    }
}
