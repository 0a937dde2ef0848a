package dev.sparkprop.nn;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The losses sparkprop offers. Specs read {@code name[(param)][:sum|:mean]}; without a
 * reduction, categorical cross-entropy sums over outputs (the usual definition) and the others
 * average, as Keras does.
 */
public final class Losses {

    public static final List<String> NAMES = List.of("mse", "huber", "cross_entropy", "binary_cross_entropy");
    public static final double DEFAULT_HUBER_DELTA = 1.0;

    private static final Pattern SPEC = Pattern.compile("([a-z_]+)(?:\\(([^)]*)\\))?(?::([a-z]+))?");

    private Losses() {
    }

    /** (a - y)². */
    public static Loss mse(Loss.Reduction reduction) {
        return new ElementwiseLoss("mse", reduction) {
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

    /** ½r² for |r| ≤ δ, δ(|r| - ½δ) beyond, with r = a - y: quadratic near 0, linear in the tails. */
    public static Loss huber(double delta, Loss.Reduction reduction) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("huber delta must be a positive number, got " + delta + "; e.g. huber(1.0)");
        }
        return new ElementwiseLoss("huber(" + delta + ")", reduction) {
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
            super("cross_entropy", reduction);
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
            super("binary_cross_entropy", reduction);
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
     * Parses {@code mse}, {@code huber(0.5)}, {@code cross_entropy:mean}, … (case-insensitive).
     *
     * @throws IllegalArgumentException naming the bad spec and the accepted forms
     */
    public static Loss parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        Matcher m = SPEC.matcher(s);
        if (!m.matches()) {
            throw unknown(spec);
        }
        String name = canonical(m.group(1));
        String arg = m.group(2);
        if (arg != null && !name.equals("huber")) {
            throw new IllegalArgumentException("loss '" + name + "' takes no parameter, got '" + spec + "'");
        }
        Loss.Reduction reduction = reduction(m.group(3), name, spec);
        switch (name) {
            case "mse": return mse(reduction);
            case "huber": return huber(arg == null ? DEFAULT_HUBER_DELTA : number(arg, spec), reduction);
            case "cross_entropy": return crossEntropy(reduction);
            case "binary_cross_entropy": return binaryCrossEntropy(reduction);
            default: throw unknown(spec);
        }
    }

    private static String canonical(String name) {
        switch (name) {
            case "mean_squared_error": return "mse";
            case "categorical_cross_entropy": case "categorical_crossentropy": case "crossentropy": return "cross_entropy";
            case "bce": case "binary_crossentropy": return "binary_cross_entropy";
            default: return name;
        }
    }

    private static Loss.Reduction reduction(String given, String name, String spec) {
        if (given == null) {
            return name.equals("cross_entropy") ? Loss.Reduction.SUM : Loss.Reduction.MEAN;
        }
        switch (given) {
            case "sum": return Loss.Reduction.SUM;
            case "mean": return Loss.Reduction.MEAN;
            default: throw new IllegalArgumentException(
                    "loss reduction in '" + spec + "' must be :sum or :mean, got :" + given);
        }
    }

    private static double number(String arg, String spec) {
        try {
            return Double.parseDouble(arg.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("loss parameter in '" + spec + "' is not a number");
        }
    }

    private static IllegalArgumentException unknown(String spec) {
        return new IllegalArgumentException("unknown loss '" + spec + "'; use one of " + NAMES
                + ", optionally with :sum or :mean (e.g. mse:sum, huber(0.5))");
    }
}
