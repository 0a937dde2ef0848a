package dev.sparkprop.driver.train;

import dev.sparkprop.nn.ExactSum;
import java.io.Serializable;

/**
 * What the tasks of one round of local steps ({@link LocalRound}) return, merged: Σ r_p·Δ_p
 * (each partition's weight change times the rows r_p its steps trained on), Σ r_p·s_p (its
 * optimizer state at the end), the loss, weight and right-predicted weight its steps saw, Σ r_p,
 * and the steps left out as non-finite. The sums are {@link ExactSum}s, so the total, and the
 * model, is the same to the last bit whatever order the tasks finish and merge in.
 */
final class RoundSum implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Null for {@link #empty()} until something is merged in. */
    private ExactSum exact;
    private int parameters;
    private long rows;
    private long faults;

    private RoundSum() {
    }

    /** merge's identity, holding no array (treeAggregate ships its zero value into every task). */
    static RoundSum empty() {
        return new RoundSum();
    }

    /**
     * One partition's round: {@code change} and {@code state} are multiplied by {@code rows} here.
     *
     * @param rows   the rows the partition's steps trained on (0 when it took none)
     * @param faults its steps left out as non-finite
     */
    static RoundSum of(double[] change, double[] state, double loss, double weight, double correct, long rows,
                       long faults) {
        RoundSum sum = new RoundSum();
        int n = change.length;
        sum.parameters = n;
        sum.exact = new ExactSum(n + state.length + 3);
        for (int i = 0; i < n; i++) {
            sum.exact.add(i, rows * change[i]);
        }
        for (int i = 0; i < state.length; i++) {
            sum.exact.add(n + i, rows * state[i]);
        }
        int end = n + state.length;
        sum.exact.add(end, loss);
        sum.exact.add(end + 1, weight);
        sum.exact.add(end + 2, correct);
        sum.rows = rows;
        sum.faults = faults;
        return sum;
    }

    /** Adds {@code other} into this, exactly, and returns this. */
    RoundSum merge(RoundSum other) {
        if (other.exact != null) {
            if (exact == null) {
                // A copy, so the two never share state
                exact = new ExactSum(other.exact.size()).merge(other.exact);
                parameters = other.parameters;
            } else {
                if (other.exact.size() != exact.size()) {
                    throw new IllegalArgumentException("cannot merge rounds of " + other.exact.size() + " and "
                            + exact.size() + " values");
                }
                exact.merge(other.exact);
            }
        }
        rows += other.rows;
        faults += other.faults;
        return this;
    }

    /** The rows the round's steps trained on, over all partitions and steps. */
    long rows() {
        return rows;
    }

    /** Steps the tasks left out as non-finite. */
    long faults() {
        return faults;
    }

    /**
     * The merged total divided by the rows: the rows-weighted mean weight change, then the mean
     * optimizer state, then the weighted mean loss, the summed weight and the summed right weight.
     * Null when no step was taken.
     */
    Means means() {
        if (exact == null || rows == 0) {
            return null;
        }
        double[] all = exact.toDoubles();
        int end = all.length - 3;
        double[] change = new double[parameters];
        double[] state = new double[end - parameters];
        for (int i = 0; i < parameters; i++) {
            change[i] = all[i] / rows;
        }
        for (int i = 0; i < state.length; i++) {
            state[i] = all[parameters + i] / rows;
        }
        return new Means(change, state, all[end] / all[end + 1], all[end + 1], all[end + 2]);
    }

    /** A round's means; {@code loss} is Σ w·L / Σ w over the rows before each step. */
    record Means(double[] change, double[] state, double loss, double weight, double correct) {
    }
}
