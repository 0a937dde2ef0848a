package dev.sparkprop.nn;

/**
 * The built-in elementwise activations in float32, one value at a time, made only of operations
 * IEEE 754 rounds exactly (+, -, *, /, {@link Math#fma}, comparisons, bit conversions). So they
 * give the same bits interpreted and JIT-compiled, on any JVM. {@link VectorActivations} runs the
 * same operations in the same order on vector lanes and gives the same bits; these scalar loops
 * serve JVMs without the vector module and the tails shorter than one vector.
 *
 * <p>e^x and e^x - 1 (only for x ≤ 0, all the activations need) write x = n ln2 + r with n an
 * integer and |r| ≤ ln2/2, take e^r - 1 = r + r² P(r) with P of degree 4 fitted to the Chebyshev
 * nodes of that interval (relative error below 2.4e-8, a fifth of a float ulp), evaluated in
 * Estrin's scheme (a dependency chain of three fmas instead of five), and scale by 2^n built in
 * the exponent bits. log(1 + e) for e in [0, 1] is 2 atanh(s) with s = e / (2 + e) ≤ 1/3, whose
 * series in s² is cut after s^15 (the next term is below 2e-9 of the sum). Within a few float
 * ulps of the double formulas (VectorActivationsTest).
 */
final class FloatFormulas {

    /** 1.5·2^23: adding it rounds a float below 2^22 in magnitude to an integer, in the low mantissa bits. */
    static final float ROUNDER = 0x1.8p23f;
    static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    static final float LOG2E = (float) 1.4426950408889634;
    private static final double LN2 = 0.6931471805599453;
    /** ln2 = LN2_HI + LN2_LO: n·LN2_HI is exact enough that x - n·LN2_HI in one fma loses nothing. */
    static final float LN2_HI = (float) LN2;
    static final float LN2_LO = (float) (LN2 - LN2_HI);
    /**
     * e^x rounds to 0 below about -103.97; clamping there keeps n ≥ -150, so 2^(n+32) is a normal
     * float (see {@link #exp}).
     */
    static final float EXP_MIN = -104f;
    /** e^x - 1 rounds to -1 below about -17.3; clamping keeps 2^n a normal float. */
    static final float EXPM1_MIN = -30f;
    /** Added to t's bits, these give the exponent field of 2^(n+32) (exp) or 2^n (expm1). */
    static final int EXP_BIAS = 127 + 32 - ROUNDER_BITS;
    static final int EXPM1_BIAS = 127 - ROUNDER_BITS;
    static final float TWO_TO_MINUS_32 = 0x1p-32f;
    /**
     * e^r - 1 = r + r² (C2 + C3 r + C4 r² + C5 r³ + C6 r⁴) on |r| ≤ ln2/2: (e^r - 1 - r)/r²
     * interpolated at 5 Chebyshev nodes, rounded to float (C2 comes out as 1/2 exactly).
     */
    static final float C2 = 0x1p-1f;
    static final float C3 = 0x1.5554dep-3f;
    static final float C4 = 0x1.55551ap-5f;
    static final float C5 = 0x1.120b62p-7f;
    static final float C6 = 0x1.6d10fcp-10f;
    /** 1/(2k+1) for k = 1..7: atanh(s) = s (1 + s²/3 + s⁴/5 + ...). */
    static final float A3 = 1f / 3;
    static final float A5 = 1f / 5;
    static final float A7 = 1f / 7;
    static final float A9 = 1f / 9;
    static final float A11 = 1f / 11;
    static final float A13 = 1f / 13;
    static final float A15 = 1f / 15;

    private FloatFormulas() {
    }

    /** One activation's value and derivative in float32. */
    interface Formula {
        float value(float z);

        /** f'(z), given a = f(z); g := f'(z) ⊙ g multiplies g by it. */
        float derivative(float z, float a);
    }

    /** The float32 formula of a built-in activation; null for {@link ElementwiseActivation.Form#OTHER}. */
    static Formula of(ElementwiseActivation f) {
        float p = (float) f.parameter();
        return switch (f.form()) {
            case IDENTITY -> new Formula() {
                @Override
                public float value(float z) {
                    return z;
                }

                @Override
                public float derivative(float z, float a) {
                    return 1f;
                }
            };
            case RELU -> new Formula() {
                @Override
                public float value(float z) {
                    return z > 0 ? z : 0f;
                }

                @Override
                public float derivative(float z, float a) {
                    return z > 0 ? 1f : 0f;
                }
            };
            case LEAKY_RELU -> new Formula() {
                @Override
                public float value(float z) {
                    return z > 0 ? z : z * p;
                }

                @Override
                public float derivative(float z, float a) {
                    return z > 0 ? 1f : p;
                }
            };
            case SIGMOID -> new Formula() {
                @Override
                public float value(float z) {
                    return sigmoid(z);
                }

                @Override
                public float derivative(float z, float a) {
                    return Math.fma(a, -a, a);
                }
            };
            case TANH -> new Formula() {
                @Override
                public float value(float z) {
                    return tanh(z);
                }

                @Override
                public float derivative(float z, float a) {
                    return Math.fma(a, -a, 1f);
                }
            };
            case ELU -> new Formula() {
                @Override
                public float value(float z) {
                    return z > 0 ? z : expm1(z) * p;
                }

                @Override
                public float derivative(float z, float a) {
                    return z > 0 ? 1f : a + p;
                }
            };
            case SOFTPLUS -> new Formula() {
                @Override
                public float value(float z) {
                    return softplus(z);
                }

                /**
                 * sigmoid(z) = 1 - e^-a, from a = softplus(z) ≥ 0: one e^x - 1 and no division. An
                 * error δ relative in a moves it by at most δ relative (a e^-a / (1 - e^-a) ≤ 1).
                 */
                @Override
                public float derivative(float z, float a) {
                    return -expm1(-a);
                }
            };
            case OTHER -> null;
        };
    }

    /** The scalar loops of a formula. */
    static FloatElementwise loops(Formula formula) {
        return new FloatElementwise() {
            @Override
            public void apply(float[] z, float[] a, int n) {
                applyRange(formula, z, a, 0, n);
            }

            @Override
            public void jacobianTransposeTimes(float[] z, float[] a, float[] g, int n) {
                jacobianRange(formula, z, a, g, 0, n);
            }
        };
    }

    /** a = f(z) over [from, to). */
    static void applyRange(Formula formula, float[] z, float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = formula.value(z[i]);
        }
    }

    /** g := f'(z) ⊙ g over [from, to). */
    static void jacobianRange(Formula formula, float[] z, float[] a, float[] g, int from, int to) {
        for (int i = from; i < to; i++) {
            g[i] *= formula.derivative(z[i], a[i]);
        }
    }

    /** 1 / (1 + e^-z) for z ≥ 0, e^z / (1 + e^z) below: e stays in (0, 1], so nothing overflows. */
    static float sigmoid(float z) {
        float e = exp(-Math.abs(z));
        float d = 1f + e;
        return (z < 0 ? e : 1f) / d;
    }

    /** |tanh z| = -m / (2 + m) with m = e^{-2|z|} - 1 (no cancellation near 0), with z's sign. */
    static float tanh(float z) {
        float m = expm1(-2f * Math.abs(z));
        float t = Math.abs(m) / (2f + m);
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(z) & 0x80000000));
    }

    /** max(z, 0) + log(1 + e^-|z|): no overflow for large z nor cancellation for very negative z. */
    static float softplus(float z) {
        float e = exp(-Math.abs(z));
        float s = e / (2f + e);
        float twoS = s + s;
        float w = s * s;
        float atanh = atanhSeries(w);
        return (z > 0 ? z : 0f) + Math.fma(twoS * w, atanh, twoS);
    }

    /** (atanh(s) / s - 1) / s² to s^14, in w = s². */
    static float atanhSeries(float w) {
        float p = Math.fma(A15, w, A13);
        p = Math.fma(p, w, A11);
        p = Math.fma(p, w, A9);
        p = Math.fma(p, w, A7);
        p = Math.fma(p, w, A5);
        return Math.fma(p, w, A3);
    }

    /**
     * e^x for x ≤ 0, subnormal results included: 2^(n+32) (1 + (e^r - 1)) is a normal float, and
     * multiplying by 2^-32 rounds it once, into the subnormals where it must. NaN stays NaN.
     */
    static float exp(float x) {
        x = x < EXP_MIN ? EXP_MIN : x;
        float t = Math.fma(x, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, x));
        float q = expm1Polynomial(r);
        float s = pow2(t, EXP_BIAS);
        return Math.fma(s, q, s) * TWO_TO_MINUS_32;
    }

    /** e^x - 1 for x ≤ 0; NaN stays NaN. */
    static float expm1(float x) {
        x = x < EXPM1_MIN ? EXPM1_MIN : x;
        float t = Math.fma(x, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, x));
        float q = expm1Polynomial(r);
        float s = pow2(t, EXPM1_BIAS);
        // 2^n (e^r - 1) + (2^n - 1); 2^n - 1 is exact for the n ≥ -24 where it matters.
        return Math.fma(s, q, s - 1f);
    }

    /** e^r - 1 for |r| ≤ ln2/2, in Estrin's scheme: r + r² ((C2 + C3 r) + r² ((C4 + C5 r) + C6 r²)). */
    static float expm1Polynomial(float r) {
        float r2 = r * r;
        float low = Math.fma(C3, r, C2);
        float high = Math.fma(C6, r2, Math.fma(C5, r, C4));
        return Math.fma(Math.fma(high, r2, low), r2, r);
    }

    /** The power of two whose exponent field is t's bits (ROUNDER's plus n) plus bias. */
    private static float pow2(float t, int bias) {
        return Float.intBitsToFloat((Float.floatToRawIntBits(t) + bias) << 23);
    }
}
