package dev.sparkprop.nn;

/**
 * Which of a layer's outputs inverted dropout keeps: unit i of layer l in the row with id r, at
 * optimizer step t of a run seeded s, is kept when a 53-bit uniform u(s, t, r, l, i) is at least
 * the layer's p, and then scaled by 1/(1-p) so that each output's expectation is unchanged.
 *
 * <p>u is a pure function of its five integers, counter-based as SplitMix64 is: (s, t, r, l) are
 * mixed one after another through SplitMix64's finaliser (a bijection of 64 bits, so two rows of
 * one step never share a stream), and unit i takes the finaliser of that stream plus (i + 1)
 * times the golden gamma. No generator state is carried from row to row, so a row's mask is the
 * same whichever partition, block or task holds it, on any JVM, and again after a resume.
 */
public final class Dropout {

    /**
     * The masks of one block's rows: drawn for the run's seed and the optimizer step (0-based,
     * counted over the whole run), and each row's id ({@code rowIds[r]} for the block's row r,
     * an id that does not depend on how rows fall into partitions or blocks).
     */
    public record Draw(long seed, long step, long[] rowIds) {
    }

    private Dropout() {
    }

    /** Whether unit {@code unit} of layer {@code l} keeps its value in row {@code rowId} at step {@code step}. */
    public static boolean kept(long seed, long step, long rowId, int l, int unit, double p) {
        return kept(stream(seed, step, rowId, l), unit, threshold(p));
    }

    /**
     * Writes the scale of each of {@code units} outputs of layer {@code l} for the block's first
     * {@code rows} rows into {@code mask} (units x rows, column-major): 1/(1-p) where kept, 0 where dropped.
     */
    static void fill(double[] mask, Draw draw, int l, int units, int rows, double p) {
        long threshold = threshold(p);
        double scale = 1 / (1 - p);
        long[] ids = draw.rowIds();
        for (int r = 0, off = 0; r < rows; r++, off += units) {
            long stream = stream(draw.seed(), draw.step(), ids[r], l);
            for (int i = 0; i < units; i++) {
                mask[off + i] = kept(stream, i, threshold) ? scale : 0;
            }
        }
    }

    private static long stream(long seed, long step, long rowId, int l) {
        return SplitMix.mix(SplitMix.mix(SplitMix.mix(SplitMix.mix(seed) + step) + rowId) + l);
    }

    /** u ≥ p for u = k · 2^-53 exactly when k ≥ ceil(p · 2^53) (the product is exact: a power of two). */
    private static long threshold(double p) {
        return (long) Math.ceil(p * 0x1p53);
    }

    private static boolean kept(long stream, int unit, long threshold) {
        return SplitMix.mix(stream + (unit + 1L) * SplitMix.GAMMA) >>> 11 >= threshold;
    }
}
