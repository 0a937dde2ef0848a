package dev.sparkprop.nn;

import dev.sparkprop.nn.SpecParameter.Range;
import java.util.List;

/** The activations sparkprop offers, declared once as spec kinds, and {@link #parse} for their specs. */
public final class Activations {

    /** Every activation, with its parameters; parsing and the canonical names come from here. */
    static final SpecFamily<Activation> SPECS = new SpecFamily<>("activation");

    private static final SpecKind<Activation> IDENTITY_KIND = SPECS.kind("identity", v -> identity());
    private static final SpecKind<Activation> SIGMOID_KIND = SPECS.kind("sigmoid", v -> sigmoid());
    private static final SpecKind<Activation> TANH_KIND = SPECS.kind("tanh", v -> tanh());
    private static final SpecKind<Activation> RELU_KIND = SPECS.kind("relu", v -> relu());
    private static final SpecKind<Activation> LEAKY_RELU = SPECS.kind("leaky_relu",
            v -> leakyRelu(v.number("slope")), SpecParameter.decimal("slope", 0.01, Range.UNIT));
    private static final SpecKind<Activation> ELU = SPECS.kind("elu",
            v -> elu(v.number("alpha")), SpecParameter.decimal("alpha", 1.0, Range.POSITIVE));
    private static final SpecKind<Activation> SOFTPLUS_KIND = SPECS.kind("softplus", v -> softplus());
    static final SpecKind<Activation> SOFTMAX_KIND = SPECS.kind("softmax", v -> softmax());

    static {
        SPECS.alias("linear", IDENTITY_KIND);
    }

    /** Every name {@link #parse} accepts, in the order of the docs. */
    public static final List<String> NAMES = SPECS.names();

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

    /** f(z) = z for z > 0, slope·z otherwise; slope in [0, 1). */
    public static ElementwiseActivation leakyRelu(double slope) {
        LEAKY_RELU.check("slope", slope);
        return new Kinked(LEAKY_RELU.render(slope)) {
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

    /** f(z) = z for z > 0, alpha·(e^z - 1) otherwise, alpha > 0; smooth at 0 only when alpha = 1. */
    public static ElementwiseActivation elu(double alpha) {
        ELU.check("alpha", alpha);
        return new Kinked(ELU.render(alpha)) {
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
     * Parses {@code relu}, {@code leaky_relu(slope=0.2)}, {@code elu(alpha=0.5)}, … (case-insensitive);
     * the older {@code leaky_relu(0.2)} gives the first parameter without its key.
     *
     * @throws IllegalArgumentException naming the bad spec and the accepted forms
     */
    public static Activation parse(String spec) {
        return SPECS.parse(spec);
    }

    /**
     * An activation whose derivative jumps at z = 0. Its name is its canonical spec, which
     * holds every parameter, so two with equal names compute the same function.
     */
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

        @Override
        public boolean equals(Object o) {
            return o instanceof Kinked k && k.getClass() == getClass() && k.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    private static final ElementwiseActivation IDENTITY = new ElementwiseActivation() {
        @Override
        public Form form() {
            return Form.IDENTITY;
        }

        @Override
        public String name() {
            return IDENTITY_KIND.render();
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
            return SIGMOID_KIND.render();
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
            return TANH_KIND.render();
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

    private static final ElementwiseActivation RELU = new Kinked(RELU_KIND.render()) {
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
            return SOFTPLUS_KIND.render();
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
