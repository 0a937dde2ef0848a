package dev.sparkprop.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD float32 kernels of the piecewise-linear elementwise activations (identity, relu,
 * leaky_relu) with jdk.incubator.vector: only comparisons, multiplications and blends, which
 * give the same bits compiled or not. Only {@link FloatElementwise#of} touches this class, after
 * checking that the module is present. Each activation has its own loops so that the JIT compiles every loop for one
 * formula (a loop shared through a virtual call would box each vector once several
 * activations run in one JVM); the tail, shorter than one vector, runs the double formula.
 */
final class VectorActivations {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorActivations() {
    }

    static String description() {
        return "SIMD (jdk.incubator.vector, " + L + " float lanes) for identity, relu and leaky_relu; scalar for the"
                + " others";
    }

    /** The kernel for a built-in activation, or null for one this class does not know. */
    static FloatElementwise of(ElementwiseActivation f) {
        float p = (float) f.parameter();
        return switch (f.form()) {
            case IDENTITY -> new Kernel(f) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    System.arraycopy(z, 0, a, 0, bound);
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    // f' = 1: g stays as it is.
                }
            };
            case RELU -> new Kernel(f) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    FloatVector zero = FloatVector.zero(S);
                    for (int i = 0; i < bound; i += L) {
                        FloatVector zi = load(z, i);
                        zero.blend(zi, positive(zi)).intoArray(a, i);
                    }
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    leakyJacobian(z, g, bound, 0f);
                }
            };
            case LEAKY_RELU -> new Kernel(f) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        FloatVector zi = load(z, i);
                        zi.mul(p).blend(zi, positive(zi)).intoArray(a, i);
                    }
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    leakyJacobian(z, g, bound, p);
                }
            };
            // exp, tanh, expm1 and log1p from the vector math library give other bits once the JIT
            // has compiled them than before (SVML against the scalar fallback), so a run would not
            // repeat itself bit for bit: those activations take the scalar loops.
            case SIGMOID, TANH, ELU, SOFTPLUS, OTHER -> null;
        };
    }

    /** g := (z > 0 ? 1 : slope) g, as g *= f' does in double (so 0 · inf is NaN there too). */
    private static void leakyJacobian(float[] z, float[] g, int bound, float slope) {
        for (int i = 0; i < bound; i += L) {
            FloatVector gi = load(g, i);
            gi.mul(slope).blend(gi, positive(load(z, i))).intoArray(g, i);
        }
    }

    private static FloatVector load(float[] values, int i) {
        return FloatVector.fromArray(S, values, i);
    }

    private static VectorMask<Float> positive(FloatVector z) {
        return z.compare(VectorOperators.GT, 0f);
    }

    /** The whole-vector part runs in the subclass; the tail of n mod L values in double here. */
    private abstract static class Kernel implements FloatElementwise {
        private final ElementwiseActivation f;

        Kernel(ElementwiseActivation f) {
            this.f = f;
        }

        /** a = f(z) over [0, bound), bound a multiple of the lane count. */
        abstract void applyLanes(float[] z, float[] a, int bound);

        /** g := f'(z) ⊙ g over [0, bound). */
        abstract void jacobianLanes(float[] z, float[] a, float[] g, int bound);

        @Override
        public final void apply(float[] z, float[] a, int n) {
            int bound = S.loopBound(n);
            applyLanes(z, a, bound);
            for (int i = bound; i < n; i++) {
                a[i] = (float) f.value(z[i]);
            }
        }

        @Override
        public final void jacobianTransposeTimes(float[] z, float[] a, float[] g, int n) {
            int bound = S.loopBound(n);
            jacobianLanes(z, a, g, bound);
            for (int i = bound; i < n; i++) {
                g[i] *= (float) f.derivative(z[i], a[i]);
            }
        }
    }
}
