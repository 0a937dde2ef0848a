package dev.sparkprop.driver.config;

import dev.sparkprop.nn.Task;
import java.util.List;

/**
 * The early stopping keys ({@code training.early_stopping.*}). What each key means, the 0 of
 * patience included, is in {@code reference.conf}.
 *
 * @param patience its 0 is handled by {@link #on}
 * @param metric   one of {@link #METRICS}
 */
public record EarlyStoppingSection(int patience, String metric) {

    /** The metrics early stopping can watch; see {@link #higherIsBetter}. */
    public static final List<String> METRICS = List.of("validation_loss", "validation_accuracy",
            "validation_macro_f1", "validation_auc", "validation_rmse", "validation_r2", "validation_mae",
            "train_loss");

    public static final Setting<Integer> PATIENCE = Setting.integer("training.early_stopping.patience", 0,
            Integer.MAX_VALUE).param();
    public static final Setting<String> METRIC = Setting.choice("training.early_stopping.metric", METRICS,
            metric -> metric).param();

    static final List<Setting<?>> SETTINGS = List.of(PATIENCE, METRIC);

    static EarlyStoppingSection read(ConfigReader r) {
        return new EarlyStoppingSection(PATIENCE.read(r), METRIC.read(r));
    }

    /** Whether early stopping is on, which patience 0 turns off. */
    public boolean on() {
        return patience > 0;
    }

    /**
     * Whether {@code metric} (one of {@link #METRICS}) is measured for a network of {@code task},
     * as Evaluation measures.
     */
    public static boolean measuredFor(String metric, Task task) {
        return switch (metric.substring(metric.indexOf('_') + 1)) {
            case "loss" -> true;
            case "accuracy" -> task.hasAccuracy();
            case "macro_f1" -> task.hasClasses();
            case "auc" -> task.classes() == 2;
            default -> task.kind() == Task.Kind.REGRESSION; // rmse, r2, mae
        };
    }

    /**
     * Whether a larger value of {@code metric} (one of {@link #METRICS}) is better: losses, RMSE
     * and MAE are minimised, accuracy, macro F1, AUC and R² maximised.
     */
    public static boolean higherIsBetter(String metric) {
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("unknown metric '" + metric + "'; use one of "
                    + String.join(", ", METRICS));
        }
        return !(metric.endsWith("_loss") || metric.endsWith("_rmse") || metric.endsWith("_mae"));
    }
}
