package dev.sparkprop.nn;

/**
 * The top of backprop: the loss of the output layer and its delta_L = ∇_{z_L} L.
 *
 * <p>The {@link #general} head is delta_L = J^T(a_L wrt z_L) ∇_{a_L} L and fits any
 * activation with any loss. The fused heads compute the same quantities straight from z_L
 * (log-sum-exp), which stays finite where a_L rounds to 0 or 1 and the general route would
 * take log 0.
 */
public abstract class OutputHead {

    /**
     * Returns Σ_r w_r L_r over the block and, when {@code delta} is not null, writes
     * delta = w_r ∇_{z_L} L_r for every row.
     */
    public abstract double lossAndDelta(double[] z, double[] a, double[] y, double[] w, double[] delta,
                                        int units, int rows);

    /** True for the fused log-sum-exp heads. */
    public abstract boolean isFused();

    /**
     * A head that also runs on float32 z_L and a_L and writes a float32 delta_L: the float32
     * kernels call it instead of {@link #lossAndDelta} on widened copies. The loss still sums in
     * double.
     */
    interface Float32 {
        double lossAndDelta(float[] z, float[] a, double[] y, double[] w, float[] delta, int units, int rows);

        /**
         * The same for class indices, on the rows whose a_L {@code softmax} made from {@code z} last,
         * with the same values as on their one-hot rows.
         */
        double lossAndDeltaOfClasses(FloatSoftmax softmax, float[] z, int[] classes, double[] w, float[] delta,
                                     int units, int rows);
    }

    /** The general Jacobian route for any (activation, loss) pair. */
    public static OutputHead general(Activation activation, Loss loss) {
        return new OutputHead() {
            @Override
            public double lossAndDelta(double[] z, double[] a, double[] y, double[] w, double[] delta,
                                       int units, int rows) {
                double total = loss.evaluate(a, y, w, delta, units, rows);
                if (delta != null) {
                    activation.jacobianTransposeTimes(z, a, delta, units, rows);
                }
                return total;
            }

            @Override
            public boolean isFused() {
                return false;
            }
        };
    }

    /** The fused head when (activation, loss) has one, else the general head. */
    public static OutputHead forLayer(Activation activation, Loss loss, boolean allowFused) {
        if (allowFused && activation instanceof Softmax && loss instanceof Losses.CrossEntropy) {
            return new SoftmaxCrossEntropy(loss.reduction());
        }
        if (allowFused && activation == Activations.sigmoid() && loss instanceof Losses.BinaryCrossEntropy) {
            return new SigmoidBinaryCrossEntropy(loss.reduction());
        }
        return general(activation, loss);
    }

    /** A head that computes loss and delta straight from z_L. */
    private abstract static class Fused extends OutputHead {
        final Loss.Reduction reduction;

        Fused(Loss.Reduction reduction) {
            this.reduction = reduction;
        }

        @Override
        public final boolean isFused() {
            return true;
        }
    }

    /** L = Σ_i y_i (lse(z) - z_i); ∂L/∂z_i = a_i Σ_j y_j - y_i (= a - y for one-hot y). */
    private static final class SoftmaxCrossEntropy extends Fused implements Float32 {
        SoftmaxCrossEntropy(Loss.Reduction reduction) {
            super(reduction);
        }

        @Override
        public double lossAndDelta(double[] z, double[] a, double[] y, double[] w, double[] delta,
                                   int units, int rows) {
            double factor = reduction.factor(units);
            double total = 0;
            for (int r = 0, off = 0; r < rows; r++, off += units) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = off; i < off + units; i++) {
                    max = Math.max(max, z[i]);
                }
                double sumExp = 0;
                double sumY = 0;
                for (int i = off; i < off + units; i++) {
                    sumExp += Math.exp(z[i] - max);
                    sumY += y[i];
                }
                double lse = max + Math.log(sumExp);
                double loss = 0;
                for (int i = off; i < off + units; i++) {
                    if (y[i] != 0) {
                        loss += y[i] * (lse - z[i]);
                    }
                }
                total += w[r] * factor * loss;
                if (delta != null) {
                    double scale = w[r] * factor;
                    for (int i = off; i < off + units; i++) {
                        delta[i] = scale * (a[i] * sumY - y[i]);
                    }
                }
            }
            return total;
        }

        /**
         * On a_L from {@link FloatSoftmax#apply}: there a row's largest z
         * gets a = 1 / Σ e^(z_j - max) (rounded to float), so lse = max - log a_max needs no
         * exponential; a_max ≥ 1/units never underflows.
         */
        @Override
        public double lossAndDelta(float[] z, float[] a, double[] y, double[] w, float[] delta, int units, int rows) {
            double factor = reduction.factor(units);
            double total = 0;
            for (int r = 0, off = 0; r < rows; r++, off += units) {
                // The max in a register: comparing with z[top] would chain a load into every step.
                int top = off;
                float max = z[off];
                double sumY = 0;
                for (int i = off; i < off + units; i++) {
                    if (z[i] > max) {
                        max = z[i];
                        top = i;
                    }
                    sumY += y[i];
                }
                double lse = max - Math.log(a[top]);
                double loss = 0;
                for (int i = off; i < off + units; i++) {
                    if (y[i] != 0) {
                        loss += y[i] * (lse - z[i]);
                    }
                }
                double scale = w[r] * factor;
                total += scale * loss;
                if (delta != null) {
                    for (int i = off; i < off + units; i++) {
                        delta[i] = (float) (scale * (a[i] * sumY - y[i]));
                    }
                }
            }
            return total;
        }

        @Override
        public double lossAndDeltaOfClasses(FloatSoftmax softmax, float[] z, int[] classes, double[] w, float[] delta,
                                            int units, int rows) {
            return softmax.crossEntropy(z, classes, w, reduction.factor(units), delta, rows);
        }
    }

    /** Per output L = softplus(z) - y z; ∂L/∂z = a - y. */
    private static final class SigmoidBinaryCrossEntropy extends Fused {
        SigmoidBinaryCrossEntropy(Loss.Reduction reduction) {
            super(reduction);
        }

        @Override
        public double lossAndDelta(double[] z, double[] a, double[] y, double[] w, double[] delta,
                                   int units, int rows) {
            double factor = reduction.factor(units);
            double total = 0;
            for (int r = 0, off = 0; r < rows; r++, off += units) {
                double loss = 0;
                double scale = w[r] * factor;
                for (int i = off; i < off + units; i++) {
                    loss += Activations.softplusOf(z[i]) - y[i] * z[i];
                    if (delta != null) {
                        delta[i] = scale * (a[i] - y[i]);
                    }
                }
                total += scale * loss;
            }
            return total;
        }
    }
}
