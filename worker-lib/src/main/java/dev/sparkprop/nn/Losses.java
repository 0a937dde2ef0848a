package dev.sparkprop.nn;

import java.util.List;
import java.util.Locale;

/**
 * The losses sparkprop offers, declared once as spec kinds, and {@link #parse} for their specs.
 * Every loss has a {@code reduction} over outputs, sum or mean; categorical cross-entropy sums
 * by default (the usual definition) and the others average, as Keras does. The older suffix
 * {@code :sum} or {@code :mean} sets it too ({@code mse:sum} is {@code mse(reduction=sum)}).
 */
public final class Losses {

    /** Every loss, with its parameters; parsing and the canonical names come from here. */
    static final SpecFamily<Loss> SPECS = new SpecFamily<>("loss", "reduction");

    private static final SpecKind<Loss> MSE = SPECS.kind("mse",
            v -> mse(reduction(v)), reductionParameter(Loss.Reduction.MEAN));
    private static final SpecKind<Loss> HUBER = SPECS.kind("huber",
            v -> huber(v.number("delta"), reduction(v)),
            SpecParameter.decimal("delta", 1.0, SpecParameter.Range.POSITIVE), reductionParameter(Loss.Reduction.MEAN));
    private static final SpecKind<Loss> CROSS_ENTROPY = SPECS.kind("cross_entropy",
            v -> crossEntropy(reduction(v)), reductionParameter(Loss.Reduction.SUM));
    private static final SpecKind<Loss> BINARY_CROSS_ENTROPY = SPECS.kind("binary_cross_entropy",
            v -> binaryCrossEntropy(reduction(v)), reductionParameter(Loss.Reduction.MEAN));

    static {
        SPECS.alias("mean_squared_error", MSE);
        for (String alias : List.of("categorical_cross_entropy", "categorical_crossentropy", "crossentropy")) {
            SPECS.alias(alias, CROSS_ENTROPY);
        }
        SPECS.alias("bce", BINARY_CROSS_ENTROPY);
        SPECS.alias("binary_crossentropy", BINARY_CROSS_ENTROPY);
    }

    /** Every name {@link #parse} accepts, in the order of the docs. */
    public static final List<String> NAMES = SPECS.names();

    private Losses() {
    }

    private static SpecParameter reductionParameter(Loss.Reduction defaultValue) {
        return SpecParameter.choice("reduction", defaultValue.name().toLowerCase(Locale.ROOT), List.of("sum", "mean"));
    }

    private static Loss.Reduction reduction(SpecKind.Values v) {
        return Loss.Reduction.valueOf(v.choice("reduction").toUpperCase(Locale.ROOT));
    }

    /** (a - y)². */
    public static Loss mse(Loss.Reduction reduction) {
        return new ElementwiseLoss(MSE.render(reduction), reduction) {
            @Override
            double term(double a, double y) {
                double r = a - y;
                return r * r;
            }

            @Override
            double termDerivative(double a, double y) {
                return 2 * (a - y);
            }
        };
    }

    /**
     * ½r² for |r| ≤ δ, δ(|r| - ½δ) beyond, with r = a - y: quadratic near 0, linear in the tails.
     * δ is a finite number > 0.
     */
    public static Loss huber(double delta, Loss.Reduction reduction) {
        HUBER.check("delta", delta);
        return new ElementwiseLoss(HUBER.render(delta, reduction), reduction) {
            @Override
            double term(double a, double y) {
                double r = Math.abs(a - y);
                return r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
            }

            @Override
            double termDerivative(double a, double y) {
                return Math.max(-delta, Math.min(delta, a - y));
            }
        };
    }

    /** -y log a, summed over classes: targets are one-hot (or class probabilities). */
    public static Loss crossEntropy(Loss.Reduction reduction) {
        return new CrossEntropy(reduction);
    }

    /** Categorical cross-entropy: its targets are class probabilities, one-hot for a class index. */
    public static final class CrossEntropy extends ElementwiseLoss {
        CrossEntropy(Loss.Reduction reduction) {
            super(CROSS_ENTROPY.render(reduction), reduction);
        }

        @Override
        double term(double a, double y) {
            return y == 0 ? 0 : -y * Math.log(a);
        }

        @Override
        double termDerivative(double a, double y) {
            return y == 0 ? 0 : -y / a;
        }

        @Override
        public void checkFits(Activation activation, int units) {
            if (!(activation instanceof Softmax)) {
                throw new IllegalArgumentException("loss cross_entropy needs a softmax output layer, but the output"
                        + " activation is " + activation.name()
                        + "; use softmax on the last layer, or binary_cross_entropy with sigmoid");
            }
        }
    }

    /** -(y log a + (1 - y) log(1 - a)) per output: independent binary (multi-label) targets. */
    public static Loss binaryCrossEntropy(Loss.Reduction reduction) {
        return new BinaryCrossEntropy(reduction);
    }

    /** Binary cross-entropy: one independent 0/1 target per output. */
    public static final class BinaryCrossEntropy extends ElementwiseLoss {
        BinaryCrossEntropy(Loss.Reduction reduction) {
            super(BINARY_CROSS_ENTROPY.render(reduction), reduction);
        }

        @Override
        double term(double a, double y) {
            double t = 0;
            if (y != 0) {
                t -= y * Math.log(a);
            }
            if (y != 1) {
                t -= (1 - y) * Math.log1p(-a);
            }
            return t;
        }

        @Override
        double termDerivative(double a, double y) {
            return (a - y) / (a * (1 - a));
        }

        @Override
        public void checkFits(Activation activation, int units) {
            if (activation != Activations.sigmoid()) {
                throw new IllegalArgumentException("loss binary_cross_entropy needs a sigmoid output layer, but the"
                        + " output activation is " + activation.name()
                        + "; use sigmoid on the last layer, or cross_entropy with softmax");
            }
        }
    }

    /**
     * Parses {@code mse}, {@code huber(delta=0.5)}, {@code cross_entropy(reduction=mean)}, …
     * (case-insensitive), and the older {@code huber(0.5)} and {@code cross_entropy:mean}.
     *
     * @throws IllegalArgumentException naming the bad spec and the accepted forms
     */
    public static Loss parse(String spec) {
        return SPECS.parse(spec);
    }
}
