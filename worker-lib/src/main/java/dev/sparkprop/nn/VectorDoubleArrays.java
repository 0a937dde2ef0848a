package dev.sparkprop.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DoubleArrays}' loops as SIMD lanes, over the largest prefix that is a multiple of the
 * lane count; the caller runs the rest. Loaded only when {@link VectorSupport#AVAILABLE}. Public for
 * its species, which every SIMD loop over doubles (and their float32 roundings) shares.
 */
public final class VectorDoubleArrays {

    public static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** As many float lanes as D has double lanes, in half the bits. */
    public static final VectorSpecies<Float> F = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.vectorBitSize() / 2));

    private VectorDoubleArrays() {
    }

    /** Narrows [0, bound) and returns bound. The lane conversion rounds to nearest, as the cast does. */
    static int narrow(double[] from, float[] to, int n) {
        int bound = D.loopBound(n);
        for (int i = 0; i < bound; i += D.length()) {
            ((FloatVector) DoubleVector.fromArray(D, from, i).convertShape(VectorOperators.D2F, F, 0)).intoArray(to, i);
        }
        return bound;
    }

    /** Adds [0, bound) and returns bound; widening a float to a double is exact, as the cast is. */
    static int addWidened(float[] from, double[] to, int offset, int n) {
        int bound = D.loopBound(n);
        for (int i = 0; i < bound; i += D.length()) {
            DoubleVector widened = (DoubleVector) FloatVector.fromArray(F, from, i)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector.fromArray(D, to, offset + i).add(widened).intoArray(to, offset + i);
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
