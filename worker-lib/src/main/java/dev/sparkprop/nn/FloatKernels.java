package dev.sparkprop.nn;

/**
 * float32 layer steps: matrix products on float buffers ({@link FloatGemm}). Elementwise
 * activations run on the float values through {@link FloatElementwise} (SIMD where the JVM has
 * the vector module), and so do softmax and the fused softmax + cross-entropy head
 * ({@link FloatSoftmax}; Math.exp on double copies took a tenth of job a's pass); other heads and
 * softmax's Jacobian run in double on converted copies. Each block's weight and bias gradients
 * are formed in float, by those products and sgemv, then added into the double gradient sum.
 */
final class FloatKernels extends Kernels {

    private final float[][] z;
    private final float[][] a;
    private final float[][] delta;
    /** Per layer with dropout, a_l times its mask: what layer l + 1 reads in a pass that drops. */
    private final float[][] dropped;
    /** The parameters of this pass: {@link #ownW} converted from double, or float32 ones handed in. */
    private float[] w;
    private final float[] ownW;
    private final float[] blockGrad;
    private final FloatGemm gemm = new FloatGemm();
    /** Per layer (1..L), the float32 kernel of an elementwise activation; null for softmax. */
    private final FloatElementwise[] elementwise;
    /** Ones, one per row: the bias gradient Σ_rows delta_l is delta_l times this vector. */
    private final float[] ones;
    /**
     * The softmax of softmax layers (scratch for the widest); for a softmax output on class
     * indices also the head and the count of rows classified right, from the values it keeps.
     */
    private final FloatSoftmax softmax;
    /** Whether the output layer is a softmax: after a forward pass {@link #softmax} holds its values. */
    private final boolean softmaxOutput;
    /**
     * Whether a_L is still only in {@link #softmax}: training on class indices never reads it, so it
     * is transposed into {@link #a} only when something does ({@link #outputValues}).
     */
    private boolean outputInSoftmax;
    /** Double copies for what runs in double (other heads and activations, softmax's Jacobian), and results. */
    private final double[] zd;
    private final double[] ad;
    private final double[] dd;

    FloatKernels(NetworkSpec spec, int maxRows) {
        super(spec, maxRows);
        int depth = spec.depth();
        z = new float[depth + 1][];
        a = new float[depth + 1][];
        delta = new float[depth + 1][];
        int widest = 0;
        int largestLayer = 0;
        int widestSoftmax = 0;
        for (int l = 1; l <= depth; l++) {
            if (spec.layers().get(l - 1).activation() instanceof Softmax) {
                widestSoftmax = Math.max(widestSoftmax, spec.width(l));
            }
            int cells = Math.multiplyExact(spec.width(l), maxRows);
            z[l] = new float[cells];
            a[l] = new float[cells];
            delta[l] = new float[cells];
            widest = Math.max(widest, cells);
            largestLayer = Math.max(largestLayer, layout.fanIn(l) * layout.fanOut(l));
        }
        dropped = new float[depth + 1][];
        for (int l = 1; l <= depth; l++) {
            dropped[l] = mask[l] == null ? null : new float[mask[l].length];
        }
        elementwise = new FloatElementwise[depth + 1];
        for (int l = 1; l <= depth; l++) {
            if (spec.layers().get(l - 1).activation() instanceof ElementwiseActivation e) {
                elementwise[l] = FloatElementwise.of(e);
            }
        }
        ones = new float[maxRows];
        java.util.Arrays.fill(ones, 1f);
        softmax = widestSoftmax == 0 ? null : new FloatSoftmax(widestSoftmax, maxRows);
        softmaxOutput = spec.layers().get(depth - 1).activation() instanceof Softmax;
        ownW = new float[layout.size()];
        blockGrad = new float[largestLayer];
        zd = new double[widest];
        ad = new double[widest];
        dd = new double[widest];
    }

    @Override
    void loadParams(double[] params) {
        DoubleArrays.narrow(params, ownW, ownW.length);
        w = ownW;
    }

    @Override
    void loadParams(float[] params) {
        w = params;
    }

    private float[] input(int l, Block block) {
        return l == 1 ? block.features32() : drops(l - 1) ? dropped[l - 1] : a[l - 1];
    }

    @Override
    void dropOutputs(int l, int rows) {
        double[] m = mask[l];
        float[] al = a[l];
        float[] out = dropped[l];
        for (int i = 0, n = layout.fanOut(l) * rows; i < n; i++) {
            out[i] = al[i] * (float) m[i];
        }
    }

    @Override
    void maskDelta(int l, int rows) {
        double[] m = mask[l];
        float[] d = delta[l];
        for (int i = 0, n = layout.fanOut(l) * rows; i < n; i++) {
            d[i] *= (float) m[i];
        }
    }

    @Override
    void affine(int l, Block block, int rows) {
        int fanOut = layout.fanOut(l);
        // b_l into every column, copying the columns filled so far: log2(rows) copies instead of one a row.
        int n = fanOut * rows;
        System.arraycopy(w, layout.biasOffset(l), z[l], 0, fanOut);
        for (int filled = fanOut; filled < n; filled += filled) {
            System.arraycopy(z[l], 0, z[l], filled, Math.min(filled, n - filled));
        }
        gemm.gemm(false, false, fanOut, rows, layout.fanIn(l), w, layout.weightOffset(l), fanOut, input(l, block), 0,
                layout.fanIn(l), true, z[l], 0, fanOut);
    }

    @Override
    void activate(int l, Activation f, int rows) {
        int n = layout.fanOut(l) * rows;
        outputInSoftmax = l == spec.depth() && f instanceof Softmax;
        if (elementwise[l] != null) {
            elementwise[l].apply(z[l], a[l], n);
        } else if (f instanceof Softmax) {
            softmax.apply(z[l], layout.fanOut(l), rows);
            if (l < spec.depth()) {
                softmax.values(a[l]);
            }
        } else {
            widen(z[l], zd, n);
            f.apply(zd, ad, layout.fanOut(l), rows);
            narrow(ad, a[l], n);
        }
    }

    @Override
    double head(OutputHead head, Block block, int rows, boolean withDelta) {
        int depth = spec.depth();
        float[] deltaOut = withDelta ? delta[depth] : null;
        if (head instanceof OutputHead.Float32 h) {
            return softmaxOutput && block.hasClasses()
                    ? h.lossAndDeltaOfClasses(softmax, z[depth], block.classes(), block.weights(), deltaOut,
                    spec.outputWidth(), rows)
                    : h.lossAndDelta(z[depth], outputValues(), targets(block), block.weights(), deltaOut, spec.outputWidth(),
                    rows);
        }
        int n = spec.outputWidth() * rows;
        widen(z[depth], zd, n);
        widen(outputValues(), ad, n);
        double loss = head.lossAndDelta(zd, ad, targets(block), block.weights(), withDelta ? dd : null,
                spec.outputWidth(), rows);
        if (withDelta) {
            narrow(dd, delta[depth], n);
        }
        return loss;
    }

    @Override
    double correctWeight(Block block, int rows) {
        return softmaxOutput && block.hasClasses() && spec.task().kind() == Task.Kind.MULTICLASS
                ? softmax.correctWeight(block.classes(), block.weights(), rows) : super.correctWeight(block, rows);
    }

    @Override
    void accumulateLayerGradient(int l, Block block, int rows, double[] grad) {
        int fanOut = layout.fanOut(l);
        int fanIn = layout.fanIn(l);
        gemm.gemm(false, true, fanOut, fanIn, rows, delta[l], 0, fanOut, input(l, block), 0, fanIn, false, blockGrad, 0,
                fanOut);
        DoubleArrays.addWidened(blockGrad, grad, layout.weightOffset(l), fanOut * fanIn);
        // Σ_rows delta_l in float by sgemv (a block's sum, like the weight gradient's), then into double.
        BLAS.sgemv("N", fanOut, rows, 1f, delta[l], 0, fanOut, ones, 0, 1, 0f, blockGrad, 0, 1);
        int b = layout.biasOffset(l);
        for (int i = 0; i < fanOut; i++) {
            grad[b + i] += blockGrad[i];
        }
    }

    @Override
    void backpropagate(int l, int rows) {
        int fanOut = layout.fanOut(l);
        int fanIn = layout.fanIn(l);
        gemm.gemm(true, false, fanIn, rows, fanOut, w, layout.weightOffset(l), fanOut, delta[l], 0, fanOut, false,
                delta[l - 1], 0, fanIn);
    }

    @Override
    void jacobianTransposeTimes(int l, Activation f, int rows) {
        int n = layout.fanOut(l) * rows;
        if (elementwise[l] != null) {
            elementwise[l].jacobianTransposeTimes(z[l], a[l], delta[l], n);
        } else {
            widen(z[l], zd, n);
            widen(a[l], ad, n);
            widen(delta[l], dd, n);
            f.jacobianTransposeTimes(zd, ad, dd, layout.fanOut(l), rows);
            narrow(dd, delta[l], n);
        }
    }

    @Override
    double[] output(int rows) {
        int n = spec.outputWidth() * rows;
        widen(outputValues(), ad, n);
        return ad;
    }

    /** a_L of the last forward pass. */
    private float[] outputValues() {
        if (outputInSoftmax) {
            softmax.values(a[spec.depth()]);
            outputInSoftmax = false;
        }
        return a[spec.depth()];
    }

    @Override
    double[] preActivation(int l, int rows) {
        widen(z[l], zd, layout.fanOut(l) * rows);
        return zd;
    }

    private static void widen(float[] from, double[] to, int n) {
        for (int i = 0; i < n; i++) {
            to[i] = from[i];
        }
    }

    private static void narrow(double[] from, float[] to, int n) {
        for (int i = 0; i < n; i++) {
            to[i] = (float) from[i];
        }
    }
}
