package dev.sparkprop.nn;

import java.io.Serializable;

/**
 * Sums of doubles, element by element, whose result does not depend on the order the terms
 * and partial sums are added in: floating-point addition is not associative, so Spark's
 * treeAggregate, which merges partial sums in task completion and shuffle-fetch order, would
 * otherwise make the same training run end in different last bits.
 *
 * <p>Each element is kept as {@value #BINS} integer bins of {@value #BIN_BITS} bits at fixed
 * binary exponents (the binned scheme of Demmel and Nguyen's reproducible summation). The top
 * bin is the one holding the leading bit of the element's largest term so far; a term adds the
 * bits of its magnitude that fall in the kept bins, exactly, as integers. Bits below the lowest
 * kept bin are dropped, at least 64 bits below the largest term's leading bit, so the sum is
 * as accurate as a double sum. Since the kept bins depend only on the largest term, and
 * integer addition is exact, any order of adding terms and merging sums gives the same bins
 * and so the same {@link #toDoubles()}. Bins are never normalised before that, so up to
 * 2^31 terms per element cannot overflow them.
 *
 * <p>NaN and infinite terms are summed apart in plain double arithmetic, which is
 * order-independent on {NaN, +Inf, -Inf}; any of them makes the element's result non-finite.
 */
public final class ExactSum implements Serializable {

    private static final long serialVersionUID = 1L;

    static final int BIN_BITS = 32;
    static final int BINS = 3;
    /** Bin index 0 starts below the smallest subnormal exponent (-1074), so indices are non-negative. */
    private static final int EXPONENT_OFFSET = 1088;
    private static final int EMPTY = -1;

    private final int size;
    /** BINS per element: the top bin first. */
    private final long[] bins;
    /** Per element, the index of its top bin, or EMPTY while it has only had zeros. */
    private final int[] top;
    /** Non-finite terms per element; null until there is one. */
    private double[] special;

    public ExactSum(int size) {
        this.size = size;
        this.bins = new long[BINS * size];
        this.top = new int[size];
        java.util.Arrays.fill(top, EMPTY);
    }

    /** The sum of each element of {@code values}, as one term. */
    public static ExactSum of(double[] values) {
        ExactSum sum = new ExactSum(values.length);
        for (int i = 0; i < values.length; i++) {
            sum.add(i, values[i]);
        }
        return sum;
    }

    public int size() {
        return size;
    }

    /** Adds {@code x} to element {@code i}. */
    public void add(int i, double x) {
        if (!Double.isFinite(x)) {
            if (special == null) {
                special = new double[size];
            }
            special[i] += x;
            return;
        }
        if (x == 0) {
            return;
        }
        int leading = binOf(x);
        if (leading > top[i]) {
            raiseTop(i, leading);
        }
        // The magnitude's bits in the kept bins, top first: each step's integer part is exact,
        // and so is the remainder (scaling by powers of two and removing an integer part are).
        double rest = Math.scalb(Math.abs(x), -lowExponent(top[i]));
        long sign = x < 0 ? -1 : 1;
        int at = BINS * i;
        for (int b = 0; b < BINS; b++) {
            long chunk = (long) rest;
            bins[at + b] += sign * chunk;
            rest = (rest - chunk) * (1L << BIN_BITS);
        }
    }

    /** Adds {@code other}'s elements to this one's; returns this. */
    public ExactSum merge(ExactSum other) {
        if (other.size != size) {
            throw new IllegalArgumentException("cannot merge sums of " + other.size + " and " + size + " elements");
        }
        for (int i = 0; i < size; i++) {
            int theirs = other.top[i];
            if (theirs == EMPTY) {
                continue;
            }
            if (theirs > top[i]) {
                raiseTop(i, theirs);
            }
            // Their bins, aligned with ours: a bin of theirs below our lowest is dropped whole,
            // as its terms' bits there would have been had they been added here.
            int shift = top[i] - theirs;
            for (int b = shift; b < BINS; b++) {
                bins[BINS * i + b] += other.bins[BINS * i + b - shift];
            }
        }
        if (other.special != null) {
            if (special == null) {
                special = new double[size];
            }
            for (int i = 0; i < size; i++) {
                special[i] += other.special[i];
            }
        }
        return this;
    }

    /** Each element's sum as a double: a fixed function of the bins, so as reproducible as they are. */
    public double[] toDoubles() {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = value(i);
        }
        return out;
    }

    /** Element {@code i}'s sum. */
    public double value(int i) {
        if (special != null && special[i] != 0) {
            return special[i];
        }
        if (top[i] == EMPTY) {
            return 0;
        }
        // Carries first, so the lower bins hold BIN_BITS non-negative bits and the top one the sign
        long[] b = new long[BINS];
        System.arraycopy(bins, BINS * i, b, 0, BINS);
        for (int k = BINS - 1; k > 0; k--) {
            long carry = b[k] >> BIN_BITS;
            b[k] -= carry << BIN_BITS;
            b[k - 1] += carry;
        }
        double lower = 0;
        for (int k = BINS - 1; k > 0; k--) {
            lower += Math.scalb((double) b[k], lowExponent(top[i] - k));
        }
        return Math.scalb((double) b[0], lowExponent(top[i])) + lower;
    }

    /** Makes {@code bin} element i's top bin, moving its bins down and dropping those that fall off. */
    private void raiseTop(int i, int bin) {
        int at = BINS * i;
        if (top[i] != EMPTY) {
            int shift = bin - top[i];
            for (int b = BINS - 1; b >= 0; b--) {
                bins[at + b] = b - shift >= 0 ? bins[at + b - shift] : 0;
            }
        }
        top[i] = bin;
    }

    /** The bin holding x's leading bit. */
    private static int binOf(double x) {
        int exponent = Math.getExponent(x);
        if (exponent < Double.MIN_EXPONENT) {
            // A subnormal, whose leading bit lies below MIN_EXPONENT: scaled up, it is normal
            exponent = Math.getExponent(x * 0x1p64) - 64;
        }
        return (exponent + EXPONENT_OFFSET) / BIN_BITS;
    }

    /** The binary exponent of the lowest bit of {@code bin}. */
    private static int lowExponent(int bin) {
        return bin * BIN_BITS - EXPONENT_OFFSET;
    }
}
