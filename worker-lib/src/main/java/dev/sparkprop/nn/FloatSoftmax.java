package dev.sparkprop.nn;

/**
 * The float32 softmax of a block, and what a softmax output layer with class-index targets
 * needs from it: the cross-entropy loss and delta_L, and the weight classified right. Each row's
 * max, sum and argmax run over the transpose (a unit's rows side by side) as whole-array passes
 * over the rows, in SIMD lanes of rows when the vector module is present ({@link VectorSoftmax};
 * one row at a time over ten units they took a tenth of job a's pass). a is transposed back into
 * the row-major block only on request ({@link #values}): training on class indices does not
 * read it. The values are those of the row-by-row formulas, operation for operation (a NaN where
 * they give NaN):
 *
 * <p>a_i = e_i / Σ_j e_j with e_i = e^(z_i - max) by {@link FloatFormulas#exp} (Math.exp in double
 * took most of a small output layer's time), summed and divided in double: within 4 float ulps
 * of the double softmax. z_i - max rounded to float is off by up to half its ulp, which is 64
 * ulps of e^(z_i - max) at z_i - max = -100, so that rounding error lo (a float, found exactly by
 * {@link #roundingError}) goes back in as e^hi (1 + lo). The row's max gets e^0 = 1 exactly, so
 * where the max is finite, a at the max is the rounded 1 / Σ_j e_j, what the loss needs.
 *
 * <p>Each SIMD pass has a static scalar twin here over rows [first, rows), unit by unit over
 * contiguous rows as the lanes go: it runs the rows past the lanes' prefix, or all of them
 * without the vector module, the same bits.
 *
 * <p>One instance holds scratch for blocks of up to {@code maxUnits} x {@code maxRows}; the
 * values, the loss and the count read the last {@link #apply}'s values; the loss and the count
 * refuse another row count. One thread at a time.
 */
final class FloatSoftmax {

    /** The most float lanes a vector species can have (2048 bits): the gathers' offsets cover them all. */
    private static final int MAX_LANES = 64;

    /** The transpose: z, then z - max, e^(z - max), then a (units x rows, unit-major). */
    private final float[] t;
    /** The rounding errors lo of z - max (transposed); then the transposed delta. */
    private final float[] lo;
    private final float[] rowMax;
    /** 1 / Σ_j e_j. */
    private final double[] rowScale;
    /** w_r times the loss's factor. */
    private final double[] rowWeight;
    private final int[] rowArgmax;
    /** i · units for lane i: where row i's values start in the row-major block, for the gathers. */
    private final int[] offsets = new int[MAX_LANES];
    private int units;
    private int rows;

    FloatSoftmax(int maxUnits, int maxRows) {
        int cells = Math.multiplyExact(maxUnits, maxRows);
        t = new float[cells];
        lo = new float[cells];
        rowMax = new float[maxRows];
        rowScale = new double[maxRows];
        rowWeight = new double[maxRows];
        rowArgmax = new int[maxRows];
    }

    /**
     * The softmax of each of {@code rows} rows of {@code units} values of z (row-major), kept here
     * for {@link #values}, {@link #crossEntropy} and {@link #correctWeight}.
     */
    void apply(float[] z, int units, int rows) {
        if (units != this.units) {
            for (int i = 0; i < MAX_LANES; i++) {
                offsets[i] = i * units;
            }
        }
        this.units = units;
        this.rows = rows;
        boolean simd = VectorSupport.AVAILABLE;
        int n = units * rows;
        transpose(z, t, units, simd ? VectorSoftmax.transpose(z, t, offsets, units, rows) : 0, rows);
        maxAndShift(t, lo, rowMax, units, simd ? VectorSoftmax.maxAndShift(t, lo, rowMax, units, rows) : 0, rows);
        if (simd) {
            VectorActivations.exp(t, n);
        } else {
            for (int i = 0; i < n; i++) {
                t[i] = FloatFormulas.exp(t[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            t[i] = Math.fma(t[i], lo[i], t[i]);
        }
        reciprocalSums(t, rowScale, units, simd ? VectorSoftmax.reciprocalSums(t, rowScale, units, rows) : 0, rows);
        scale(t, t, rowScale, units, simd ? VectorSoftmax.scale(t, t, rowScale, units, rows) : 0, rows);
    }

    /** a := the last {@link #apply}'s values, row-major. */
    void values(float[] a) {
        untranspose(t, a, units, rows);
    }

    /** Rows [first, rows) of row-major z into x, units x rows (unit-major). */
    static void transpose(float[] z, float[] x, int units, int first, int rows) {
        for (int u = 0, from = 0; u < units; u++, from += rows) {
            for (int r = first; r < rows; r++) {
                x[from + r] = z[r * units + u];
            }
        }
    }

    /**
     * x, units x rows (unit-major), into row-major a. Plain loops reading x in order: scattering
     * SIMD lanes saved little here and has no instruction before AVX-512.
     */
    private static void untranspose(float[] x, float[] a, int units, int rows) {
        for (int u = 0, from = 0; u < units; u++, from += rows) {
            for (int r = 0, i = u; r < rows; r++, i += units) {
                a[i] = x[from + r];
            }
        }
    }

    /**
     * rowMax_r := Math.max of row r's values in unit order from -inf, then x := x - max_r and
     * lo := its rounding error ({@link #shifted}).
     */
    static void maxAndShift(float[] x, float[] lo, float[] rowMax, int units, int first, int rows) {
        java.util.Arrays.fill(rowMax, first, rows, Float.NEGATIVE_INFINITY);
        for (int from = 0; from < units * rows; from += rows) {
            for (int r = first; r < rows; r++) {
                rowMax[r] = Math.max(rowMax[r], x[from + r]);
            }
        }
        for (int from = 0; from < units * rows; from += rows) {
            for (int r = first; r < rows; r++) {
                x[from + r] = shifted(x[from + r], rowMax[r], lo, from + r);
            }
        }
    }

    /** s_r := 1 / Σ_u x, the sum in double in unit order. */
    static void reciprocalSums(float[] x, double[] s, int units, int first, int rows) {
        java.util.Arrays.fill(s, first, rows, 0.0);
        for (int from = 0; from < units * rows; from += rows) {
            for (int r = first; r < rows; r++) {
                s[r] += x[from + r];
            }
        }
        for (int r = first; r < rows; r++) {
            s[r] = 1.0 / s[r];
        }
    }

    /** to := (float) (from · s_r). */
    static void scale(float[] from, float[] to, double[] s, int units, int first, int rows) {
        for (int offset = 0; offset < units * rows; offset += rows) {
            for (int r = first; r < rows; r++) {
                to[offset + r] = (float) (from[offset + r] * s[r]);
            }
        }
    }

    /** argmax_r := the first unit with row r's largest value (row by row, strided: it runs the lanes' tail, and every row only without the vector module). */
    static void argmax(float[] x, int[] argmax, int units, int first, int rows) {
        for (int r = first; r < rows; r++) {
            float best = x[r];
            int arg = 0;
            for (int u = 1, i = r + rows; u < units; u++, i += rows) {
                if (x[i] > best) {
                    best = x[i];
                    arg = u;
                }
            }
            argmax[r] = arg;
        }
    }

    /**
     * z - max, with its rounding error into lo[i] (0 where z - max is -inf: z = -inf, whose
     * e is 0 and would otherwise be NaN).
     */
    static float shifted(float z, float max, float[] lo, int i) {
        float hi = z - max;
        lo[i] = hi == Float.NEGATIVE_INFINITY ? 0f : roundingError(z, -max, hi);
        return hi;
    }

    /**
     * The summed cross-entropy Σ_r w_r factor (lse_r - z_{r,c_r}) of the last {@link #apply}'s
     * rows, whose z it was given, for class indices {@code classes}; with {@code delta} not null
     * also delta = w_r factor (a - onehot(c_r)), row-major. The values of
     * {@link OutputHead}'s float32 softmax cross-entropy on one-hot targets: lse = max - log a_max.
     */
    double crossEntropy(float[] z, int[] classes, double[] w, double factor, float[] delta, int rows) {
        checkRows(rows);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            rowWeight[r] = w[r] * factor;
            double lse = rowMax[r] - Math.log((float) rowScale[r]);
            total += rowWeight[r] * (lse - z[r * units + classes[r]]);
        }
        if (delta != null) {
            boolean simd = VectorSupport.AVAILABLE;
            scale(t, lo, rowWeight, units, simd ? VectorSoftmax.scale(t, lo, rowWeight, units, rows) : 0, rows);
            for (int r = 0; r < rows; r++) {
                int i = classes[r] * rows + r;
                lo[i] = (float) (rowWeight[r] * (t[i] - 1.0));
            }
            untranspose(lo, delta, units, rows);
        }
        return total;
    }

    /**
     * Σ w_r over the last {@link #apply}'s rows whose first largest a is at their class:
     * {@link Task#correctWeight} for class indices.
     */
    double correctWeight(int[] classes, double[] w, int rows) {
        checkRows(rows);
        argmax(t, rowArgmax, units, VectorSupport.AVAILABLE ? VectorSoftmax.argmax(t, rowArgmax, units, rows) : 0, rows);
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            // + 0.0 leaves the sum's bits (it starts at +0): no branch to mispredict on every other row.
            sum += rowArgmax[r] == classes[r] ? w[r] : 0.0;
        }
        return sum;
    }

    /**
     * x + y - s exactly, for s = x + y rounded to float (Knuth's two-sum: the error of a float
     * addition is itself a float). Float arithmetic only: the JIT turns scalar float/double
     * conversions into instructions that wait on each other, which made taking z_i - max in
     * double most of the softmax's time.
     */
    static float roundingError(float x, float y, float s) {
        float yPart = s - x;
        return (x - (s - yPart)) + (y - yPart);
    }

    private void checkRows(int rows) {
        if (rows != this.rows) {
            throw new IllegalStateException("the softmax last ran on " + this.rows + " rows, not " + rows);
        }
    }
}
