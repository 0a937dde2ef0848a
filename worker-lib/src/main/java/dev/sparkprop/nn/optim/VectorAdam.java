package dev.sparkprop.nn.optim;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam's update ({@link Optimizers}' adamStep) as SIMD lanes: the same operations in the same
 * order on each lane, all of which IEEE 754 rounds exactly (mul, add, sub, div, sqrt), so the
 * bits are the scalar loop's. The JIT does not vectorize that loop itself: m and v share the
 * state array at offsets it cannot prove apart. Loaded only when
 * {@link dev.sparkprop.nn.VectorSupport#AVAILABLE}.
 */
final class VectorAdam {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    private VectorAdam() {
    }

    /**
     * Steps parameters [0, bound) for the largest bound ≤ w.length that is a multiple of the
     * lane count, and returns bound; the caller steps the rest.
     */
    static int step(double[] w, double[] g, double[] state, double beta1, double keep1, double beta2,
                    double keep2, double stepSize, double sqrtCorrection2, double eps) {
        int n = w.length;
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector gi = DoubleVector.fromArray(S, g, i);
            DoubleVector m = DoubleVector.fromArray(S, state, i).mul(beta1).add(gi.mul(keep1));
            DoubleVector v = DoubleVector.fromArray(S, state, n + i).mul(beta2).add(gi.mul(keep2).mul(gi));
            m.intoArray(state, i);
            v.intoArray(state, n + i);
            DoubleVector.fromArray(S, w, i).sub(m.mul(stepSize).div(v.sqrt().div(sqrtCorrection2).add(eps)))
                    .intoArray(w, i);
        }
        return bound;
    }
}
