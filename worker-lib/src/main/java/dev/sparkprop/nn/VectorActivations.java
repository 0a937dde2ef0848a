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

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * may be inlined into large ones), which costs more than the math. So each loop is whole in its
 * method, and the formulas with e^x or e^x - 1 run as passes over chunks of {@value #CHUNK}
 * values (kept in L1 cache): the argument into a scratch array, e^x or e^x - 1 in place (one loop
 * each, shared), then the activation from it. The tail, shorter than one vector, runs
 * {@link FloatFormulas}' scalar formula. Only {@link FloatElementwise#of} touches this class,
 * after checking that the module is present.
 */
final class VectorActivations {

    /** Values a chunk of the passes; a multiple of any lane count. */
    static final int CHUNK = 512;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The float/double conversion species, VectorDoubleArrays' (doubles in the preferred shape, floats as many). */
    private static final VectorSpecies<Double> D = VectorDoubleArrays.D;
    private static final VectorSpecies<Float> F_D = VectorDoubleArrays.F;
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
                    for (int from = 0; from < bound; from += CHUNK) {
                        int count = Math.min(CHUNK, bound - from);
                        negativeAbs(z, from, scratch, count);
                        expInPlace(scratch, count, false);
                        sigmoidOfExp(z, from, scratch, a, count);
                    }
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
                    for (int from = 0; from < bound; from += CHUNK) {
                        int count = Math.min(CHUNK, bound - from);
                        for (int j = 0; j < count; j += L) {
                            FloatVector.fromArray(S, z, from + j).abs().mul(-2f).intoArray(scratch, j);
                        }
                        expInPlace(scratch, count, true);
                        for (int j = 0; j < count; j += L) {
                            // |m| / (2 + m) with z's sign bit.
                            FloatVector m = FloatVector.fromArray(S, scratch, j);
                            IntVector sign = FloatVector.fromArray(S, z, from + j).reinterpretAsInts().and(0x80000000);
                            m.abs().div(m.add(TWO)).reinterpretAsInts().or(sign).reinterpretAsFloats()
                                    .intoArray(a, from + j);
                        }
                    }
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
                    for (int from = 0; from < bound; from += CHUNK) {
                        int count = Math.min(CHUNK, bound - from);
                        // e^z - 1 of the lanes z > 0 does not take, as the scalar formula (NaN included).
                        for (int j = 0; j < count; j += L) {
                            FloatVector zj = FloatVector.fromArray(S, z, from + j);
                            zj.blend(ZERO, zj.compare(VectorOperators.GT, 0f)).intoArray(scratch, j);
                        }
                        expInPlace(scratch, count, true);
                        for (int j = 0; j < count; j += L) {
                            FloatVector zj = FloatVector.fromArray(S, z, from + j);
                            FloatVector.fromArray(S, scratch, j).mul(p).blend(zj, zj.compare(VectorOperators.GT, 0f))
                                    .intoArray(a, from + j);
                        }
                    }
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
                        int count = Math.min(CHUNK, bound - from);
                        negativeAbs(z, from, scratch, count);
                        expInPlace(scratch, count, false);
                        softplusOfExp(z, from, scratch, a, count);
                    }
                }

                @Override
                void jacobianLanes(float[] z, float[] a, float[] g, int bound) {
                    for (int from = 0; from < bound; from += CHUNK) {
                        int count = Math.min(CHUNK, bound - from);
                        for (int j = 0; j < count; j += L) {
                            FloatVector.fromArray(S, a, from + j).neg().intoArray(scratch, j);
                        }
                        expInPlace(scratch, count, true);
                        for (int j = 0; j < count; j += L) {
                            FloatVector.fromArray(S, g, from + j).mul(FloatVector.fromArray(S, scratch, j).neg())
                                    .intoArray(g, from + j);
                        }
                    }
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

    /** t[j] = -|z[from + j]| for j < count. */
    private static void negativeAbs(float[] z, int from, float[] t, int count) {
        for (int j = 0; j < count; j += L) {
            FloatVector.fromArray(S, z, from + j).abs().neg().intoArray(t, j);
        }
    }

    /** a[from + j] = {@link FloatFormulas#sigmoid} of z[from + j], given e[j] = e^-|z[from + j]|. */
    private static void sigmoidOfExp(float[] z, int from, float[] e, float[] a, int count) {
        for (int j = 0; j < count; j += L) {
            FloatVector ej = FloatVector.fromArray(S, e, j);
            FloatVector zj = FloatVector.fromArray(S, z, from + j);
            ONE.blend(ej, zj.compare(VectorOperators.LT, 0f)).div(ej.add(ONE)).intoArray(a, from + j);
        }
    }

    /** a[from + j] = {@link FloatFormulas#softplus} of z[from + j], given e[j] = e^-|z[from + j]|. */
    private static void softplusOfExp(float[] z, int from, float[] e, float[] a, int count) {
        for (int j = 0; j < count; j += L) {
            FloatVector ej = FloatVector.fromArray(S, e, j);
            FloatVector zj = FloatVector.fromArray(S, z, from + j);
            FloatVector s = ej.div(ej.add(TWO));
            FloatVector twoS = s.add(s);
            FloatVector w = s.mul(s);
            FloatVector atanh = A15_V.fma(w, A13_V).fma(w, A11_V).fma(w, A9_V).fma(w, A7_V).fma(w, A5_V)
                    .fma(w, A3_V);
            FloatVector positivePart = ZERO.blend(zj, zj.compare(VectorOperators.GT, 0f));
            positivePart.add(twoS.mul(w).fma(atanh, twoS)).intoArray(a, from + j);
        }
    }

    /** x := {@link FloatFormulas#exp}(x) over [0, n), for the float32 softmax. */
    static void exp(float[] x, int n) {
        int bound = S.loopBound(n);
        expInPlace(x, bound, false);
        for (int i = bound; i < n; i++) {
            x[i] = FloatFormulas.exp(x[i]);
        }
    }

    /**
     * {@link Softmax#scale}: x[from + r] := (float) (x[from + r] * s[r]) for r < rows, the
     * conversions on vectors of as many doubles as the preferred shape holds.
     */
    static void scale(float[] x, int from, double[] s, int rows) {
        int bound = D.loopBound(rows);
        for (int r = 0; r < bound; r += D.length()) {
            DoubleVector xr = (DoubleVector) FloatVector.fromArray(F_D, x, from + r).convertShape(VectorOperators.F2D, D, 0);
            ((FloatVector) xr.mul(DoubleVector.fromArray(D, s, r)).convertShape(VectorOperators.D2F, F_D, 0))
                    .intoArray(x, from + r);
        }
        Softmax.scale(x, from, s, bound, rows);
    }

    /**
     * x := {@link FloatFormulas#expm1}(x) when {@code minusOne}, else {@link FloatFormulas#exp}(x),
     * over [0, count): one loop for both, as they share the reduction and the polynomial.
     */
    private static void expInPlace(float[] x, int count, boolean minusOne) {
        float min = minusOne ? EXPM1_MIN : EXP_MIN;
        for (int j = 0; j < count; j += L) {
            FloatVector xj = FloatVector.fromArray(S, x, j);
            xj = xj.blend(min, xj.compare(VectorOperators.LT, min));
            FloatVector t = xj.fma(LOG2E_V, ROUNDER_V);
            FloatVector n = t.sub(ROUNDER);
            FloatVector r = n.fma(MINUS_LN2_LO, n.fma(MINUS_LN2_HI, xj));
            // e^r - 1 in Estrin's scheme, as FloatFormulas.expm1Polynomial
            FloatVector r2 = r.mul(r);
            FloatVector low = C3_V.fma(r, C2_V);
            FloatVector high = C6_V.fma(r2, C5_V.fma(r, C4_V));
            FloatVector q = high.fma(r2, low).fma(r2, r);
            IntVector tBits = t.reinterpretAsInts();
            // Each branch stores its result: a vector merged from two branches could be boxed.
            if (minusOne) {
                FloatVector s = tBits.add(EXPM1_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                s.fma(q, s.sub(1f)).intoArray(x, j);
            } else {
                FloatVector s = tBits.add(EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                s.fma(q, s).mul(TWO_TO_MINUS_32).intoArray(x, j);
            }
        }
    }

    /**
     * The whole-vector part runs in the subclass; the tail of n mod L values in the scalar formula
     * here. Each kernel has its own scratch chunk, so a kernel serves one thread at a time (each
     * Backprop makes its own).
     */
    private abstract static class Kernel implements FloatElementwise {
        private final FloatFormulas.Formula formula;
        final float[] scratch = new float[CHUNK];

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
