package dev.sparkprop.nn;

import static dev.sparkprop.nn.FloatFormulas.A11;
import static dev.sparkprop.nn.FloatFormulas.A13;
import static dev.sparkprop.nn.FloatFormulas.A15;
import static dev.sparkprop.nn.FloatFormulas.A3;
import static dev.sparkprop.nn.FloatFormulas.A5;
import static dev.sparkprop.nn.FloatFormulas.A7;
import static dev.sparkprop.nn.FloatFormulas.A9;
import static dev.sparkprop.nn.FloatFormulas.E2;
import static dev.sparkprop.nn.FloatFormulas.E3;
import static dev.sparkprop.nn.FloatFormulas.E4;
import static dev.sparkprop.nn.FloatFormulas.E5;
import static dev.sparkprop.nn.FloatFormulas.E6;
import static dev.sparkprop.nn.FloatFormulas.E7;
import static dev.sparkprop.nn.FloatFormulas.E8;
import static dev.sparkprop.nn.FloatFormulas.EXPM1_MIN;
import static dev.sparkprop.nn.FloatFormulas.EXP_MIN;
import static dev.sparkprop.nn.FloatFormulas.LN2_HI;
import static dev.sparkprop.nn.FloatFormulas.LN2_LO;
import static dev.sparkprop.nn.FloatFormulas.LOG2E;
import static dev.sparkprop.nn.FloatFormulas.ROUNDER;
import static dev.sparkprop.nn.FloatFormulas.ROUNDER_BITS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD float32 kernels of the built-in elementwise activations with jdk.incubator.vector. They
 * run {@link FloatFormulas}' operations in the same order lane by lane, and use only lanewise
 * operations IEEE 754 rounds exactly (add, mul, div, fma, abs, comparisons, blends, integer and
 * bit reinterpretations), never the vector math library's exp, tanh, expm1 or log1p: those give
 * other bits once the JIT has compiled them (SVML) than before (the scalar fallback), and a run
 * would not repeat itself bit for bit. So SIMD, the scalar loops and both JIT states agree.
 *
 * <p>Only {@link FloatElementwise#of} touches this class, after checking that the module is
 * present. Each activation has its own loops so that the JIT compiles every loop for one formula
 * (a loop shared through a virtual call would box each vector once several activations run in
 * one JVM); the tail, shorter than one vector, runs {@link FloatFormulas}' scalar formula.
 */
final class VectorActivations {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector MINUS_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector MINUS_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector A11_V = FloatVector.broadcast(S, A11);
    private static final FloatVector A13_V = FloatVector.broadcast(S, A13);
    private static final FloatVector A15_V = FloatVector.broadcast(S, A15);
    private static final FloatVector A3_V = FloatVector.broadcast(S, A3);
    private static final FloatVector A5_V = FloatVector.broadcast(S, A5);
    private static final FloatVector A7_V = FloatVector.broadcast(S, A7);
    private static final FloatVector A9_V = FloatVector.broadcast(S, A9);
    private static final FloatVector E2_V = FloatVector.broadcast(S, E2);
    private static final FloatVector E3_V = FloatVector.broadcast(S, E3);
    private static final FloatVector E4_V = FloatVector.broadcast(S, E4);
    private static final FloatVector E5_V = FloatVector.broadcast(S, E5);
    private static final FloatVector E6_V = FloatVector.broadcast(S, E6);
    private static final FloatVector E7_V = FloatVector.broadcast(S, E7);
    private static final FloatVector E8_V = FloatVector.broadcast(S, E8);
    private static final FloatVector LOG2E_V = FloatVector.broadcast(S, LOG2E);
    private static final FloatVector ROUNDER_V = FloatVector.broadcast(S, ROUNDER);

    private VectorActivations() {
    }

    static String description() {
        return "SIMD (jdk.incubator.vector, " + L + " float lanes)";
    }

    /** The kernel for a built-in activation, or null for one of your own. */
    static FloatElementwise of(ElementwiseActivation f) {
        FloatFormulas.Formula formula = FloatFormulas.of(f);
        float p = (float) f.parameter();
        return switch (f.form()) {
            case IDENTITY -> new Kernel(formula) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    System.arraycopy(z, 0, a, 0, bound);
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    // f' = 1: g stays as it is.
                }
            };
            case RELU -> new Kernel(formula) {
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
            case LEAKY_RELU -> new Kernel(formula) {
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
            case SIGMOID -> new Kernel(formula) {
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
                        load(g, i).mul(ai.fma(ai.neg(), ai)).intoArray(g, i);
                    }
                }
            };
            case TANH -> new Kernel(formula) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        tanh(load(z, i)).intoArray(a, i);
                    }
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    FloatVector one = FloatVector.broadcast(S, 1f);
                    for (int i = 0; i < bound; i += L) {
                        FloatVector ai = load(a, i);
                        load(g, i).mul(ai.fma(ai.neg(), one)).intoArray(g, i);
                    }
                }
            };
            case ELU -> new Kernel(formula) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    FloatVector zero = FloatVector.zero(S);
                    for (int i = 0; i < bound; i += L) {
                        FloatVector zi = load(z, i);
                        VectorMask<Float> positive = positive(zi);
                        // e^z - 1 of the other lanes only, as the scalar formula computes it (NaN included).
                        expm1(zi.blend(zero, positive)).mul(p).blend(zi, positive).intoArray(a, i);
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
            case SOFTPLUS -> new Kernel(formula) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    // Two loops, e^-|z| first, each in its own method: one loop with both would
                    // outgrow what the JIT inlines into one compilation, and box its vectors.
                    expOfMinusAbs(z, a, bound);
                    softplusOfExp(z, a, bound);
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

    /** a = e^-|z| over [0, bound). */
    private static void expOfMinusAbs(float[] z, float[] a, int bound) {
        for (int i = 0; i < bound; i += L) {
            exp(load(z, i).abs().neg()).intoArray(a, i);
        }
    }

    /** a := softplus(z) over [0, bound), given a = e^-|z|. */
    private static void softplusOfExp(float[] z, float[] a, int bound) {
        for (int i = 0; i < bound; i += L) {
            softplus(load(z, i), load(a, i)).intoArray(a, i);
        }
    }

    /** g := (z > 0 ? 1 : slope) g, as the scalar loop's g *= f' (so 0 · inf is NaN there too). */
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

    /** {@link FloatFormulas#sigmoid}. */
    private static FloatVector sigmoid(FloatVector z) {
        FloatVector e = exp(z.abs().neg());
        FloatVector d = e.add(1f);
        return ONE.blend(e, z.compare(VectorOperators.LT, 0f)).div(d);
    }

    /** {@link FloatFormulas#tanh}. */
    private static FloatVector tanh(FloatVector z) {
        FloatVector m = expm1(z.abs().mul(-2f));
        FloatVector t = m.abs().div(m.add(2f));
        IntVector sign = z.reinterpretAsInts().and(0x80000000);
        return t.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** {@link FloatFormulas#softplus}, given e = e^-|z|. */
    private static FloatVector softplus(FloatVector z, FloatVector e) {
        FloatVector s = e.div(e.add(2f));
        FloatVector twoS = s.add(s);
        FloatVector w = s.mul(s);
        FloatVector atanh = A15_V.fma(w, A13_V).fma(w, A11_V).fma(w, A9_V).fma(w, A7_V).fma(w, A5_V).fma(w, A3_V);
        FloatVector positivePart = FloatVector.zero(S).blend(z, positive(z));
        return positivePart.add(twoS.mul(w).fma(atanh, twoS));
    }

    /** {@link FloatFormulas#exp}. */
    private static FloatVector exp(FloatVector x) {
        x = x.blend(EXP_MIN, x.compare(VectorOperators.LT, EXP_MIN));
        FloatVector t = x.fma(LOG2E_V, ROUNDER_V);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(MINUS_LN2_LO, n.fma(MINUS_LN2_HI, x));
        FloatVector q = expm1Taylor(r);
        IntVector k = t.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector s = pow2(half);
        return s.fma(q, s).mul(pow2(k.sub(half)));
    }

    /** {@link FloatFormulas#expm1}. */
    private static FloatVector expm1(FloatVector x) {
        x = x.blend(EXPM1_MIN, x.compare(VectorOperators.LT, EXPM1_MIN));
        FloatVector t = x.fma(LOG2E_V, ROUNDER_V);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(MINUS_LN2_LO, n.fma(MINUS_LN2_HI, x));
        FloatVector q = expm1Taylor(r);
        FloatVector s = pow2(t.reinterpretAsInts().sub(ROUNDER_BITS));
        return s.fma(q, s.sub(1f));
    }

    /** {@link FloatFormulas#expm1Taylor}. */
    private static FloatVector expm1Taylor(FloatVector r) {
        FloatVector p = E8_V.fma(r, E7_V).fma(r, E6_V).fma(r, E5_V)
                .fma(r, E4_V).fma(r, E3_V).fma(r, E2_V);
        return p.fma(r.mul(r), r);
    }

    private static FloatVector pow2(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** The whole-vector part runs in the subclass; the tail of n mod L values in the scalar formula here. */
    private abstract static class Kernel implements FloatElementwise {
        private final FloatFormulas.Formula formula;

        Kernel(FloatFormulas.Formula formula) {
            this.formula = formula;
        }

        /** a = f(z) over [0, bound), bound a multiple of the lane count. */
        abstract void applyLanes(float[] z, float[] a, int bound);

        /** g := f'(z) ⊙ g over [0, bound). */
        abstract void jacobianLanes(float[] z, float[] a, float[] g, int bound);

        @Override
        public final void apply(float[] z, float[] a, int n) {
            int bound = S.loopBound(n);
            applyLanes(z, a, bound);
            FloatFormulas.applyRange(formula, z, a, bound, n);
        }

        @Override
        public final void jacobianTransposeTimes(float[] z, float[] a, float[] g, int n) {
            int bound = S.loopBound(n);
            jacobianLanes(z, a, g, bound);
            FloatFormulas.jacobianRange(formula, z, a, g, bound, n);
        }
    }
}
