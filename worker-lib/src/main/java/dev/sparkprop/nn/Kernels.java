package dev.sparkprop.nn;

/**
 * The precision-specific half of {@link Backprop}: one instance owns the per-layer buffers
 * z_l, a_l and delta_l for blocks of up to {@code maxRows} rows and runs the layer steps on them
 * (the three GEMMs, bias broadcast and sums, activations). Layers are numbered l = 1..L as in the
 * seed; a_0 is the block's features.
 */
abstract class Kernels {

    final NetworkSpec spec;
    final ParameterLayout layout;
    /** Per layer (1..L) with dropout, the scale of each output in this pass (n_l x maxRows); else null. */
    final double[][] mask;
    /** Whether this pass applies the masks (a training pass with a {@link Dropout.Draw}). */
    boolean dropping;
    private final int maxRows;
    /** The one-hot targets of a block of class indices, made when the first such block comes. */
    private double[] oneHot;

    Kernels(NetworkSpec spec, int maxRows) {
        this.spec = spec;
        this.layout = spec.layout();
        this.maxRows = maxRows;
        mask = new double[spec.depth() + 1][];
        for (int l = 1; l <= spec.depth(); l++) {
            if (spec.layers().get(l - 1).dropout() > 0) {
                mask[l] = new double[Math.multiplyExact(spec.width(l), maxRows)];
            }
        }
    }

    /** Draws the masks of the next pass's rows, or with {@code draw} null, keeps every output. */
    void drawMasks(Dropout.Draw draw, int rows) {
        dropping = draw != null && spec.hasDropout();
        if (!dropping) {
            return;
        }
        if (draw.rowIds().length < rows) {
            throw new IllegalArgumentException("the dropout draw has " + draw.rowIds().length + " row ids for a block"
                    + " of " + rows + " rows");
        }
        for (int l = 1; l <= spec.depth(); l++) {
            if (mask[l] != null) {
                Dropout.fill(mask[l], draw, l, layout.fanOut(l), rows, spec.layers().get(l - 1).dropout());
            }
        }
    }

    /** Whether this pass drops outputs of layer l, so layer l + 1 reads them masked. */
    boolean drops(int l) {
        return dropping && mask[l] != null;
    }

    static Kernels of(Precision precision, NetworkSpec spec, int maxRows) {
        return precision == Precision.FLOAT32 ? new FloatKernels(spec, maxRows) : new DoubleKernels(spec, maxRows);
    }

    /** Takes the flat parameters for the next pass (float32 kernels keep a float copy). */
    abstract void loadParams(double[] params);

    /** Takes float32 flat parameters for the next pass as they are (float32 kernels only). */
    abstract void loadParams(float[] params);

    /** z_l = W_l a_{l-1} + b_l. */
    abstract void affine(int l, Block block, int rows);

    /** a_l = f_l(z_l). */
    abstract void activate(int l, Activation f, int rows);

    /** The outputs layer l + 1 reads: a_l times the mask (only when {@link #drops}(l)). */
    abstract void dropOutputs(int l, int rows);

    /** delta_l := mask ⊙ delta_l, the masked outputs' Jacobian (only when {@link #drops}(l)). */
    abstract void maskDelta(int l, int rows);

    /** Runs the output head on z_L, a_L and the block's targets; writes delta_L when asked; returns Σ w L. */
    abstract double head(OutputHead head, Block block, int rows, boolean withDelta);

    /** The weight of the last pass's rows that the outputs classify right ({@link Task#correctWeight}). */
    double correctWeight(Block block, int rows) {
        return spec.task().correctWeight(output(rows), block);
    }

    /** y (n_L x rows) for the head: the block's own, or the one-hot rows of its class indices. */
    double[] targets(Block block) {
        if (!block.hasClasses()) {
            return block.targets();
        }
        if (oneHot == null) {
            oneHot = new double[Math.multiplyExact(spec.outputWidth(), maxRows)];
        }
        return block.targets(oneHot);
    }

    /** grad W_l += delta_l a_{l-1}^T, grad b_l += Σ_rows delta_l, into the double gradient. */
    abstract void accumulateLayerGradient(int l, Block block, int rows, double[] grad);

    /** delta_{l-1} = W_l^T delta_l (before the J^T of layer l-1). */
    abstract void backpropagate(int l, int rows);

    /** delta_l := J^T(a_l wrt z_l) delta_l. */
    abstract void jacobianTransposeTimes(int l, Activation f, int rows);

    /** a_L of the last pass as doubles (a buffer, overwritten by the next pass). */
    abstract double[] output(int rows);

    /** z_l of the last pass as doubles (a buffer, overwritten by the next pass). */
    abstract double[] preActivation(int l, int rows);

    /** Where the BLAS calls go: native JNI, vector API or plain Java. */
    static final dev.ludovic.netlib.blas.BLAS BLAS = dev.ludovic.netlib.blas.BLAS.getInstance();
}
