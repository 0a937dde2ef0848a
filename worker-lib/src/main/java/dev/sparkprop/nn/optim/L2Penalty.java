package dev.sparkprop.nn.optim;

import dev.sparkprop.nn.ParameterLayout;

/**
 * The L2 penalty (λ/2)·Σ W² over the weights of a {@link ParameterLayout}, biases left out, and
 * its gradient λ·W: what {@code optimizer.l2} adds to the objective.
 */
public final class L2Penalty {

    private final double l2;
    /** W_l occupies [weightStart[l-1], weightEnd[l-1]); precomputed so no loop asks the layout per element. */
    private final int[] weightStart;
    private final int[] weightEnd;

    /**
     * @param l2 λ, a finite number ≥ 0; 0 turns the penalty off
     * @throws IllegalArgumentException naming a bad λ
     */
    public L2Penalty(ParameterLayout layout, double l2) {
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be a finite number ≥ 0 (0 turns it off), got " + l2);
        }
        this.l2 = l2;
        int depth = layout.depth();
        weightStart = new int[depth];
        weightEnd = new int[depth];
        for (int l = 1; l <= depth; l++) {
            weightStart[l - 1] = layout.weightOffset(l);
            weightEnd[l - 1] = layout.weightOffset(l) + layout.fanIn(l) * layout.fanOut(l);
        }
    }

    /** Whether λ &gt; 0: else the penalty and its gradient are 0, and nothing is added. */
    public boolean active() {
        return l2 > 0;
    }

    /** (λ/2)·Σ W² at {@code w}; 0 when λ is 0. */
    public double value(double[] w) {
        if (l2 == 0) {
            return 0;
        }
        double sumOfSquares = 0;
        for (int r = 0; r < weightStart.length; r++) {
            for (int i = weightStart[r]; i < weightEnd[r]; i++) {
                sumOfSquares += w[i] * w[i];
            }
        }
        return 0.5 * l2 * sumOfSquares;
    }

    /** g += λ·w on the weight entries of {@code g}; nothing when λ is 0. */
    public void addGradient(double[] w, double[] g) {
        if (l2 == 0) {
            return;
        }
        for (int r = 0; r < weightStart.length; r++) {
            for (int i = weightStart[r]; i < weightEnd[r]; i++) {
                g[i] += l2 * w[i];
            }
        }
    }

    /** w *= keep on the weight entries: decoupled weight decay's shrink, which shares the penalty's weights. */
    public void scaleWeights(double[] w, double keep) {
        for (int r = 0; r < weightStart.length; r++) {
            for (int i = weightStart[r]; i < weightEnd[r]; i++) {
                w[i] *= keep;
            }
        }
    }
}
