package dev.sparkprop.nn;

import static dev.sparkprop.nn.FloatFormulas.A11;
import static dev.sparkprop.nn.FloatFormulas.A13;
import static dev.sparkprop.nn.FloatFormulas.A15;
import static dev.sparkprop.nn.FloatFormulas.A3;
import static dev.sparkprop.nn.FloatFormulas.A5;
import static dev.sparkprop.nn.FloatFormulas.A7;
import static dev.sparkprop.nn.FloatFormulas.A9;
import static dev.sparkprop.nn.FloatFormulas.C2;
import static dev.sparkprop.nn.FloatFormulas.C3;
import static dev.sparkprop.nn.FloatFormulas.C4;
import static dev.sparkprop.nn.FloatFormulas.C5;
import static dev.sparkprop.nn.FloatFormulas.C6;
import static dev.sparkprop.nn.FloatFormulas.EXPM1_MIN;
import static dev.sparkprop.nn.FloatFormulas.EXPM1_BIAS;
import static dev.sparkprop.nn.FloatFormulas.EXP_BIAS;
import static dev.sparkprop.nn.FloatFormulas.EXP_MIN;
import static dev.sparkprop.nn.FloatFormulas.LN2_HI;
import static dev.sparkprop.nn.FloatFormulas.LN2_LO;
import static dev.sparkprop.nn.FloatFormulas.LOG2E;
import static dev.sparkprop.nn.FloatFormulas.ROUNDER;
import static dev.sparkprop.nn.FloatFormulas.TWO_TO_MINUS_32;

import jdk.incubator.vector.FloatVector;
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
 * <p>No method here takes or returns a vector: the JIT boxes a vector that crosses a call it did
 * not inline (it stops inlining methods of ours once a compilation grows large, and these loops
 * may be inlined into large ones), which costs more than the math. So the formulas with e^x or
 * e^x - 1 share one loop, {@link #fused}, the one copy of the reduction and polynomial, which takes
 * and stores arrays: per vector the argument, e^x or e^x - 1 and the activation stay in registers,
 * one load and one store (as three passes through a scratch array, elu took a quarter more time,
 * sigmoid and tanh about the same), and a loop-invariant branch picks the activation, each branch
 * storing its own result. Softplus' value, the longest chain (e^x, a division, the atanh series),
 * runs as two passes over chunks of {@value #CHUNK} values in L1 cache instead. The tail, shorter
 * than one vector, runs {@link FloatFormulas}' scalar formula. Only {@link FloatElementwise#of}
 * and {@link FloatSoftmax} (its e^x) touch this class, after checking that the module is present.
 */
final class VectorActivations {

    /** Values of a chunk of softplus' two passes (in L1 cache); a multiple of any lane count. */
    private static final int CHUNK = 512;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector MINUS_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector MINUS_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f);
    private static final FloatVector ZERO = FloatVector.zero(S);
    private static final FloatVector A11_V = FloatVector.broadcast(S, A11);
    private static final FloatVector A13_V = FloatVector.broadcast(S, A13);
    private static final FloatVector A15_V = FloatVector.broadcast(S, A15);
    private static final FloatVector A3_V = FloatVector.broadcast(S, A3);
    private static final FloatVector A5_V = FloatVector.broadcast(S, A5);
    private static final FloatVector A7_V = FloatVector.broadcast(S, A7);
    private static final FloatVector A9_V = FloatVector.broadcast(S, A9);
    private static final FloatVector C2_V = FloatVector.broadcast(S, C2);
    private static final FloatVector C3_V = FloatVector.broadcast(S, C3);
    private static final FloatVector C4_V = FloatVector.broadcast(S, C4);
    private static final FloatVector C5_V = FloatVector.broadcast(S, C5);
    private static final FloatVector C6_V = FloatVector.broadcast(S, C6);
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
                    for (int i = 0; i < bound; i += L) {
                        FloatVector zi = FloatVector.fromArray(S, z, i);
                        ZERO.blend(zi, zi.compare(VectorOperators.GT, 0f)).intoArray(a, i);
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
                        FloatVector zi = FloatVector.fromArray(S, z, i);
                        zi.mul(p).blend(zi, zi.compare(VectorOperators.GT, 0f)).intoArray(a, i);
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
                    fused(Pass.SIGMOID, z, a, 0f, 0, bound);
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        FloatVector ai = FloatVector.fromArray(S, a, i);
                        FloatVector.fromArray(S, g, i).mul(ai.fma(ai.neg(), ai)).intoArray(g, i);
                    }
                }
            };
            case TANH -> new Kernel(formula) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    fused(Pass.TANH, z, a, 0f, 0, bound);
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        FloatVector ai = FloatVector.fromArray(S, a, i);
                        FloatVector.fromArray(S, g, i).mul(ai.fma(ai.neg(), ONE)).intoArray(g, i);
                    }
                }
            };
            case ELU -> new Kernel(formula) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    fused(Pass.ELU, z, a, p, 0, bound);
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    for (int i = 0; i < bound; i += L) {
                        FloatVector gi = FloatVector.fromArray(S, g, i);
                        FloatVector zi = FloatVector.fromArray(S, z, i);
                        gi.mul(FloatVector.fromArray(S, a, i).add(p)).blend(gi, zi.compare(VectorOperators.GT, 0f))
                                .intoArray(g, i);
                    }
                }
            };
            case SOFTPLUS -> new Kernel(formula) {
                @Override
                void applyLanes(float[] z, float[] a, int bound) {
                    for (int from = 0; from < bound; from += CHUNK) {
                        int to = Math.min(from + CHUNK, bound);
                        fused(Pass.EXP_OF_MINUS_ABS, z, a, 0f, from, to);
                        softplusOfExp(z, a, from, to);
                    }
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    fused(Pass.SOFTPLUS_DERIVATIVE, a, g, 0f, 0, bound);
                }
            };
            case OTHER -> null;
        };
    }

    /** g := (z > 0 ? 1 : slope) g, as the scalar loop's g *= f' (so 0 · inf is NaN there too). */
    private static void leakyJacobian(float[] z, float[] g, int bound, float slope) {
        for (int i = 0; i < bound; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector zi = FloatVector.fromArray(S, z, i);
            gi.mul(slope).blend(gi, zi.compare(VectorOperators.GT, 0f)).intoArray(g, i);
        }
    }

    /** x := {@link FloatFormulas#exp}(x) over [0, n), for the float32 softmax. */
    static void exp(float[] x, int n) {
        int bound = S.loopBound(n);
        fused(Pass.EXP, x, x, 0f, 0, bound);
        for (int i = bound; i < n; i++) {
            x[i] = FloatFormulas.exp(x[i]);
        }
    }

    /**
     * a[i] := {@link FloatFormulas#softplus}(z[i]) over [from, to), given a[i] = e^-|z[i]|: softplus'
     * second pass (its dependency chain, e^x, a division and the atanh series, ran faster split).
     */
    private static void softplusOfExp(float[] z, float[] a, int from, int to) {
        for (int i = from; i < to; i += L) {
            FloatVector e = FloatVector.fromArray(S, a, i);
            FloatVector zi = FloatVector.fromArray(S, z, i);
            // log(1 + e) = 2 atanh(u), u = e / (2 + e), as FloatFormulas.softplus (its s)
            FloatVector u = e.div(e.add(TWO));
            FloatVector twoU = u.add(u);
            FloatVector w = u.mul(u);
            FloatVector atanh = A15_V.fma(w, A13_V).fma(w, A11_V).fma(w, A9_V).fma(w, A7_V).fma(w, A5_V)
                    .fma(w, A3_V);
            FloatVector positivePart = ZERO.blend(zi, zi.compare(VectorOperators.GT, 0f));
            positivePart.add(twoU.mul(w).fma(atanh, twoU)).intoArray(a, i);
        }
    }

    /** What a {@link #fused} loop computes from e^x or e^x - 1. */
    private enum Pass {
        /** a = sigmoid(z) from e^-|z|. */
        SIGMOID(false, 1f),
        /** a = tanh(z) from e^-2|z| - 1. */
        TANH(true, 2f),
        /** a = elu(z) from e^-|z| - 1, which is e^z - 1 for z ≤ 0 (z > 0 leaves it unused). */
        ELU(true, 1f),
        /** a = e^-|z|, from which {@link #softplusOfExp} makes softplus(z). */
        EXP_OF_MINUS_ABS(false, 1f),
        /** g := sigmoid(z) g = -(e^-a - 1) g, from softplus' a ≥ 0. */
        SOFTPLUS_DERIVATIVE(true, 1f),
        /** x := e^x for the softmax's x ≤ 0. */
        EXP(false, 1f);

        final boolean minusOne;
        /** The argument of e^x or e^x - 1 is x = -k|in| (in itself for EXP); k · is exact. */
        final float k;

        Pass(boolean minusOne, float k) {
            this.minusOne = minusOne;
            this.k = k;
        }
    }

    /**
     * One pass over [from, to): per vector, e^x ({@link FloatFormulas#exp}) or e^x - 1
     * ({@link FloatFormulas#expm1}) of x = -k|in| (in itself for the softmax), then the pass's
     * activation from it into out. The pass's choices are loop-invariant constants and one branch
     * per pass; no vector is merged from two branches (that could box it).
     */
    private static void fused(Pass pass, float[] in, float[] out, float p, int from, int to) {
        boolean minusOne = pass.minusOne;
        float min = minusOne ? EXPM1_MIN : EXP_MIN;
        int bias = minusOne ? EXPM1_BIAS : EXP_BIAS;
        // e = (s (1 + q) - c) scale: c = 1 for e^x - 1, scale = 2^-32 for e^x (- 0 and 1 · are exact).
        float c = minusOne ? 1f : 0f;
        float scale = minusOne ? 1f : TWO_TO_MINUS_32;
        int signBit = pass == Pass.EXP ? 0 : 0x80000000;
        float k = pass.k;
        for (int i = from; i < to; i += L) {
            FloatVector y = FloatVector.fromArray(S, in, i);
            FloatVector x = y.reinterpretAsInts().or(signBit).reinterpretAsFloats().mul(k);
            x = x.blend(min, x.compare(VectorOperators.LT, min));
            FloatVector t = x.fma(LOG2E_V, ROUNDER_V);
            FloatVector n = t.sub(ROUNDER);
            FloatVector r = n.fma(MINUS_LN2_LO, n.fma(MINUS_LN2_HI, x));
            // e^r - 1 in Estrin's scheme, as FloatFormulas.expm1Polynomial
            FloatVector r2 = r.mul(r);
            FloatVector low = C3_V.fma(r, C2_V);
            FloatVector high = C6_V.fma(r2, C5_V.fma(r, C4_V));
            FloatVector q = high.fma(r2, low).fma(r2, r);
            FloatVector s = t.reinterpretAsInts().add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = s.fma(q, s.sub(c)).mul(scale);
            // Each branch stores its result: a vector merged from two branches could be boxed.
            switch (pass) {
                case SIGMOID -> ONE.blend(e, y.compare(VectorOperators.LT, 0f)).div(e.add(ONE)).intoArray(out, i);
                // |m| / (2 + m) with z's sign bit, m = e
                case TANH -> e.abs().div(e.add(TWO)).reinterpretAsInts().or(y.reinterpretAsInts().and(0x80000000))
                        .reinterpretAsFloats().intoArray(out, i);
                case ELU -> e.mul(p).blend(y, y.compare(VectorOperators.GT, 0f)).intoArray(out, i);
                case SOFTPLUS_DERIVATIVE -> FloatVector.fromArray(S, out, i).mul(e.neg()).intoArray(out, i);
                case EXP, EXP_OF_MINUS_ABS -> e.intoArray(out, i);
            }
        }
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
