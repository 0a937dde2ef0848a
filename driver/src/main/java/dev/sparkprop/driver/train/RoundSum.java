package dev.sparkprop.driver.train;

import dev.sparkprop.nn.ExactSum;
import java.io.Serializable;

/**
 * What the tasks of one round of local steps ({@link LocalRound}) return, merged: Σ w_p·Δ_p
 * (each partition's weight change times w_p, the summed weight of the rows its steps trained
 * on: their count when every row weighs 1), Σ w_p·s_p (its optimizer state at the end), the
 * loss, weight and right-predicted weight its steps saw, the rows they trained on, and the steps
 * left out as non-finite. Weighting by w_p rather than by rows keeps rows of weight 0 from
 * pulling the mean towards a partition that holds them. As {@link dev.sparkprop.nn.GradientSum}, a total is the
 * same to the last bit whatever order the tasks finish in: partitions' rounds are added in
 * doubles in partition order ({@link #inPartitionOrder}), or {@link #merge}d as {@link ExactSum}s.
 */
final class RoundSum implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A partition's values, or their in-order total: the change, the state and three sums; null once merged. */
    private double[] values;
    /** Once merged: the values summed exactly; null before. */
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
     * One partition's round: {@code change} and {@code state} are multiplied by {@code weight} here.
     *
     * @param weight the summed weight of the rows the partition's steps trained on (0 when it took none)
     * @param rows   those rows
     * @param faults its steps left out as non-finite
     */
    static RoundSum of(double[] change, double[] state, double loss, double weight, double correct, long rows,
                       long faults) {
        RoundSum sum = new RoundSum();
        int n = change.length;
        sum.parameters = n;
        sum.values = new double[n + state.length + 3];
        for (int i = 0; i < n; i++) {
            sum.values[i] = weight * change[i];
        }
        for (int i = 0; i < state.length; i++) {
            sum.values[n + i] = weight * state[i];
        }
        int end = n + state.length;
        sum.values[end] = loss;
        sum.values[end + 1] = weight;
        sum.values[end + 2] = correct;
        sum.rows = rows;
        sum.faults = faults;
        return sum;
    }

    /** Adds {@code other} into this, exactly, and returns this. */
    RoundSum merge(RoundSum other) {
        ExactSum theirs = other.exact != null ? other.exact : other.values != null ? ExactSum.of(other.values) : null;
        if (values != null) {
            exact = ExactSum.of(values);
            values = null;
        }
        if (theirs != null) {
            if (exact == null) {
                // A copy when it is other's own, so the two never share state
                exact = other.exact != null ? new ExactSum(theirs.size()).merge(theirs) : theirs;
                parameters = other.parameters;
            } else {
                if (theirs.size() != exact.size()) {
                    throw new IllegalArgumentException("cannot merge rounds of " + theirs.size() + " and "
                            + exact.size() + " values");
                }
                exact.merge(theirs);
            }
        }
        rows += other.rows;
        faults += other.faults;
        return this;
    }

    /**
     * The total of one job's partition rounds, given by partition index, added in that order in
     * doubles: the same bits whatever order the tasks finished in. The parts are left as they were.
     */
    static RoundSum inPartitionOrder(java.util.List<RoundSum> parts) {
        RoundSum total = new RoundSum();
        for (RoundSum part : parts) {
            if (part.exact != null) {
                throw new IllegalArgumentException("a merged round is exact; add partition rounds before merging");
            }
            if (part.values != null) {
                if (total.values == null) {
                    total.values = part.values.clone();
                    total.parameters = part.parameters;
                } else if (part.values.length != total.values.length) {
                    throw new IllegalArgumentException("cannot add rounds of " + part.values.length + " and "
                            + total.values.length + " values");
                } else {
                    for (int i = 0; i < total.values.length; i++) {
                        total.values[i] += part.values[i];
                    }
                }
            }
            total.rows += part.rows;
            total.faults += part.faults;
        }
        return total;
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
     * The merged total divided by the summed weight: the weighted mean weight change, then the
     * mean optimizer state, then the weighted mean loss, the summed weight and the summed right
     * weight. Null when no step was taken on rows of any weight.
     */
    Means means() {
        if (exact == null && values == null) {
            return null;
        }
        double[] all = exact != null ? exact.toDoubles() : values;
        int end = all.length - 3;
        double weight = all[end + 1];
        if (!(weight > 0)) {
            return null;
        }
        double[] change = new double[parameters];
        double[] state = new double[end - parameters];
        for (int i = 0; i < parameters; i++) {
            change[i] = all[i] / weight;
        }
        for (int i = 0; i < state.length; i++) {
            state[i] = all[parameters + i] / weight;
        }
        return new Means(change, state, all[end] / weight, weight, all[end + 2]);
    }

    /** A round's means; {@code loss} is Σ w·L / Σ w over the rows before each step. */
    record Means(double[] change, double[] state, double loss, double weight, double correct) {
    }
}
