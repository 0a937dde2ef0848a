package dev.sparkprop.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD float32 kernels of the built-in elementwise activations (jdk.incubator.vector). The JIT
 * maps exp, expm1, log1p and tanh onto the JDK's vector math library: about 30x the scalar
 * loop's speed here, within a few float ulps of the double formula (VectorActivationsTest).
 * Only {@link FloatElementwise#of} touches this class, after checking that the module is
 * present. Each activation has its own loops so that the JIT compiles every loop for one
 * formula (a loop shared through a virtual call would box each vector once several
 * activations run in one JVM); the tail, shorter than one vector, runs the double formula.
 */
final class VectorActivations {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorActivations() {
    }

    static String description() {
        return "SIMD (jdk.incubator.vector, " + L + " float lanes)";
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
            case SIGMOID -> new Kernel(f) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        sigmoid(load(z, i)).intoArray(a, i);
                    }
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        FloatVector ai = load(a, i);
                        load(g, i).mul(ai.mul(ai.neg().add(1f))).intoArray(g, i);
                    }
                }
            };
            case TANH -> new Kernel(f) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        load(z, i).lanewise(VectorOperators.TANH).intoArray(a, i);
                    }
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        // (1 - a)(1 + a) rather than 1 - a²: for |a| near 1, a² rounded to float cancels.
                        FloatVector ai = load(a, i);
                        load(g, i).mul(ai.neg().add(1f).mul(ai.add(1f))).intoArray(g, i);
                    }
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
            case ELU -> new Kernel(f) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        FloatVector zi = load(z, i);
                        zi.lanewise(VectorOperators.EXPM1).mul(p).blend(zi, positive(zi)).intoArray(a, i);
                    }
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        FloatVector gi = load(g, i);
                        gi.mul(load(a, i).add(p)).blend(gi, positive(load(z, i))).intoArray(g, i);
                    }
                }
            };
            case SOFTPLUS -> new Kernel(f) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        // max(z, 0) + log1p(e^-|z|): no overflow for large z, no cancellation for very negative z.
                        FloatVector zi = load(z, i);
                        zi.lanewise(VectorOperators.ABS).neg().lanewise(VectorOperators.EXP)
                                .lanewise(VectorOperators.LOG1P).add(zi.max(0f)).intoArray(a, i);
                    }
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        load(g, i).mul(sigmoid(load(z, i))).intoArray(g, i);
                    }
                }
            };
            case OTHER -> null;
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

    /** 1 / (1 + e^-z): e^-z overflows to +inf for z below about -88, giving the right limit 0. */
    private static FloatVector sigmoid(FloatVector z) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(z.neg().lanewise(VectorOperators.EXP).add(one));
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
