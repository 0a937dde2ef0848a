package dev.sparkprop.nn;

import java.util.Random;

/**
 * Compares backprop's gradient with central finite differences, (L(w+ε) - L(w-ε)) / 2ε, for
 * every parameter, in float64.
 *
 * <p>The difference quotient is the fourth-order central one,
 * (8(L(w+h) - L(w-h)) - (L(w+2h) - L(w-2h))) / 12h. Errors are relative as in DL4J's
 * GradientCheckUtil: |g - n| / (|g| + |n|), and a pair over the bound whose absolute difference
 * is below {@code minAbsoluteError} passes (0 vs 1e-18 is not a failure).
 * Kinks are handled as DL4J's checks do, by keeping the difference away from them rather than by
 * loosening the bound: a parameter whose ±h, ±2h forward passes put some pre-activation on both sides
 * of a kink (ReLU at 0) has no finite-difference derivative there, and is skipped and counted.
 */
public final class GradientCheck {

    public static final double DEFAULT_STEP = 1e-4;
    public static final double DEFAULT_MIN_ABSOLUTE_ERROR = 1e-9;
    public static final double DEFAULT_MAX_RELATIVE_ERROR = 1e-6;

    /**
     * What a check found. {@code maxRelativeError} is over the compared parameters that the
     * absolute floor did not excuse; {@code worstIndex} is -1 when none was left.
     */
    public record Result(int parameters, int compared, int skippedAtKinks, int excusedByAbsoluteFloor,
                         double maxRelativeError, int worstIndex, String worstParameter,
                         double worstBackprop, double worstNumerical, double bound) {

        public boolean passed() {
            return compared > 0 && maxRelativeError <= bound;
        }

        public String summary() {
            return String.format("compared %d of %d parameters (%d skipped at kinks, %d excused by the absolute"
                            + " floor); worst %s: backprop %.12g, numerical %.12g",
                    compared, parameters, skippedAtKinks, excusedByAbsoluteFloor,
                    worstParameter, worstBackprop, worstNumerical);
        }
    }

    /**
     * A random network and batch to check: what {@code bin/sparkprop gradcheck} runs. A network
     * with dropout has {@code masks}, fixed for the check; null otherwise.
     */
    public record Problem(NetworkSpec spec, double[] params, Block block, Dropout.Draw masks) {
    }

    private GradientCheck() {
    }

    /** Checks backprop's gradient for every parameter of {@code params} on {@code block}. */
    public static Result run(NetworkSpec spec, double[] params, Block block, boolean fusedHead,
                             double step, double minAbsoluteError, double maxRelativeError) {
        return run(spec, params, block, null, fusedHead, step, minAbsoluteError, maxRelativeError);
    }

    /**
     * As {@link #run(NetworkSpec, double[], Block, boolean, double, double, double)} for the
     * training objective with {@code masks}' dropout masks (null: none): the masks are a pure
     * function of the draw, so every finite-difference pass drops the same outputs as backprop did.
     */
    public static Result run(NetworkSpec spec, double[] params, Block block, Dropout.Draw masks, boolean fusedHead,
                             double step, double minAbsoluteError, double maxRelativeError) {
        Backprop backprop = new Backprop(spec, Math.max(1, block.rows()), fusedHead);
        double[] grad = new double[spec.layout().size()];
        backprop.accumulateGradient(params, block, grad, masks);
        return compare(backprop, params, block, masks, grad, step, minAbsoluteError, maxRelativeError);
    }

    /** Checks a given gradient {@code grad} of the block's summed loss against finite differences. */
    static Result compare(Backprop backprop, double[] params, Block block, double[] grad,
                          double step, double minAbsoluteError, double maxRelativeError) {
        return compare(backprop, params, block, null, grad, step, minAbsoluteError, maxRelativeError);
    }

    private static Result compare(Backprop backprop, double[] params, Block block, Dropout.Draw masks, double[] grad,
                                  double step, double minAbsoluteError, double maxRelativeError) {
        NetworkSpec spec = backprop.spec();
        ParameterLayout layout = backprop.layout();
        double[] w = params.clone();
        double[][] reference = new double[spec.depth() + 1][];
        int compared = 0;
        int skipped = 0;
        int byFloor = 0;
        double maxRel = 0;
        int worst = -1;
        double worstNumerical = Double.NaN;
        double[] offsets = {-step, step, 2 * step};
        double[] values = new double[3];
        for (int i = 0; i < w.length; i++) {
            double original = w[i];
            w[i] = original - 2 * step;
            double minus2 = backprop.loss(w, block, masks);
            savePreActivations(spec, backprop, reference, block.rows());
            boolean crossed = false;
            for (int k = 0; k < 3; k++) {
                w[i] = original + offsets[k];
                values[k] = backprop.loss(w, block, masks);
                crossed |= crossesKink(spec, backprop, reference, block.rows());
            }
            w[i] = original;
            if (crossed) {
                skipped++;
                continue;
            }
            // Fourth-order central difference: truncation O(h^4), so h can be large enough
            // that rounding in the loss sum stays far below the bound.
            double numerical = (8 * (values[1] - values[0]) - (values[2] - minus2)) / (12 * step);
            compared++;
            double diff = Math.abs(grad[i] - numerical);
            double rel = diff == 0 ? 0 : diff / (Math.abs(grad[i]) + Math.abs(numerical));
            if (rel > maxRelativeError && diff < minAbsoluteError) {
                byFloor++;
                continue;
            }
            if (!(rel <= maxRel)) {
                maxRel = Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel;
                worst = i;
                worstNumerical = numerical;
            }
        }
        return new Result(w.length, compared, skipped, byFloor, maxRel, worst,
                worst < 0 ? "none" : layout.describe(worst),
                worst < 0 ? Double.NaN : grad[worst], worstNumerical, maxRelativeError);
    }

    /** Keeps z_l of the pass just run, for every layer, to compare later passes against. */
    private static void savePreActivations(NetworkSpec spec, Backprop backprop, double[][] saved, int rows) {
        for (int l = 1; l <= spec.depth(); l++) {
            int n = spec.width(l) * rows;
            if (saved[l] == null) {
                saved[l] = new double[n];
            }
            System.arraycopy(backprop.preActivation(l), 0, saved[l], 0, n);
        }
    }

    /** True when the pass just run put some z on the other side of a kink than {@code reference}. */
    private static boolean crossesKink(NetworkSpec spec, Backprop backprop, double[][] reference, int rows) {
        for (int l = 1; l <= spec.depth(); l++) {
            Activation f = spec.layers().get(l - 1).activation();
            double[] z = backprop.preActivation(l);
            for (int i = 0, n = spec.width(l) * rows; i < n; i++) {
                if (f.kinkBetween(reference[l][i], z[i])) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A seeded random problem for {@code spec}: Xavier-normal weights, small random biases,
     * standard-normal features, row weights in [0.5, 2), and targets the loss accepts (one-hot
     * classes for cross-entropy, 0/1 for binary cross-entropy, standard-normal values otherwise),
     * and for a network with dropout, the masks of rows 0..rows-1 at step 0 of a run seeded {@code seed}.
     */
    public static Problem randomProblem(NetworkSpec spec, int rows, long seed) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        }
        double[] params = Initializer.XAVIER_NORMAL.initialise(spec, seed);
        Random random = new Random(seed ^ 0x5DEECE66DL);
        ParameterLayout layout = spec.layout();
        for (int l = 1; l <= layout.depth(); l++) {
            for (int i = 0; i < layout.fanOut(l); i++) {
                params[layout.biasOffset(l) + i] = 0.1 * random.nextGaussian();
            }
        }
        int in = spec.inputWidth();
        int out = spec.outputWidth();
        double[] features = new double[in * rows];
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextGaussian();
        }
        double[] targets = new double[out * rows];
        Task.Kind kind = spec.task().kind();
        for (int r = 0; r < rows; r++) {
            if (kind == Task.Kind.MULTICLASS) {
                targets[r * out + random.nextInt(out)] = 1;
            } else {
                for (int i = 0; i < out; i++) {
                    targets[r * out + i] = kind == Task.Kind.REGRESSION ? random.nextGaussian() : random.nextInt(2);
                }
            }
        }
        double[] weights = new double[rows];
        for (int r = 0; r < rows; r++) {
            weights[r] = 0.5 + 1.5 * random.nextDouble();
        }
        Dropout.Draw masks = spec.hasDropout()
                ? new Dropout.Draw(seed, 0, java.util.stream.LongStream.range(0, rows).toArray()) : null;
        return new Problem(spec, params, new Block(in, out, features, targets, weights, rows), masks);
    }
}
