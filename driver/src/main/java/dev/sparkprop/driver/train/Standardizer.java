package dev.sparkprop.driver.train;

import java.io.Serializable;

/**
 * x' = (x - mean) / std per feature, with statistics from the training data. A constant feature
 * (std 0) is only centred: dividing by 0 would turn it into NaN.
 */
public final class Standardizer implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double[] mean;
    private final double[] scale;

    public Standardizer(double[] mean, double[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std lengths differ: " + mean.length + " vs " + std.length);
        }
        this.mean = mean.clone();
        this.scale = new double[std.length];
        for (int i = 0; i < std.length; i++) {
            scale[i] = std[i] > 0 ? 1 / std[i] : 1;
        }
    }

    public static Standardizer of(FeatureStatistics stats) {
        return new Standardizer(stats.mean(), stats.std());
    }

    public int features() {
        return mean.length;
    }

    public double[] mean() {
        return mean.clone();
    }

    /** 1/std per feature (1 for constant features). */
    public double[] scale() {
        return scale.clone();
    }

    /** Undoes {@link #apply}: x = x' · std + mean, in place. */
    public void invert(double[] x, int off) {
        for (int i = 0; i < mean.length; i++) {
            x[off + i] = x[off + i] / scale[i] + mean[i];
        }
    }

    /** Standardises {@code features()} values at {@code x[off]} in place. */
    public void apply(double[] x, int off) {
        for (int i = 0; i < mean.length; i++) {
            x[off + i] = (x[off + i] - mean[i]) * scale[i];
        }
    }
}
