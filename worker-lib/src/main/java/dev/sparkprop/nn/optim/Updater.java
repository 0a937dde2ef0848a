package dev.sparkprop.nn.optim;

import dev.sparkprop.nn.DoubleArrays;
import dev.sparkprop.nn.ParameterLayout;
import java.util.Arrays;

/**
 * One training step on the flat parameter, gradient and state arrays of a {@link ParameterLayout}:
 * gradient clipping, L2 regularisation, decoupled weight decay, then the optimizer at the
 * schedule's rate. Holds no state between steps.
 */
public final class Updater {

    /** The {@code clipNorm} that turns clipping off, as optimizer.clip_norm = 0 does. */
    public static final double NO_CLIPPING = 0;

    private final int size;
    private final ParameterLayout layout;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final L2Penalty penalty;
    private final double clipNorm;

    /**
     * @param l2       L2 coefficient λ ≥ 0: adds λ·w to the gradient of each weight, the gradient
     *                 of (λ/2)·Σ W² (PyTorch's {@code weight_decay} on SGD/Adam); biases are not
     *                 regularised. 0 turns it off.
     * @param clipNorm the largest global L2 norm the gradient keeps, a finite number ≥ 0; 0
     *                 ({@link #NO_CLIPPING}) turns clipping off.
     * @throws IllegalArgumentException naming the bad argument
     */
    public Updater(ParameterLayout layout, Optimizer optimizer, LearningRateSchedule schedule, double l2,
                   double clipNorm) {
        if (layout == null || optimizer == null || schedule == null) {
            throw new IllegalArgumentException("an updater needs a layout, an optimizer and a learning-rate schedule");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm must be a finite number ≥ 0 (0 turns clipping off), got "
                    + clipNorm);
        }
        this.size = layout.size();
        this.layout = layout;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.penalty = new L2Penalty(layout, l2);
        this.clipNorm = clipNorm;
    }

    /** The optimizer's initial state for this layout. */
    public double[] newState() {
        return optimizer.initialState(size);
    }

    /**
     * Runs one step, in this order:
     * <ol>
     *   <li>if clipNorm &gt; 0 and ‖g‖₂ &gt; clipNorm, g *= clipNorm/‖g‖₂ (exactly, without
     *       PyTorch's +1e-6);</li>
     *   <li>g += l2·w on weight entries;</li>
     *   <li>if the optimizer has decoupled weight decay λ, w *= 1 - lr·λ on weight entries
     *       (PyTorch AdamW's form of w -= lr·λ·w);</li>
     *   <li>{@code optimizer.step(w, g, state, lr, iteration + 1)}, lr = schedule.rate(iteration).</li>
     * </ol>
     * Updates {@code w} and {@code state} in place, and <b>overwrites {@code g}</b> with the
     * clipped, regularised gradient the optimizer saw.
     *
     * @param iteration the 0-based iteration, which picks the rate; the optimizer gets step iteration + 1
     * @throws IllegalArgumentException when an array does not fit the layout or the iteration is negative
     */
    public void update(double[] w, double[] g, double[] state, long iteration) {
        if (w.length != size || g.length != size) {
            throw new IllegalArgumentException("the layout has " + size + " parameters, got " + w.length
                    + " weights and " + g.length + " gradient values");
        }
        // first, so a negative iteration fails before g is touched
        double lr = schedule.rate(iteration);

        if (clipNorm > 0) {
            clip(g);
        }

        penalty.addGradient(w, g);

        double decay = optimizer.decoupledWeightDecay();
        if (decay > 0) {
            penalty.scaleWeights(w, 1 - lr * decay);
        }

        optimizer.step(w, g, state, lr, iteration + 1);
    }

    /**
     * A local step's update from its gradient sum: {@link #update} with g = sum·(1/weight), the
     * mean gradient, then {@code w32[i] = (float) w[i]} (unless w32 is null) and sum = 0, ready
     * for the next step's sum. Returns whether every g and every new weight is finite; when not,
     * w, state and sum are partly updated and the caller restores its copies.
     *
     * <p>For Adam and AdamW without clipping or L2 it is one pass over the parameters, each
     * one's g, update and reset together, and the float32 rounding in a second pass over the
     * same range while it is still in cache: on a 200k-parameter network the separate passes
     * took a quarter of a float32 local step, whose products are the rest. Either way the bits
     * are those of the passes one after another.
     */
    public boolean updateMean(double[] w, double[] sum, double weight, double[] state, long iteration,
                              float[] w32) {
        if (sum.length != size || (w32 != null && w32.length != size)) {
            throw new IllegalArgumentException("the layout has " + size + " parameters, got a sum of " + sum.length
                    + " values" + (w32 == null ? "" : " and " + w32.length + " float32 weights"));
        }
        double inv = 1.0 / weight;
        double lr = schedule.rate(iteration);
        Optimizers.AdamStep adam = clipNorm == 0 && !penalty.active()
                ? Optimizers.adamConstants(optimizer, lr, iteration + 1) : null;
        if (adam == null) {
            for (int i = 0; i < size; i++) {
                sum[i] *= inv;
            }
            if (!DoubleArrays.allFinite(sum)) {
                return false;
            }
            update(w, sum, state, iteration);
            if (!DoubleArrays.allFinite(w)) {
                return false;
            }
            if (w32 != null) {
                DoubleArrays.narrow(w, w32, size);
            }
            Arrays.fill(sum, 0.0);
            return true;
        }
        if (w.length != size || state.length != optimizer.stateLength(size)) {
            throw new IllegalArgumentException("the layout has " + size + " parameters, got " + w.length
                    + " weights and " + state.length + " state values");
        }
        double decay = optimizer.decoupledWeightDecay();
        // decoupled weight decay's w *= 1 - lr·λ on the weights, not the biases; times 1 is exact
        double keep = decay > 0 ? 1 - lr * decay : 1;
        for (int l = 1; l <= layout.depth(); l++) {
            int weights = layout.weightOffset(l);
            int biases = layout.biasOffset(l);
            if (!adam.onMean(w, sum, inv, keep, state, weights, biases, w32)
                    || !adam.onMean(w, sum, inv, 1, state, biases, biases + layout.fanOut(l), w32)) {
                return false;
            }
        }
        return true;
    }

    /** The schedule's learning rate at a 0-based iteration: the one {@link #update} uses there. */
    public double learningRate(long iteration) {
        return schedule.rate(iteration);
    }

    /** g *= clipNorm/‖g‖₂ when ‖g‖₂ > clipNorm. Only when clipping: the norm is a serial pass over g. */
    private void clip(double[] g) {
        double sumOfSquares = 0;
        for (double gi : g) {
            sumOfSquares += gi * gi;
        }
        double norm = Math.sqrt(sumOfSquares);
        if (norm > clipNorm) {
            double scale = clipNorm / norm;
            for (int i = 0; i < size; i++) {
                g[i] *= scale;
            }
        }
    }
}
