package dev.sparkprop.driver.train;

import java.io.Serializable;

/**
 * Per-feature count, mean and sum of squared deviations, accumulated row by row with Welford's
 * update and merged across partitions with Chan et al.'s formula, so the standardisation
 * statistics are accurate even for features with a large offset (e.g. 1e6 ± 1). Each feature
 * counts its own values: a NaN stands for a missing value (data.missing = "impute") and is
 * left out, so the mean is that of the present values.
 */
public final class FeatureStatistics implements Serializable {

    private static final long serialVersionUID = 2L;

    private long rows;
    private final long[] count;
    private final double[] mean;
    private final double[] m2;

    public FeatureStatistics(int features) {
        count = new long[features];
        mean = new double[features];
        m2 = new double[features];
    }

    /** Adds one row of {@code mean.length} values at {@code x[off]}; NaN values are not counted. */
    public void add(double[] x, int off) {
        rows++;
        for (int i = 0; i < mean.length; i++) {
            double v = x[off + i];
            if (Double.isNaN(v)) {
                continue;
            }
            count[i]++;
            double d = v - mean[i];
            mean[i] += d / count[i];
            m2[i] += d * (v - mean[i]);
        }
    }

    public FeatureStatistics merge(FeatureStatistics other) {
        rows += other.rows;
        for (int i = 0; i < mean.length; i++) {
            if (other.count[i] == 0) {
                continue;
            }
            long n = count[i] + other.count[i];
            double d = other.mean[i] - mean[i];
            mean[i] += d * other.count[i] / n;
            m2[i] += other.m2[i] + d * d * ((double) count[i] * other.count[i] / n);
            count[i] = n;
        }
        return this;
    }

    /** Rows added. */
    public long count() {
        return rows;
    }

    /** How many values feature {@code i} had (rows less its NaNs). */
    public long count(int i) {
        return count[i];
    }

    public double[] mean() {
        return mean.clone();
    }

    /** Population standard deviations. */
    public double[] std() {
        double[] std = new double[mean.length];
        for (int i = 0; i < std.length; i++) {
            std[i] = count[i] == 0 ? 0 : Math.sqrt(m2[i] / count[i]);
        }
        return std;
    }
}
