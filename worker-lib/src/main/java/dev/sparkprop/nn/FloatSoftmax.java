package dev.sparkprop.nn;

/**
 * The float32 softmax of a block, and what a softmax output layer with class-index targets
 * needs from it: the cross-entropy loss and delta_L, and the weight classified right. Each row's
 * max, sum and argmax run over the transpose (a unit's rows side by side) as whole-array passes
 * over the rows, the max, shift, exp and scaling in SIMD lanes when the vector module is present;
 * one row at a time over ten units they took a tenth of job a's pass. The values are those of
 * the row-by-row formulas, operation for operation (a NaN where they give NaN):
 *
 * <p>a_i = e_i / Σ_j e_j with e_i = e^(z_i - max) by {@link FloatFormulas#exp} (Math.exp in double
 * took most of a small output layer's time), summed and divided in double: within 4 float ulps
 * of the double softmax. z_i - max rounded to float is off by up to half its ulp, which is 64
 * ulps of e^(z_i - max) at z_i - max = -100, so that rounding error lo (a float, found exactly by
 * {@link #roundingError}) goes back in as e^hi (1 + lo). The row's max gets e^0 = 1 exactly, so
 * where the max is finite, a at the max is the rounded 1 / Σ_j e_j, what the loss needs.
 *
 * <p>One instance holds scratch for blocks of up to {@code maxUnits} x {@code maxRows}; the
 * loss and the count read the last {@link #apply}'s values, and refuse another row count. One
 * thread at a time.
 */
final class FloatSoftmax {

    /** The transpose: z, then e^(z - max), then a (units x rows, unit-major). */
    private final float[] t;
    /** The rounding errors lo (transposed); then the transposed delta. */
    private final float[] lo;
    private final float[] rowMax;
    /** Σ_j e_j, then its reciprocal. */
    private final double[] rowScale;
    /** w_r times the loss's factor. */
    private final double[] rowWeight;
    private final float[] rowBest;
    private final int[] rowArgmax;
    private int units;
    private int rows;

    FloatSoftmax(int maxUnits, int maxRows) {
        int cells = Math.multiplyExact(maxUnits, maxRows);
        t = new float[cells];
        lo = new float[cells];
        rowMax = new float[maxRows];
        rowScale = new double[maxRows];
        rowWeight = new double[maxRows];
        rowBest = new float[maxRows];
        rowArgmax = new int[maxRows];
    }

    /** a := softmax(z) for each of {@code rows} rows of {@code units} values (row-major blocks). */
    void apply(float[] z, float[] a, int units, int rows) {
        this.units = units;
        this.rows = rows;
        int n = units * rows;
        transpose(z, t, units, rows);
        if (VectorSupport.AVAILABLE) {
            VectorActivations.maxAndShift(t, lo, rowMax, units, rows);
        } else {
            maxAndShift(t, lo, rowMax, units, rows);
        }
        if (VectorSupport.AVAILABLE) {
            VectorActivations.exp(t, n);
        } else {
            for (int i = 0; i < n; i++) {
                t[i] = FloatFormulas.exp(t[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            t[i] = Math.fma(t[i], lo[i], t[i]);
        }
        java.util.Arrays.fill(rowScale, 0, rows, 0.0);
        for (int from = 0; from < n; from += rows) {
            for (int r = 0; r < rows; r++) {
                rowScale[r] += t[from + r];
            }
        }
        for (int r = 0; r < rows; r++) {
            rowScale[r] = 1.0 / rowScale[r];
        }
        scaleRows(t, rowScale);
        transpose(t, a, rows, units);
    }

    /**
     * Over a transposed block (units x rows, unit-major): rowMax_r := Math.max of row r's values
     * in unit order from -inf, then x := x - max_r and lo := its rounding error ({@link #shifted}).
     * The scalar twin of {@link VectorActivations#maxAndShift}, the same bits.
     */
    static void maxAndShift(float[] x, float[] lo, float[] rowMax, int units, int rows) {
        java.util.Arrays.fill(rowMax, 0, rows, Float.NEGATIVE_INFINITY);
        for (int from = 0; from < units * rows; from += rows) {
            for (int r = 0; r < rows; r++) {
                rowMax[r] = Math.max(rowMax[r], x[from + r]);
            }
        }
        for (int u = 0, from = 0; u < units; u++, from += rows) {
            for (int r = 0; r < rows; r++) {
                x[from + r] = shifted(x[from + r], rowMax[r], lo, from + r);
            }
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
            System.arraycopy(t, 0, lo, 0, units * rows);
            scaleRows(lo, rowWeight);
            for (int r = 0; r < rows; r++) {
                int i = classes[r] * rows + r;
                lo[i] = (float) (rowWeight[r] * (t[i] - 1.0));
            }
            transpose(lo, delta, rows, units);
        }
        return total;
    }

    /**
     * Σ w_r over the last {@link #apply}'s rows whose first largest a is at their class:
     * {@link Task#correctWeight} for class indices.
     */
    double correctWeight(int[] classes, double[] w, int rows) {
        checkRows(rows);
        System.arraycopy(t, 0, rowBest, 0, rows);
        java.util.Arrays.fill(rowArgmax, 0, rows, 0);
        for (int u = 1, from = rows; u < units; u++, from += rows) {
            for (int r = 0; r < rows; r++) {
                float v = t[from + r];
                boolean above = v > rowBest[r];
                rowBest[r] = above ? v : rowBest[r];
                rowArgmax[r] = above ? u : rowArgmax[r];
            }
        }
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            if (rowArgmax[r] == classes[r]) {
                sum += w[r];
            }
        }
        return sum;
    }

    /** x[from + r] := (float) (x[from + r] * s[r]) for r in [first, rows). */
    static void scale(float[] x, int from, double[] s, int first, int rows) {
        for (int r = first; r < rows; r++) {
            x[from + r] = (float) (x[from + r] * s[r]);
        }
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

    /** x[u·rows + r] := (float) (x[u·rows + r] · s[r]) for every unit u. */
    private void scaleRows(float[] x, double[] s) {
        for (int from = 0; from < units * rows; from += rows) {
            if (VectorSupport.AVAILABLE) {
                VectorActivations.scale(x, from, s, rows);
            } else {
                scale(x, from, s, 0, rows);
            }
        }
    }

    /** to[j·height + i] := from[i·width + j]: a width x height block, row-major, into its transpose. */
    private static void transpose(float[] from, float[] to, int width, int height) {
        for (int i = 0, row = 0; i < height; i++, row += width) {
            for (int j = 0, k = i; j < width; j++, k += height) {
                to[k] = from[row + j];
            }
        }
    }
}
