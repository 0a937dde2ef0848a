package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.EarlyStoppingSection;
import dev.sparkprop.driver.model.EpochRecord;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tracks the best epoch of a metric and says when patience has run out. */
final class EarlyStopping {
    private final EarlyStoppingSection settings;
    private double bestValue = Double.NaN;
    private int bestEpoch;
    private double[] bestParams;

    EarlyStopping(EarlyStoppingSection settings) {
        this.settings = settings;
    }

    /** Records an epoch; false once {@code patience} epochs have passed without improvement. */
    boolean update(int epoch, Map<String, Double> metrics, double[] params) {
        if (!settings.on()) {
            return true;
        }
        String metric = settings.metric();
        Double value = metrics.get(metric);
        if (value == null) {
            throw new IllegalArgumentException("training.early_stopping.metric " + metric + " is not measured;"
                    + " measured are " + metrics.keySet());
        }
        boolean better = Double.isNaN(bestValue)
                || (EarlyStoppingSection.higherIsBetter(metric) ? value > bestValue : value < bestValue);
        if (better) {
            bestValue = value;
            bestEpoch = epoch;
            bestParams = params.clone();
        }
        return epoch - bestEpoch < settings.patience();
    }

    /** Takes up a checkpoint's best epoch (0 for none yet), value and weights. */
    void restore(Checkpoints.Checkpoint resume) {
        bestEpoch = resume.bestEpoch();
        bestValue = resume.bestValue();
        bestParams = resume.bestParams();
    }

    boolean on() {
        return settings.on();
    }

    String metric() {
        return settings.metric();
    }

    double bestValue() {
        return bestValue;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    double[] bestParams() {
        return bestParams;
    }

    /**
     * Which epoch of {@code history} (of a run of {@code epochs} at most) the model keeps, and why.
     *
     * @param converged what ended the run before its epochs when not early stopping, e.g. "lbfgs
     *                  converged"; null when nothing else did
     */
    Training.KeptEpoch kept(List<EpochRecord> history, int epochs, String converged) {
        int last = history.get(history.size() - 1).epoch();
        if (!settings.on()) {
            return new Training.KeptEpoch(last, "the last epoch (no early stopping)");
        }
        String why = String.format(Locale.ROOT, "early stopping (patience %d) keeps the epoch with the best %s,"
                + " %.6g", settings.patience(), settings.metric(), bestValue);
        return new Training.KeptEpoch(bestEpoch, why + (last >= epochs ? ", of all " + epochs + " epochs"
                : "; training " + ended(last, converged) + (converged == null ? ", " + (last - bestEpoch)
                + " epochs without improvement" : "")));
    }

    /** How a run that ended at epoch {@code last}, before its last, ended. */
    static String ended(int last, String converged) {
        return converged == null ? "stopped after epoch " + last : "ended after epoch " + last + ", when " + converged;
    }
}
