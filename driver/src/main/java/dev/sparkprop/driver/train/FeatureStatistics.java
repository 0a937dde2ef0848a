package dev.sparkprop.driver.train;

import java.io.Serializable;

/**
 * Per-feature count, mean and sum of squared deviations, accumulated row by row with Welford's
 * update and merged across partitions with Chan et al.'s formula, so the standardisation
 * statistics are accurate even for features with a large offset (e.g. 1e6 ± 1).
 */
public final class FeatureStatistics implements Serializable {

    private static final long serialVersionUID = 1L;

    private long count;
    private final double[] mean;
    private final double[] m2;

    public FeatureStatistics(int features) {
        mean = new double[features];
        m2 = new double[features];
    }

    /** Adds one row of {@code mean.length} values at {@code x[off]}. */
    public void add(double[] x, int off) {
        count++;
        for (int i = 0; i < mean.length; i++) {
            double d = x[off + i] - mean[i];
            mean[i] += d / count;
            m2[i] += d * (x[off + i] - mean[i]);
        }
    }

    public FeatureStatistics merge(FeatureStatistics other) {
        if (other.count == 0) {
            return this;
        }
        long n = count + other.count;
        for (int i = 0; i < mean.length; i++) {
            double d = other.mean[i] - mean[i];
            mean[i] += d * other.count / n;
            m2[i] += other.m2[i] + d * d * ((double) count * other.count / n);
        }
        count = n;
        return this;
    }

    public long count() {
        return count;
    }

    public double[] mean() {
        return mean.clone();
    }

    /** Population standard deviations. */
    public double[] std() {
        double[] std = new double[mean.length];
        for (int i = 0; i < std.length; i++) {
            std[i] = count == 0 ? 0 : Math.sqrt(m2[i] / count);
        }
        return std;
    }
}
