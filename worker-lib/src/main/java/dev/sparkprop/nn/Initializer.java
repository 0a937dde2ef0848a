package dev.sparkprop.nn;

import java.util.Locale;
import java.util.Random;

/**
 * Seeded weight initialisation; biases start at 0. Glorot/Xavier keeps activations' variance
 * across tanh/sigmoid layers (Var W = 2/(fan_in + fan_out)), He across ReLU layers
 * (Var W = 2/fan_in). Uses {@link java.util.Random}, whose sequence the Java specification
 * fixes, so a seed gives the same weights on every JVM.
 */
public enum Initializer {
    XAVIER_UNIFORM, XAVIER_NORMAL, HE_UNIFORM, HE_NORMAL;

    /** A new flat parameter array for {@code spec}, drawn from {@code seed}. */
    public double[] initialise(NetworkSpec spec, long seed) {
        ParameterLayout layout = spec.layout();
        double[] params = new double[layout.size()];
        Random random = new Random(seed);
        for (int l = 1; l <= layout.depth(); l++) {
            int fanIn = layout.fanIn(l);
            int fanOut = layout.fanOut(l);
            double variance = this == XAVIER_UNIFORM || this == XAVIER_NORMAL
                    ? 2.0 / (fanIn + fanOut) : 2.0 / fanIn;
            double std = Math.sqrt(variance);
            // U(-r, r) has variance r²/3.
            double range = Math.sqrt(3 * variance);
            boolean uniform = this == XAVIER_UNIFORM || this == HE_UNIFORM;
            int from = layout.weightOffset(l);
            int to = from + fanIn * fanOut;
            for (int i = from; i < to; i++) {
                params[i] = uniform ? range * (2 * random.nextDouble() - 1) : std * random.nextGaussian();
            }
        }
        return params;
    }

    /** The spec name, e.g. {@code he_normal}. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code xavier_uniform}, {@code glorot_normal}, {@code he_uniform}, … (case-insensitive;
     * initializers take no parameters).
     */
    public static Initializer parse(String spec) {
        return SPECS.parse(spec);
    }

    /** One spec kind per constant, without parameters; glorot_* are xavier_*'s other names. */
    private static final SpecFamily<Initializer> SPECS = new SpecFamily<>("initializer");

    static {
        for (Initializer init : values()) {
            SpecKind<Initializer> kind = SPECS.kind(init.specName(), v -> init);
            if (init.specName().startsWith("xavier")) {
                SPECS.alias(init.specName().replace("xavier", "glorot"), kind);
            }
        }
    }
}
