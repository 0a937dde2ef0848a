package dev.sparkprop.nn;

/**
 * Where every parameter sits in the one flat array that holds them all.
 *
 * <p>Layer by layer, l = 1..L: first W_l, column-major (n_l x n_{l-1}, entry (i, j) at
 * {@code weightOffset(l) + j * n_l + i}, so BLAS reads it in place), then b_l (n_l values).
 * Gradients and optimizer state use the same layout, so a broadcast, an aggregate or a
 * checkpoint is one array and a layer is an offset.
 */
public final class ParameterLayout {

    private final int[] fanIn;
    private final int[] fanOut;
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int size;

    ParameterLayout(NetworkSpec spec) {
        int depth = spec.depth();
        fanIn = new int[depth + 1];
        fanOut = new int[depth + 1];
        weightOffset = new int[depth + 1];
        biasOffset = new int[depth + 1];
        long offset = 0;
        for (int l = 1; l <= depth; l++) {
            fanIn[l] = spec.width(l - 1);
            fanOut[l] = spec.width(l);
            weightOffset[l] = (int) offset;
            offset += (long) fanIn[l] * fanOut[l];
            biasOffset[l] = (int) offset;
            offset += fanOut[l];
            if (offset > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("network " + spec.layersSpec() + " has " + offset
                        + " parameters, more than one Java array holds; use fewer or narrower layers");
            }
        }
        size = (int) offset;
    }

    /** L. */
    public int depth() {
        return fanIn.length - 1;
    }

    /** The number of parameters, the length of the flat array. */
    public int size() {
        return size;
    }

    /** n_{l-1}, the columns of W_l. */
    public int fanIn(int l) {
        return fanIn[l];
    }

    /** n_l, the rows of W_l. */
    public int fanOut(int l) {
        return fanOut[l];
    }

    public int weightOffset(int l) {
        return weightOffset[l];
    }

    public int biasOffset(int l) {
        return biasOffset[l];
    }

    /** True when flat index {@code i} is an entry of some W_l (false for biases). */
    public boolean isWeight(int i) {
        for (int l = 1; l <= depth(); l++) {
            if (i < biasOffset[l]) {
                return i >= weightOffset[l];
            }
        }
        return false;
    }

    /** A human name for flat index {@code i}, e.g. {@code W2[3,1]} or {@code b1[0]}. */
    public String describe(int i) {
        for (int l = 1; l <= depth(); l++) {
            if (i < biasOffset[l]) {
                int k = i - weightOffset[l];
                return "W" + l + "[" + (k % fanOut[l]) + "," + (k / fanOut[l]) + "]";
            }
            if (i < biasOffset[l] + fanOut[l]) {
                return "b" + l + "[" + (i - biasOffset[l]) + "]";
            }
        }
        throw new IndexOutOfBoundsException("parameter " + i + " of " + size);
    }
}
