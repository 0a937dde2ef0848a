package dev.sparkprop.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatSoftmax}'s passes over a transposed block (units x rows, unit-major) as SIMD lanes
 * of rows. Each runs over the largest prefix of rows that is a multiple of the lane count and
 * returns that prefix's length; the caller runs the other rows in the scalar twin of the same
 * name in FloatSoftmax, which gives the same bits (lanewise add, mul, div, max, comparisons,
 * blends, conversions and moves round as the scalar operations do). Loaded only when
 * {@link VectorSupport#AVAILABLE}. Like {@link VectorActivations}, no method takes or returns a
 * vector, and float lanes take the one shape of {@link VectorDoubleArrays#F}.
 */
final class VectorSoftmax {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Doubles in the preferred shape: half of S's lanes. */
    private static final VectorSpecies<Double> D = VectorDoubleArrays.D;

    private VectorSoftmax() {
    }

    /** {@link FloatSoftmax#transpose}: row-major z into x by gathers; {@code offsets[i] = i · units}. */
    static int transpose(float[] z, float[] x, int[] offsets, int units, int rows) {
        int bound = S.loopBound(rows);
        for (int u = 0, from = 0; u < units; u++, from += rows) {
            for (int r = 0; r < bound; r += S.length()) {
                FloatVector.fromArray(S, z, r * units + u, offsets, 0).intoArray(x, from + r);
            }
        }
        return bound;
    }

    /**
     * {@link FloatSoftmax#maxAndShift}: rowMax_r := Math.max over the units in order from -inf,
     * then x := x - max_r and lo := its rounding error (0 where x - max_r is -inf).
     */
    static int maxAndShift(float[] x, float[] lo, float[] rowMax, int units, int rows) {
        int bound = S.loopBound(rows);
        java.util.Arrays.fill(rowMax, 0, bound, Float.NEGATIVE_INFINITY);
        // lanewise(MAX) (Math.max's semantics) from here, not FloatVector.max: the JIT inlines the
        // call by this call site's receiver profile, and max's own call site inside the JDK can have
        // seen other vector shapes; then the result's class is unknown and the vector is boxed,
        // which took 8 times as long.
        for (int from = 0; from < units * rows; from += rows) {
            for (int r = 0; r < bound; r += S.length()) {
                FloatVector.fromArray(S, rowMax, r).lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, from + r))
                        .intoArray(rowMax, r);
            }
        }
        for (int from = 0; from < units * rows; from += rows) {
            for (int r = 0; r < bound; r += S.length()) {
                FloatVector xi = FloatVector.fromArray(S, x, from + r);
                FloatVector minusMax = FloatVector.fromArray(S, rowMax, r).neg();
                FloatVector hi = xi.add(minusMax);
                // FloatSoftmax.roundingError(x, -max, hi), Knuth's two-sum
                FloatVector yPart = hi.sub(xi);
                FloatVector error = xi.sub(hi.sub(yPart)).add(minusMax.sub(yPart));
                error.blend(0f, hi.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY)).intoArray(lo, from + r);
                hi.intoArray(x, from + r);
            }
        }
        return bound;
    }

    /** {@link FloatSoftmax#reciprocalSums}: s_r := 1 / Σ_u x, summed in double in unit order. */
    static int reciprocalSums(float[] x, double[] s, int units, int rows) {
        int bound = S.loopBound(rows);
        java.util.Arrays.fill(s, 0, bound, 0.0);
        // Unit by unit over contiguous rows, the sums kept in s: a block of rows taken through the
        // units, a stride of a unit's rows apart, ran slower.
        for (int from = 0; from < units * rows; from += rows) {
            for (int r = 0; r < bound; r += S.length()) {
                FloatVector xi = FloatVector.fromArray(S, x, from + r);
                DoubleVector.fromArray(D, s, r).add(VectorDoubleArrays.widen(xi, 0)).intoArray(s, r);
                int r2 = r + D.length();
                DoubleVector.fromArray(D, s, r2).add(VectorDoubleArrays.widen(xi, 1)).intoArray(s, r2);
            }
        }
        for (int r = 0; r < bound; r += D.length()) {
            DoubleVector.broadcast(D, 1.0).div(DoubleVector.fromArray(D, s, r)).intoArray(s, r);
        }
        return bound;
    }

    /** {@link FloatSoftmax#scale}: to := (float) (from · s_r). */
    static int scale(float[] from, float[] to, double[] s, int units, int rows) {
        int bound = S.loopBound(rows);
        for (int offset = 0; offset < units * rows; offset += rows) {
            for (int r = 0; r < bound; r += S.length()) {
                FloatVector x = FloatVector.fromArray(S, from, offset + r);
                DoubleVector lo = VectorDoubleArrays.widen(x, 0).mul(DoubleVector.fromArray(D, s, r));
                DoubleVector hi = VectorDoubleArrays.widen(x, 1).mul(DoubleVector.fromArray(D, s, r + D.length()));
                VectorDoubleArrays.narrow(lo, hi).intoArray(to, offset + r);
            }
        }
        return bound;
    }

    /** {@link FloatSoftmax#argmax}: each row's first unit with the largest value. */
    static int argmax(float[] x, int[] argmax, int units, int rows) {
        int bound = S.loopBound(rows);
        for (int r = 0; r < bound; r += S.length()) {
            FloatVector best = FloatVector.fromArray(S, x, r);
            IntVector arg = IntVector.zero(I);
            for (int u = 1, i = r + rows; u < units; u++, i += rows) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                VectorMask<Float> above = v.compare(VectorOperators.GT, best);
                best = best.blend(v, above);
                arg = arg.blend(u, above.cast(I));
            }
            arg.intoArray(argmax, r);
        }
        return bound;
    }
}
