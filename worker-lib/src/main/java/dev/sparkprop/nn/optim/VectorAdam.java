package dev.sparkprop.nn.optim;

import dev.sparkprop.nn.VectorDoubleArrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam's update ({@link Optimizers.AdamStep#updated}) as SIMD lanes: the same operations in the
 * same order on each lane, all of which IEEE 754 rounds exactly (mul, add, sub, div, sqrt; abs,
 * compare and blend for the flush of subnormal state), so the bits are the scalar loop's. The
 * JIT does not vectorize that loop itself: m and v share the state array at offsets it cannot
 * prove apart. Loaded only when {@link dev.sparkprop.nn.VectorSupport#AVAILABLE}.
 */
final class VectorAdam {

    private static final VectorSpecies<Double> S = VectorDoubleArrays.D;

    private VectorAdam() {
    }

    /**
     * Steps parameters [0, bound) for the largest bound ≤ w.length that is a multiple of the
     * lane count, and returns bound; the caller steps the rest.
     */
    static int step(double[] w, double[] g, double[] state, Optimizers.AdamStep c) {
        int n = w.length;
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector gi = DoubleVector.fromArray(S, g, i);
            DoubleVector m = flushSubnormal(DoubleVector.fromArray(S, state, i).mul(c.beta1()).add(gi.mul(c.keep1())));
            DoubleVector v = flushSubnormal(
                    DoubleVector.fromArray(S, state, n + i).mul(c.beta2()).add(gi.mul(c.keep2()).mul(gi)));
            m.intoArray(state, i);
            v.intoArray(state, n + i);
            DoubleVector.fromArray(S, w, i).sub(m.mul(c.stepSize()).div(v.sqrt().add(c.scaledEps())))
                    .intoArray(w, i);
        }
        return bound;
    }

    /**
     * {@link Optimizers.AdamStep#onMean} over [from, bound), bound the end of the whole lanes in
     * [from, to): returns bound, or -1 when a g or a new w there was NaN or infinite (the check
     * of {@link VectorDoubleArrays}' finitePrefix, a sum of x·0, on the values in registers).
     */
    static int stepOnMean(double[] w, double[] sum, double inv, double keep, double[] state, int from, int to,
                          Optimizers.AdamStep c, float[] w32) {
        int n = w.length;
        int bound = from + S.loopBound(to - from);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector checks = zero;
        for (int i = from; i < bound; i += S.length()) {
            DoubleVector gi = DoubleVector.fromArray(S, sum, i).mul(inv);
            DoubleVector m = flushSubnormal(DoubleVector.fromArray(S, state, i).mul(c.beta1()).add(gi.mul(c.keep1())));
            DoubleVector v = flushSubnormal(
                    DoubleVector.fromArray(S, state, n + i).mul(c.beta2()).add(gi.mul(c.keep2()).mul(gi)));
            m.intoArray(state, i);
            v.intoArray(state, n + i);
            DoubleVector wi = DoubleVector.fromArray(S, w, i).mul(keep)
                    .sub(m.mul(c.stepSize()).div(v.sqrt().add(c.scaledEps())));
            wi.intoArray(w, i);
            checks = checks.add(gi.mul(0.0)).add(wi.mul(0.0));
            zero.intoArray(sum, i);
        }
        if (checks.reduceLanes(VectorOperators.ADD) != 0) {
            return -1;
        }
        if (w32 != null) {
            // after the loop, in pairs of D vectors: a float vector of D's lanes would be a second float shape
            int narrowed = VectorDoubleArrays.narrow(w, w32, from, bound);
            for (int i = narrowed; i < bound; i++) {
                w32[i] = (float) w[i];
            }
        }
        return bound;
    }

    /** {@link Optimizers#flushSubnormal} on each lane; small enough for the JIT to inline, so no vector is boxed. */
    private static DoubleVector flushSubnormal(DoubleVector x) {
        return x.blend(0.0, x.abs().compare(VectorOperators.LT, Double.MIN_NORMAL));
    }
}
