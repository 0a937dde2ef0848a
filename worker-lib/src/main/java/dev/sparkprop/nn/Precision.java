package dev.sparkprop.nn;

import java.util.Locale;

/**
 * The number type of cached features, activations and matrix products. Parameters, gradient
 * sums, losses and the optimizer stay float64 either way: FLOAT32 halves the memory and, with a
 * native BLAS, doubles the speed of the products, while every block's float gradient is added
 * into a double sum so rounding does not grow with the number of rows.
 */
public enum Precision {
    FLOAT64, FLOAT32;

    public static Precision parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "float64": case "double": return FLOAT64;
            case "float32": case "float": return FLOAT32;
            default: throw new IllegalArgumentException("precision must be float32 or float64, got '" + spec + "'");
        }
    }

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
