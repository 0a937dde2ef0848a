package dev.sparkprop.nn;

/** float64 layer steps: dgemm, and the activations and heads directly on the buffers. */
final class DoubleKernels extends Kernels {

    private final double[][] z;
    private final double[][] a;
    private final double[][] delta;
    /** Per layer with dropout, a_l times its mask: what layer l + 1 reads in a pass that drops. */
    private final double[][] dropped;
    private double[] w;

    DoubleKernels(NetworkSpec spec, int maxRows) {
        super(spec, maxRows);
        int depth = spec.depth();
        z = new double[depth + 1][];
        a = new double[depth + 1][];
        delta = new double[depth + 1][];
        for (int l = 1; l <= depth; l++) {
            int cells = Math.multiplyExact(spec.width(l), maxRows);
            z[l] = new double[cells];
            a[l] = new double[cells];
            delta[l] = new double[cells];
        }
        dropped = new double[depth + 1][];
        for (int l = 1; l <= depth; l++) {
            dropped[l] = mask[l] == null ? null : new double[mask[l].length];
        }
    }

    @Override
    void loadParams(double[] params) {
        w = params;
    }

    @Override
    void loadParams(float[] params) {
        throw new IllegalArgumentException("float32 parameters need a float32 Backprop; this one computes in float64");
    }

    private double[] input(int l, Block block) {
        return l == 1 ? block.features() : drops(l - 1) ? dropped[l - 1] : a[l - 1];
    }

    @Override
    void dropOutputs(int l, int rows) {
        double[] m = mask[l];
        double[] al = a[l];
        double[] out = dropped[l];
        for (int i = 0, n = layout.fanOut(l) * rows; i < n; i++) {
            out[i] = al[i] * m[i];
        }
    }

    @Override
    void maskDelta(int l, int rows) {
        double[] m = mask[l];
        double[] d = delta[l];
        for (int i = 0, n = layout.fanOut(l) * rows; i < n; i++) {
            d[i] *= m[i];
        }
    }

    @Override
    void affine(int l, Block block, int rows) {
        int fanOut = layout.fanOut(l);
        for (int r = 0, off = 0; r < rows; r++, off += fanOut) {
            System.arraycopy(w, layout.biasOffset(l), z[l], off, fanOut);
        }
        BLAS.dgemm("N", "N", fanOut, rows, layout.fanIn(l), 1.0, w, layout.weightOffset(l), fanOut,
                input(l, block), 0, layout.fanIn(l), 1.0, z[l], 0, fanOut);
    }

    @Override
    void activate(int l, Activation f, int rows) {
        f.apply(z[l], a[l], layout.fanOut(l), rows);
    }

    @Override
    double head(OutputHead head, Block block, int rows, boolean withDelta) {
        int depth = spec.depth();
        return head.lossAndDelta(z[depth], a[depth], targets(block), block.weights(), withDelta ? delta[depth] : null,
                spec.outputWidth(), rows);
    }

    @Override
    void accumulateLayerGradient(int l, Block block, int rows, double[] grad) {
        int fanOut = layout.fanOut(l);
        int fanIn = layout.fanIn(l);
        BLAS.dgemm("N", "T", fanOut, fanIn, rows, 1.0, delta[l], 0, fanOut, input(l, block), 0, fanIn, 1.0, grad,
                layout.weightOffset(l), fanOut);
        int b = layout.biasOffset(l);
        double[] d = delta[l];
        for (int r = 0, off = 0; r < rows; r++, off += fanOut) {
            for (int i = 0; i < fanOut; i++) {
                grad[b + i] += d[off + i];
            }
        }
    }

    @Override
    void backpropagate(int l, int rows) {
        int fanOut = layout.fanOut(l);
        int fanIn = layout.fanIn(l);
        BLAS.dgemm("T", "N", fanIn, rows, fanOut, 1.0, w, layout.weightOffset(l), fanOut, delta[l], 0, fanOut, 0.0,
                delta[l - 1], 0, fanIn);
    }

    @Override
    void jacobianTransposeTimes(int l, Activation f, int rows) {
        f.jacobianTransposeTimes(z[l], a[l], delta[l], layout.fanOut(l), rows);
    }

    @Override
    double[] output(int rows) {
        return a[spec.depth()];
    }

    @Override
    double[] preActivation(int l, int rows) {
        return z[l];
    }
}
