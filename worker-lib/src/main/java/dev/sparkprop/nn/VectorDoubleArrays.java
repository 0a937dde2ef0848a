package dev.sparkprop.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DoubleArrays}' loops as SIMD lanes, over the largest prefix that is a multiple of the
 * lane count; the caller runs the rest. Loaded only when {@link VectorSupport#AVAILABLE}. Public for
 * its species, which every SIMD loop over doubles (and their float32 roundings) shares.
 */
public final class VectorDoubleArrays {

    public static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /**
     * Floats in the same shape, twice D's lanes: every float vector of the engine takes this one
     * shape, conversions included. Float operations on a second shape share the JDK's call sites
     * with these, and C2 then boxed the lanes of both (the matrix tiles ran 25 times slower).
     */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** F's upper half: the lanes a conversion of D's lanes to part -1 fills. */
    private static final VectorMask<Float> UPPER = F.indexInRange(-D.length(), D.length());

    private VectorDoubleArrays() {
    }

    /** Two vectors of doubles rounded to floats in one F vector, lo's lanes first (the cast's rounding). */
    static FloatVector narrow(DoubleVector lo, DoubleVector hi) {
        return ((FloatVector) lo.convertShape(VectorOperators.D2F, F, 0))
                .blend((FloatVector) hi.convertShape(VectorOperators.D2F, F, -1), UPPER);
    }

    /** Half {@code part} (0: lanes [0, D), 1: the rest) of an F vector widened to doubles, exactly. */
    static DoubleVector widen(FloatVector x, int part) {
        return (DoubleVector) x.convertShape(VectorOperators.F2D, D, part);
    }

    /** Narrows [0, bound) and returns bound. */
    static int narrow(double[] from, float[] to, int n) {
        return narrow(from, to, 0, n);
    }

    /** Narrows [start, bound), bound ≤ end the last whole F vector from start, and returns bound. */
    public static int narrow(double[] from, float[] to, int start, int end) {
        int bound = start + F.loopBound(end - start);
        for (int i = start; i < bound; i += F.length()) {
            DoubleVector lo = DoubleVector.fromArray(D, from, i);
            narrow(lo, DoubleVector.fromArray(D, from, i + D.length())).intoArray(to, i);
        }
        return bound;
    }

    /** Adds [0, bound) and returns bound; widening a float to a double is exact, as the cast is. */
    static int addWidened(float[] from, double[] to, int offset, int n) {
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, from, i);
            int at = offset + i;
            DoubleVector.fromArray(D, to, at).add(widen(x, 0)).intoArray(to, at);
            DoubleVector.fromArray(D, to, at + D.length()).add(widen(x, 1)).intoArray(to, at + D.length());
        }
        return bound;
    }

    /**
     * The bound of the prefix it checked, or -1 when a value there is NaN or infinite: x·0 is
     * ±0 for a finite x and NaN otherwise, so the lanes' sum of them is 0 exactly when all are finite.
     */
    static int finitePrefix(double[] values) {
        int bound = D.loopBound(values.length);
        DoubleVector zeros = DoubleVector.zero(D);
        for (int i = 0; i < bound; i += D.length()) {
            zeros = zeros.add(DoubleVector.fromArray(D, values, i).mul(0.0));
        }
        return zeros.reduceLanes(VectorOperators.ADD) == 0 ? bound : -1;
    }
}
