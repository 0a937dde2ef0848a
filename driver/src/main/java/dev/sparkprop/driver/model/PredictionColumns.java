package dev.sparkprop.driver.model;

import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.nn.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns predict writes after the kept input columns, named for what the network predicts:
 * for classes {@code prediction} (the class name) and {@code probability_<class>} per class; for a
 * multi-label network {@code probability_<label>} and {@code prediction_<label>} per output; for
 * regression {@code prediction} (one output) or {@code prediction_<label>} per output.
 */
public final class PredictionColumns {

    private PredictionColumns() {
    }

    /**
     * @param task    what the network predicts
     * @param outputs n_L, the width of its output layer
     * @param labels  the label columns
     * @param classes a classifier's class names in index order, empty while the data has not given
     *                them (its probability columns then left out); null for a network without classes
     */
    public static List<String> names(Task task, int outputs, List<String> labels, List<String> classes) {
        List<String> names = new ArrayList<>();
        if (classes != null) {
            names.add("prediction");
            classes.forEach(c -> names.add("probability_" + c));
        } else if (task.kind() == Task.Kind.MULTI_LABEL) {
            labels.forEach(l -> names.add("probability_" + l));
            labels.forEach(l -> names.add("prediction_" + l));
        } else if (outputs == 1) {
            names.add("prediction");
        } else {
            for (int i = 0; i < outputs; i++) {
                names.add("prediction_" + (labels.size() == outputs ? labels.get(i) : i));
            }
        }
        return names;
    }

    /**
     * What is wrong when one of the {@code kept} input columns has the name of one of
     * {@code outputs}; null when none has.
     *
     * @param keptRole what names the kept columns to the user, e.g. id or --keep
     */
    public static String clash(List<String> kept, String keptRole, List<String> outputs) {
        return kept.stream().filter(outputs::contains).findFirst().map(k -> keptRole + " column " + Columns.named(k)
                + " has the name of an output column of predict (" + Columns.printable(outputs) + "); rename it in the"
                + " data").orElse(null);
    }
}
