package dev.sparkprop.nn;

/**
 * SplitMix64's finaliser (Steele, Lea and Flood 2014), the mixing step of every counter-based
 * draw here: the epochs' row orders and the dropout masks. A bijection of 64 bits in which every
 * input bit flips about half the output bits, in exact integer arithmetic, so every JVM computes
 * the same values.
 */
public final class SplitMix {

    /** The golden gamma, SplitMix64's increment between consecutive counters. */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix() {
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
