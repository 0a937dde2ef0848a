package dev.sparkprop.nn;

/**
 * Forward and backprop over blocks of rows, the formulas of docs/math.md batched into GEMMs:
 * <pre>
 *   z_l = W_l a_{l-1} + b_l,   a_l = f_l(z_l)
 *   delta_L     = J^T(a_L wrt z_L) ∇_{a_L} L            (OutputHead)
 *   delta_{l-1} = J^T(a_{l-1} wrt z_{l-1}) W_l^T delta_l
 *   grad W_l   += delta_l a_{l-1}^T,   grad b_l += delta_l   (summed over the block's rows)
 * </pre>
 * Each row's loss and gradient are multiplied by its weight; the caller divides the sums by the
 * total weight. A training pass given a {@link Dropout.Draw} masks the outputs a_l of layers with
 * dropout (inverted dropout: kept ones scaled by 1/(1-p)) before layer l+1 reads them, and masks
 * delta_l alike on the way back; every other pass keeps all outputs. The order of steps lives here once; {@link Kernels} runs them in float64 or
 * float32. One instance owns its buffers for blocks of up to {@code maxRows} rows, so it is not
 * thread-safe: use one per thread (per Spark task).
 */
public final class Backprop {

    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final OutputHead head;
    private final int maxRows;
    private final Precision precision;
    private final Kernels kernels;
    private int lastRows;
    private boolean loaded;

    public Backprop(NetworkSpec spec, int maxRows) {
        this(spec, maxRows, Precision.FLOAT64, true);
    }

    /** @param fusedHead use the log-sum-exp head for softmax+cross-entropy and sigmoid+BCE */
    public Backprop(NetworkSpec spec, int maxRows, boolean fusedHead) {
        this(spec, maxRows, Precision.FLOAT64, fusedHead);
    }

    /** @param precision of the blocks this instance takes and of its products */
    public Backprop(NetworkSpec spec, int maxRows, Precision precision, boolean fusedHead) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        }
        this.spec = spec;
        this.layout = spec.layout();
        this.head = spec.outputHead(fusedHead);
        this.maxRows = maxRows;
        this.precision = precision;
        this.kernels = Kernels.of(precision, spec, maxRows);
    }

    /** The BLAS implementation the products run on (native JNI, vector API or plain Java), for logs. */
    public static String blasImplementation() {
        return Kernels.BLAS.getClass().getName();
    }

    public NetworkSpec spec() {
        return spec;
    }

    public ParameterLayout layout() {
        return layout;
    }

    public int maxRows() {
        return maxRows;
    }

    public Precision precision() {
        return precision;
    }

    /**
     * Adds the block's summed gradient Σ_r w_r ∇L_r to {@code grad} and returns its summed
     * loss Σ_r w_r L_r, with every output kept (no dropout).
     */
    public double accumulateGradient(double[] params, Block block, double[] grad) {
        return accumulateGradient(params, block, grad, null);
    }

    /**
     * As {@link #accumulateGradient(double[], Block, double[])} in a training pass: the outputs of
     * layers with dropout are masked by {@code draw}'s masks ({@link Dropout}) forward and
     * backward, kept ones scaled by 1/(1-p); {@code draw} null keeps every output.
     */
    public double accumulateGradient(double[] params, Block block, double[] grad, Dropout.Draw draw) {
        checkParameterCount(params.length);
        kernels.loadParams(params);
        loaded = true;
        return accumulateGradient(block, grad, draw);
    }

    /** {@link #accumulateGradient(float[], Block, double[], Dropout.Draw)} with every output kept. */
    public double accumulateGradient(float[] params, Block block, double[] grad) {
        return accumulateGradient(params, block, grad, null);
    }

    /**
     * As {@link #accumulateGradient(double[], Block, double[], Dropout.Draw)}, with the parameters
     * already in float32 (a float32 Backprop only): what a Spark task gets from a float32 broadcast,
     * used as it is rather than converted again for every block.
     */
    public double accumulateGradient(float[] params, Block block, double[] grad, Dropout.Draw draw) {
        load(params);
        return accumulateGradient(block, grad, draw);
    }

    private double accumulateGradient(Block block, double[] grad, Dropout.Draw draw) {
        int rows = checked(block);
        if (grad.length != layout.size()) {
            throw new IllegalArgumentException("gradient array has " + grad.length + " entries, the network "
                    + layout.size());
        }
        if (rows == 0) {
            return 0;
        }
        forward(block, rows, draw);
        double loss = kernels.head(head, block, rows, true);
        for (int l = spec.depth(); l >= 1; l--) {
            kernels.accumulateLayerGradient(l, block, rows, grad);
            if (l > 1) {
                kernels.backpropagate(l, rows);
                if (kernels.drops(l - 1)) {
                    kernels.maskDelta(l - 1, rows);
                }
                kernels.jacobianTransposeTimes(l - 1, spec.layers().get(l - 2).activation(), rows);
            }
        }
        return loss;
    }

    /** The block's summed loss Σ_r w_r L_r, without gradients. */
    public double loss(double[] params, Block block) {
        return load(params).loss(block);
    }

    /**
     * The block's summed loss with {@code draw}'s dropout masks, the objective whose gradient
     * {@link #accumulateGradient(double[], Block, double[], Dropout.Draw)} gives: what a gradient
     * check differentiates, with the masks fixed.
     */
    public double loss(double[] params, Block block, Dropout.Draw draw) {
        return load(params).loss(block, draw);
    }

    /**
     * Runs the network on the block's features and returns a_L (n_L x rows, column-major).
     * The returned array is this instance's buffer, overwritten by the next call.
     */
    public double[] predict(double[] params, Block block) {
        return load(params).predict(block);
    }

    /**
     * Takes the parameters for the {@link #loss(Block)} and {@link #predict(Block)} calls that
     * follow: a pass over many blocks loads them once (a float32 Backprop converts them once)
     * rather than with every block.
     */
    public Backprop load(double[] params) {
        checkParameterCount(params.length);
        kernels.loadParams(params);
        loaded = true;
        return this;
    }

    /** {@link #load(double[])} of parameters already in float32 (a float32 Backprop only), taken as they are. */
    public Backprop load(float[] params) {
        checkParameterCount(params.length);
        kernels.loadParams(params);
        loaded = true;
        return this;
    }

    /** {@link #loss(double[], Block)} at the parameters last {@link #load loaded}. */
    public double loss(Block block) {
        return loss(block, null);
    }

    private double loss(Block block, Dropout.Draw draw) {
        int rows = checkedLoaded(block);
        if (rows == 0) {
            return 0;
        }
        forward(block, rows, draw);
        return kernels.head(head, block, rows, false);
    }

    /** {@link #predict(double[], Block)} at the parameters last {@link #load loaded}. */
    public double[] predict(Block block) {
        int rows = checkedLoaded(block);
        forward(block, rows, null);
        return kernels.output(rows);
    }

    private int checkedLoaded(Block block) {
        if (!loaded) {
            throw new IllegalStateException("no parameters loaded; call load(params) first");
        }
        return checked(block);
    }

    /** a_L (n_L x rows) of the last forward pass ({@link #loss} or {@link #predict}); a buffer. */
    public double[] lastOutput() {
        return kernels.output(lastRows);
    }

    /**
     * The weight of the last forward pass's rows, those of {@code block}, that its outputs
     * classify right: {@link Task#correctWeight} of {@link #lastOutput()}, without widening it.
     * 0 for a block of no rows, which no forward pass ran on.
     */
    public double correctWeight(Block block) {
        if (block.rows() == 0) {
            return 0;
        }
        if (block.rows() != lastRows) {
            throw new IllegalStateException("the last forward pass ran on " + lastRows + " rows, not this block's "
                    + block.rows());
        }
        return kernels.correctWeight(block, lastRows);
    }

    /** z_l (n_l x rows) of the last forward pass, for l = 1..L; a buffer, overwritten by the next. */
    public double[] preActivation(int l) {
        return kernels.preActivation(l, lastRows);
    }

    /** The forward pass; with a draw, the outputs of layers with dropout are masked for the layer after. */
    private void forward(Block block, int rows, Dropout.Draw draw) {
        kernels.drawMasks(draw, rows);
        for (int l = 1; l <= spec.depth(); l++) {
            kernels.affine(l, block, rows);
            kernels.activate(l, spec.layers().get(l - 1).activation(), rows);
            if (kernels.drops(l)) {
                kernels.dropOutputs(l, rows);
            }
        }
        lastRows = rows;
    }

    private void checkParameterCount(int length) {
        if (length != layout.size()) {
            throw new IllegalArgumentException("parameter array has " + length + " entries, network "
                    + spec.layersSpec() + " needs " + layout.size());
        }
    }

    private int checked(Block block) {
        if (block.inputWidth() != spec.inputWidth() || block.outputWidth() != spec.outputWidth()) {
            throw new IllegalArgumentException("block has " + block.inputWidth() + " features and "
                    + block.outputWidth() + " targets per row, network " + spec.layersSpec() + " takes "
                    + spec.inputWidth() + " and " + spec.outputWidth());
        }
        if (block.rows() > maxRows) {
            throw new IllegalArgumentException("block has " + block.rows() + " rows, this Backprop holds " + maxRows);
        }
        if (block.precision() != precision) {
            throw new IllegalArgumentException("block holds " + block.precision().specName() + " features, this"
                    + " Backprop computes in " + precision.specName());
        }
        return block.rows();
    }
}
