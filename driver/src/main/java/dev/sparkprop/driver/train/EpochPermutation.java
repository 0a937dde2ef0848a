package dev.sparkprop.driver.train;

import static dev.sparkprop.nn.SplitMix.GAMMA;
import static dev.sparkprop.nn.SplitMix.mix;

/**
 * One epoch's order of the rows: a seeded bijection of the row ids 0..range-1 onto the positions
 * 0..range-1, which any partition evaluates for its own rows alone, so no task ever needs the
 * whole permutation. A balanced Feistel network over the smallest even number of bits that holds
 * the range is a bijection of that power of two whatever its round function; cycle-walking
 * (applying it again until the value falls inside the range) restricts it to a bijection of the
 * range, in fewer than four applications on average because the power of two is under 4 × range.
 * The round keys come from (seed, epoch) alone, and the arithmetic is exact integer arithmetic, so
 * every JVM computes the same order.
 */
final class EpochPermutation {

    /** Enough rounds of a strong mixing function for a shuffle that shows no pattern in the ids. */
    private static final int ROUNDS = 6;

    private final long range;
    private final int halfBits;
    private final long mask;
    private final long[] keys = new long[ROUNDS];

    /**
     * @param range the number of ids, at least 1
     */
    EpochPermutation(long range, long seed, int epoch) {
        if (range < 1) {
            throw new IllegalArgumentException("a permutation needs at least one id, not " + range);
        }
        this.range = range;
        int bits = range == 1 ? 0 : 64 - Long.numberOfLeadingZeros(range - 1);
        this.halfBits = Math.max(1, (bits + 1) / 2);
        this.mask = (1L << halfBits) - 1;
        long state = mix(seed * GAMMA + (epoch + 1L) * 0xC2B2AE3D27D4EB4FL);
        for (int k = 0; k < ROUNDS; k++) {
            state += GAMMA;
            keys[k] = mix(state);
        }
    }

    long range() {
        return range;
    }

    /** The position of row {@code id} (in [0, range)) in the epoch's order. */
    long position(long id) {
        long x = id;
        do {
            x = feistel(x);
        } while (x >= range);
        return x;
    }

    private long feistel(long x) {
        long left = x >>> halfBits;
        long right = x & mask;
        for (long key : keys) {
            long next = left ^ (mix(right ^ key) & mask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }
}
