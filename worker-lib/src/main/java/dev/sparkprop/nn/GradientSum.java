package dev.sparkprop.nn;

import java.io.Serializable;

/**
 * The sums one pass over some rows yields: Σ w_r ∇L_r (in the flat parameter layout),
 * Σ w_r L_r, Σ w_r, the weight classified right (for training accuracy, free from the forward
 * pass) and the row count. A partition returns one; they merge by addition, and only
 * the final total is divided by its weight, so the objective is the weighted mean over all rows
 * however they fall into partitions and blocks.
 *
 * <p>A partition sums its blocks in double arithmetic, in its fixed block order. Partition sums
 * reach one total in either of two ways that do not depend on the order tasks finish in:
 * {@link #inPartitionOrder} adds them in doubles in partition-index order (when the driver holds
 * them all), and {@link #merge} turns them into {@link ExactSum}s, so that any merge order
 * (treeAggregate's) gives the same bits; reading a merged total ({@link #gradient()} and the
 * other getters) rounds it back to doubles, and is for when merging is done.
 */
public final class GradientSum implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Null in the {@link #empty} sum until something is merged into it. */
    private double[] gradient;
    private double loss;
    private double weight;
    private double correct;
    private long rows;
    /** Once merged: the gradient, then loss, weight and correct, summed exactly; null before. */
    private ExactSum exact;

    public GradientSum(int parameters) {
        this.gradient = new double[parameters];
    }

    private GradientSum() {
    }

    /**
     * The sum over no rows, merge's identity, holding no array until something is merged in.
     * It is treeAggregate's zero value: Spark serializes that into every task (with Java
     * serialization) and copies it per partition, which for a full-size zero array cost more
     * than a small mini-batch's whole computation.
     */
    public static GradientSum empty() {
        return new GradientSum();
    }

    /** Runs forward and backprop over {@code block} and adds its sums. */
    public GradientSum add(Backprop backprop, double[] params, Block block) {
        return add(backprop, params, block, null);
    }

    /** As {@link #add(Backprop, double[], Block)} with {@code draw}'s dropout masks (null: none). */
    public GradientSum add(Backprop backprop, double[] params, Block block, Dropout.Draw draw) {
        return added(backprop.accumulateGradient(params, block, gradientFor(backprop), draw), backprop, block);
    }

    /** As {@link #add(Backprop, double[], Block, Dropout.Draw)} with float32 parameters (a float32 Backprop). */
    public GradientSum add(Backprop backprop, float[] params, Block block, Dropout.Draw draw) {
        return added(backprop.accumulateGradient(params, block, gradientFor(backprop), draw), backprop, block);
    }

    private double[] gradientFor(Backprop backprop) {
        if (gradient == null) {
            gradient = new double[backprop.layout().size()];
        }
        return gradient;
    }

    private GradientSum added(double blockLoss, Backprop backprop, Block block) {
        loss += blockLoss;
        weight += block.weightSum();
        correct += backprop.correctWeight(block);
        rows += block.rows();
        return this;
    }

    /**
     * Empties this sum for the next pass, keeping its gradient array: a task taking several steps
     * adds each into one sum instead of a fresh parameter-sized array per step.
     */
    public GradientSum reset() {
        if (gradient != null) {
            java.util.Arrays.fill(gradient, 0.0);
        }
        return resetTotals();
    }

    /**
     * {@link #reset} but for the gradient array, which the caller has already set to zeros
     * ({@link dev.sparkprop.nn.optim.Updater#updateMean} does, in the pass that reads it).
     */
    public GradientSum resetTotals() {
        loss = weight = correct = 0;
        rows = 0;
        exact = null;
        return this;
    }

    /** Adds {@code other}'s sums into this one, exactly, and returns this. */
    public GradientSum merge(GradientSum other) {
        if (!other.isEmpty()) {
            ExactSum theirs = other.exact != null ? other.exact : other.toExact();
            if (isEmpty()) {
                // Copied when it is other's own, so the two never share state
                exact = other.exact != null ? new ExactSum(theirs.size()).merge(theirs) : theirs;
            } else {
                if (exact == null) {
                    exact = toExact();
                    gradient = null;
                    loss = weight = correct = 0;
                }
                if (theirs.size() != exact.size()) {
                    throw new IllegalArgumentException("cannot merge gradients of " + (theirs.size() - 3) + " and "
                            + (exact.size() - 3) + " parameters");
                }
                exact.merge(theirs);
            }
        }
        rows += other.rows;
        return this;
    }

    /**
     * The total of one job's partition sums, given by partition index: added in that order in
     * plain double arithmetic, so the same bits whatever order the tasks finished in, at a
     * fraction of {@link #merge}'s cost. The parts are left as they were.
     *
     * @throws IllegalArgumentException when a part was itself {@link #merge}d, or sizes differ
     */
    public static GradientSum inPartitionOrder(java.util.List<GradientSum> parts) {
        GradientSum total = new GradientSum();
        for (GradientSum part : parts) {
            if (part.exact != null) {
                throw new IllegalArgumentException("a merged sum is exact; add partition sums before merging");
            }
            if (part.gradient != null) {
                if (total.gradient == null) {
                    total.gradient = part.gradient.clone();
                } else if (part.gradient.length != total.gradient.length) {
                    throw new IllegalArgumentException("cannot add gradients of " + part.gradient.length + " and "
                            + total.gradient.length + " parameters");
                } else {
                    double[] g = total.gradient;
                    double[] theirs = part.gradient;
                    for (int i = 0; i < g.length; i++) {
                        g[i] += theirs[i];
                    }
                }
            }
            total.loss += part.loss;
            total.weight += part.weight;
            total.correct += part.correct;
            total.rows += part.rows;
        }
        return total;
    }

    /** Whether this is {@link #empty()}'s sum, with nothing added or merged. */
    private boolean isEmpty() {
        return exact == null && gradient == null && loss == 0 && weight == 0 && correct == 0;
    }

    /** This sum's doubles (gradient, then loss, weight and correct) as one exact term. */
    private ExactSum toExact() {
        double[] g = gradient != null ? gradient : new double[0];
        ExactSum sum = new ExactSum(g.length + 3);
        for (int i = 0; i < g.length; i++) {
            sum.add(i, g[i]);
        }
        sum.add(g.length, loss);
        sum.add(g.length + 1, weight);
        sum.add(g.length + 2, correct);
        return sum;
    }

    /** Rounds a merged total back to doubles, once. */
    private GradientSum settled() {
        if (exact != null) {
            double[] all = exact.toDoubles();
            int n = all.length - 3;
            gradient = n == 0 && gradient == null ? null : java.util.Arrays.copyOf(all, n);
            loss = all[n];
            weight = all[n + 1];
            correct = all[n + 2];
            exact = null;
        }
        return this;
    }

    /** The summed gradient (empty for {@link #empty}); {@link #divideByWeight()} turns it into the mean in place. */
    public double[] gradient() {
        settled();
        return gradient != null ? gradient : new double[0];
    }

    public double lossSum() {
        return settled().loss;
    }

    /**
     * Σ w over the predictions right before the step ({@link Task#correctWeight}: per row, or per
     * output for multi-label; 0 for regression losses); {@link Task#accuracy} turns it into the accuracy.
     */
    public double correctWeight() {
        return settled().correct;
    }

    public double weightSum() {
        return settled().weight;
    }

    public long rows() {
        return rows;
    }

    /** The weighted mean loss Σ w L / Σ w. */
    public double meanLoss() {
        settled();
        return loss / weight;
    }

    /**
     * Divides the gradient by Σ w in place, giving ∇ of the mean loss, and returns it.
     *
     * @throws IllegalStateException when no weight was summed (no rows, or all weights 0)
     */
    public double[] divideByWeight() {
        settled();
        if (!(weight > 0)) {
            throw new IllegalStateException("the gradient was summed over " + rows + " rows of total weight "
                    + weight + "; training needs rows with positive weight");
        }
        double inv = 1.0 / weight;
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] *= inv;
        }
        return gradient;
    }
}
