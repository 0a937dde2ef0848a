package dev.sparkprop.nn;

/**
 * Forward and backprop over blocks of rows, the seed's formulas batched into GEMMs:
 * <pre>
 *   z_l = W_l a_{l-1} + b_l,   a_l = f_l(z_l)
 *   delta_L     = J^T(a_L wrt z_L) ∇_{a_L} L            (OutputHead)
 *   delta_{l-1} = J^T(a_{l-1} wrt z_{l-1}) W_l^T delta_l
 *   grad W_l   += delta_l a_{l-1}^T,   grad b_l += delta_l   (summed over the block's rows)
 * </pre>
 * Each row's loss and gradient are multiplied by its weight; the caller divides the sums by the
 * total weight. One instance owns its buffers for blocks of up to {@code maxRows} rows, so it is
 * not thread-safe: use one per thread (per Spark task).
 */
public final class Backprop {

    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final OutputHead head;
    private final int maxRows;
    /** z[l], a[l] and delta[l] for l = 1..L, each n_l x maxRows; a_0 is the block's features. */
    private final double[][] z;
    private final double[][] a;
    private final double[][] delta;

    public Backprop(NetworkSpec spec, int maxRows) {
        this(spec, maxRows, true);
    }

    /** @param fusedHead use the log-sum-exp head for softmax+cross-entropy and sigmoid+BCE */
    public Backprop(NetworkSpec spec, int maxRows, boolean fusedHead) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        }
        this.spec = spec;
        this.layout = spec.layout();
        this.head = spec.outputHead(fusedHead);
        this.maxRows = maxRows;
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
    }

    /** The BLAS implementation the products run on (native JNI, vector API or plain Java), for logs. */
    public static String blasImplementation() {
        return DenseKernels.blasName();
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

    /**
     * Adds the block's summed gradient Σ_r w_r ∇L_r to {@code grad} and returns its summed
     * loss Σ_r w_r L_r.
     */
    public double accumulateGradient(double[] params, Block block, double[] grad) {
        int rows = checked(params, block);
        if (grad.length != layout.size()) {
            throw new IllegalArgumentException("gradient array has " + grad.length + " entries, the network "
                    + layout.size());
        }
        if (rows == 0) {
            return 0;
        }
        forward(params, block.features(), rows);
        int depth = spec.depth();
        double loss = head.lossAndDelta(z[depth], a[depth], block.targets(), block.weights(), delta[depth],
                spec.outputWidth(), rows);
        for (int l = depth; l >= 1; l--) {
            double[] input = l == 1 ? block.features() : a[l - 1];
            DenseKernels.accumulateLayerGradient(delta[l], input, layout.fanOut(l), layout.fanIn(l), rows,
                    grad, layout.weightOffset(l), layout.biasOffset(l));
            if (l > 1) {
                DenseKernels.backpropagate(params, layout.weightOffset(l), layout.fanOut(l), layout.fanIn(l),
                        delta[l], rows, delta[l - 1]);
                spec.layers().get(l - 2).activation().jacobianTransposeTimes(z[l - 1], a[l - 1], delta[l - 1],
                        layout.fanOut(l - 1), rows);
            }
        }
        return loss;
    }

    /** The block's summed loss Σ_r w_r L_r, without gradients. */
    public double loss(double[] params, Block block) {
        int rows = checked(params, block);
        if (rows == 0) {
            return 0;
        }
        forward(params, block.features(), rows);
        int depth = spec.depth();
        return head.lossAndDelta(z[depth], a[depth], block.targets(), block.weights(), null,
                spec.outputWidth(), rows);
    }

    /**
     * Runs the network on {@code rows} stacked feature columns and returns a_L (n_L x rows,
     * column-major). The returned array is this instance's buffer, overwritten by the next call.
     */
    public double[] predict(double[] params, double[] features, int rows) {
        if (rows > maxRows) {
            throw new IllegalArgumentException("block has " + rows + " rows, this Backprop holds " + maxRows);
        }
        forward(params, features, rows);
        return a[spec.depth()];
    }

    /** a_L (n_L x rows) of the last forward pass ({@link #loss} or {@link #predict}); a buffer. */
    public double[] lastOutput() {
        return a[spec.depth()];
    }

    /** z_l (n_l x rows) of the last forward pass, for l = 1..L; a buffer, overwritten by the next. */
    double[] preActivation(int l) {
        return z[l];
    }

    private void forward(double[] params, double[] features, int rows) {
        for (int l = 1; l <= spec.depth(); l++) {
            double[] input = l == 1 ? features : a[l - 1];
            DenseKernels.affine(params, layout.weightOffset(l), layout.biasOffset(l), layout.fanOut(l),
                    layout.fanIn(l), input, rows, z[l]);
            spec.layers().get(l - 1).activation().apply(z[l], a[l], layout.fanOut(l), rows);
        }
    }

    private int checked(double[] params, Block block) {
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("parameter array has " + params.length + " entries, network "
                    + spec.layersSpec() + " needs " + layout.size());
        }
        if (block.inputWidth() != spec.inputWidth() || block.outputWidth() != spec.outputWidth()) {
            throw new IllegalArgumentException("block has " + block.inputWidth() + " features and "
                    + block.outputWidth() + " targets per row, network " + spec.layersSpec() + " takes "
                    + spec.inputWidth() + " and " + spec.outputWidth());
        }
        if (block.rows() > maxRows) {
            throw new IllegalArgumentException("block has " + block.rows() + " rows, this Backprop holds " + maxRows);
        }
        return block.rows();
    }
}
