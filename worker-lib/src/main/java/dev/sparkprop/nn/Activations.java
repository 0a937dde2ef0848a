package dev.sparkprop.nn;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The activations sparkprop offers, by name. */
public final class Activations {

    /** Every name {@link #parse} accepts; parameterised ones also take {@code name(value)}. */
    public static final List<String> NAMES =
            List.of("identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "softmax");

    public static final double DEFAULT_LEAKY_RELU_SLOPE = 0.01;
    public static final double DEFAULT_ELU_ALPHA = 1.0;

    private static final Pattern SPEC = Pattern.compile("([a-z_]+)(?:\\(([^)]*)\\))?");

    private Activations() {
    }

    public static ElementwiseActivation identity() {
        return IDENTITY;
    }

    public static ElementwiseActivation sigmoid() {
        return SIGMOID;
    }

    public static ElementwiseActivation tanh() {
        return TANH;
    }

    public static ElementwiseActivation relu() {
        return RELU;
    }

    public static ElementwiseActivation softplus() {
        return SOFTPLUS;
    }

    public static Activation softmax() {
        return Softmax.INSTANCE;
    }

    /** f(z) = z for z > 0, slope·z otherwise. */
    public static ElementwiseActivation leakyRelu(double slope) {
        if (!(slope >= 0 && slope < 1)) {
            throw new IllegalArgumentException(
                    "leaky_relu slope must be in [0, 1), got " + slope + "; e.g. leaky_relu(0.01)");
        }
        return new Kinked("leaky_relu(" + slope + ")") {
            @Override
            public Form form() {
                return Form.LEAKY_RELU;
            }

            @Override
            public double parameter() {
                return slope;
            }

            @Override
            public double value(double z) {
                return z > 0 ? z : slope * z;
            }

            @Override
            public double derivative(double z, double a) {
                return z > 0 ? 1 : slope;
            }
        };
    }

    /** f(z) = z for z > 0, alpha·(e^z - 1) otherwise; smooth at 0 only when alpha = 1. */
    public static ElementwiseActivation elu(double alpha) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("elu alpha must be a positive number, got " + alpha + "; e.g. elu(1.0)");
        }
        return new Kinked("elu(" + alpha + ")") {
            @Override
            public Form form() {
                return Form.ELU;
            }

            @Override
            public double parameter() {
                return alpha;
            }

            @Override
            public double value(double z) {
                return z > 0 ? z : alpha * Math.expm1(z);
            }

            @Override
            public double derivative(double z, double a) {
                return z > 0 ? 1 : a + alpha;
            }

            @Override
            public boolean kinkBetween(double z0, double z1) {
                return alpha != 1.0 && super.kinkBetween(z0, z1);
            }
        };
    }

    /**
     * Parses {@code relu}, {@code leaky_relu(0.2)}, {@code elu(0.5)}, … (case-insensitive).
     *
     * @throws IllegalArgumentException naming the bad spec and the accepted names
     */
    public static Activation parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        Matcher m = SPEC.matcher(s);
        if (!m.matches()) {
            throw unknown(spec);
        }
        String name = m.group(1);
        String arg = m.group(2);
        if (arg != null && !name.equals("leaky_relu") && !name.equals("elu")) {
            throw new IllegalArgumentException("activation '" + name + "' takes no parameter, got '" + spec + "'");
        }
        switch (name) {
            case "identity": case "linear": return IDENTITY;
            case "sigmoid": return SIGMOID;
            case "tanh": return TANH;
            case "relu": return RELU;
            case "softplus": return SOFTPLUS;
            case "softmax": return Softmax.INSTANCE;
            case "leaky_relu": return leakyRelu(arg == null ? DEFAULT_LEAKY_RELU_SLOPE : number(arg, spec));
            case "elu": return elu(arg == null ? DEFAULT_ELU_ALPHA : number(arg, spec));
            default: throw unknown(spec);
        }
    }

    private static double number(String arg, String spec) {
        try {
            return Double.parseDouble(arg.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("activation parameter in '" + spec + "' is not a number");
        }
    }

    private static IllegalArgumentException unknown(String spec) {
        return new IllegalArgumentException("unknown activation '" + spec + "'; use one of " + NAMES);
    }

    /** An activation whose derivative jumps at z = 0. */
    private abstract static class Kinked extends ElementwiseActivation {
        private final String name;

        Kinked(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean kinkBetween(double z0, double z1) {
            return (z0 > 0) != (z1 > 0);
        }
    }

    private static final ElementwiseActivation IDENTITY = new ElementwiseActivation() {
        @Override
        public Form form() {
            return Form.IDENTITY;
        }

        @Override
        public String name() {
            return "identity";
        }

        @Override
        public double value(double z) {
            return z;
        }

        @Override
        public double derivative(double z, double a) {
            return 1;
        }
    };

    private static final ElementwiseActivation SIGMOID = new ElementwiseActivation() {
        @Override
        public Form form() {
            return Form.SIGMOID;
        }

        @Override
        public String name() {
            return "sigmoid";
        }

        @Override
        public double value(double z) {
            return sigmoidOf(z);
        }

        @Override
        public double derivative(double z, double a) {
            return a * (1 - a);
        }
    };

    private static final ElementwiseActivation TANH = new ElementwiseActivation() {
        @Override
        public Form form() {
            return Form.TANH;
        }

        @Override
        public String name() {
            return "tanh";
        }

        @Override
        public double value(double z) {
            return Math.tanh(z);
        }

        @Override
        public double derivative(double z, double a) {
            return 1 - a * a;
        }
    };

    private static final ElementwiseActivation RELU = new Kinked("relu") {
        @Override
        public Form form() {
            return Form.RELU;
        }

        @Override
        public double value(double z) {
            return z > 0 ? z : 0;
        }

        @Override
        public double derivative(double z, double a) {
            return z > 0 ? 1 : 0;
        }
    };

    private static final ElementwiseActivation SOFTPLUS = new ElementwiseActivation() {
        @Override
        public Form form() {
            return Form.SOFTPLUS;
        }

        @Override
        public String name() {
            return "softplus";
        }

        @Override
        public double value(double z) {
            return softplusOf(z);
        }

        @Override
        public double derivative(double z, double a) {
            return sigmoidOf(z);
        }
    };

    /** 1 / (1 + e^-z), without overflow for large |z|. */
    static double sigmoidOf(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    /** log(1 + e^z), without overflow for large z nor cancellation for very negative z. */
    static double softplusOf(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
