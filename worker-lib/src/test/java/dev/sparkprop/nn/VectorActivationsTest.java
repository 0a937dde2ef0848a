package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The float32 activations compute the double formulas to within a few float ulps over the whole
 * float range, the SIMD kernels give the same bits as the scalar loops, and every float32
 * activation gives the same bits before and after the JIT compiles it.
 */
class VectorActivationsTest {

    /** Ulps of float32 the SIMD math may differ from the double formula rounded to float. */
    private static final double MAX_ULPS = 4;

    private static final String[] BUILT_IN = {"identity", "sigmoid", "tanh", "relu", "leaky_relu(0.1)", "elu(1.0)",
        "elu(0.5)", "softplus"};

    static String[] builtIn() {
        return BUILT_IN;
    }

    /**
     * Values across every regime: tiny, subnormal, around 0, moderate, where e^x leaves the
     * normal floats (-87.3) and rounds to 0 (-104), beyond, ±0 and ±inf; then random ones.
     */
    private static float[] inputs(int n) {
        SplittableRandom random = new SplittableRandom(5);
        float[] z = new float[n];
        float[] special = {0f, -0f, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 88f, -88f, 89f, -89f, 103f, -104f, 500f, -500f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MIN_VALUE,
            -Float.MIN_VALUE, 1e-40f, -1e-40f, -87.3f, -87.4f, -100f, -103.9f, -104.1f, -120f, -121f, -1e30f,
            Float.MAX_VALUE, -Float.MAX_VALUE, 0.34657359f, -0.34657359f, 0.5f, -0.5f, 8.7f, -8.7f, 17.3f, -17.3f,
            -30f, -31f, 1f, -1f};
        System.arraycopy(special, 0, z, 0, special.length);
        for (int i = special.length; i < n; i++) {
            double scale = switch (i % 4) {
                case 0 -> 0.01;
                case 1 -> 1;
                case 2 -> 10;
                default -> 60;
            };
            z[i] = (float) (random.nextGaussian() * scale);
        }
        return z;
    }

    /** Every 4099th float bit pattern, NaNs left out: about a million values of every sign and magnitude. */
    private static float[] sweep() {
        float[] z = new float[(int) ((1L << 32) / 4099) + 1];
        int n = 0;
        for (long bits = 0; bits < 1L << 32; bits += 4099) {
            float x = Float.intBitsToFloat((int) bits);
            if (!Float.isNaN(x)) {
                z[n++] = x;
            }
        }
        return java.util.Arrays.copyOf(z, n);
    }

    private static float[] randomGradient(int n) {
        float[] g = new float[n];
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < n; i++) {
            g[i] = (float) random.nextGaussian();
        }
        return g;
    }

    /** |x - ref| in ulps of ref (subnormal ulps below Float.MIN_NORMAL); 0 when both are the same infinity. */
    private static double ulps(float x, float ref) {
        if (x == ref) {
            return 0;
        }
        return Math.abs((double) x - ref) / Math.ulp(ref);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIn")
    void float32ValuesAndDerivativesAreWithinFourUlpsOfTheDoubleFormula(String name) {
        ElementwiseActivation f = (ElementwiseActivation) Activations.parse(name);
        FloatElementwise float32 = FloatElementwise.of(f);
        FloatElementwise reference = FloatElementwise.scalar(f);
        for (float[] z : new float[][] {inputs(10_003), sweep()}) {
            int n = z.length;
            float[] a = new float[n];
            float[] aRef = new float[n];
            float32.apply(z, a, n);
            reference.apply(z, aRef, n);
            double worstValue = 0;
            int worstAt = 0;
            for (int i = 0; i < n; i++) {
                double u = ulps(a[i], aRef[i]);
                if (!(u <= worstValue)) {
                    worstValue = u;
                    worstAt = i;
                }
            }

            float[] g = randomGradient(n);
            float[] gRef = g.clone();
            // Both at the same point (z, a_ref), so only the derivative's own error is measured.
            float32.jacobianTransposeTimes(z, aRef, g, n);
            reference.jacobianTransposeTimes(z, aRef, gRef, n);
            double worstDerivative = 0;
            for (int i = 0; i < n; i++) {
                worstDerivative = Math.max(worstDerivative, ulps(g[i], gRef[i]));
            }
            System.out.printf("%s over %d values: float32 vs double formula, worst %.1f ulps (f), %.1f ulps (f' g)%n",
                    name, n, worstValue, worstDerivative);
            assertTrue(worstValue <= MAX_ULPS, name + " f(" + z[worstAt] + ") = " + a[worstAt] + ", double formula "
                    + aRef[worstAt] + ": " + worstValue + " ulps");
            assertTrue(worstDerivative <= MAX_ULPS, name + " f' g: " + worstDerivative + " ulps");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIn")
    void simdKernelsGiveTheBitsOfTheScalarLoops(String name) {
        // The scalar loops run on JVMs without the vector module and for the tails: one model, one result.
        ElementwiseActivation f = (ElementwiseActivation) Activations.parse(name);
        FloatElementwise simd = VectorActivations.of(f);
        FloatElementwise scalar = FloatFormulas.loops(FloatFormulas.of(f));
        for (float[] z : new float[][] {inputs(10_003), sweep()}) {
            int n = z.length;
            z[n / 2] = Float.NaN;
            float[] a = new float[n];
            float[] aScalar = new float[n];
            simd.apply(z, a, n);
            scalar.apply(z, aScalar, n);
            assertArrayEquals(aScalar, a, name + " f");
            float[] g = randomGradient(n);
            float[] gScalar = g.clone();
            simd.jacobianTransposeTimes(z, a, g, n);
            scalar.jacobianTransposeTimes(z, a, gScalar, n);
            assertArrayEquals(gScalar, g, name + " f' g");
        }
    }

    @Test
    void simdExpGivesTheBitsOfTheScalarExp() {
        // The float32 softmax's e^x: SIMD with the vector module, FloatFormulas.exp without.
        for (float[] z : new float[][] {inputs(10_003), sweep()}) {
            int n = z.length;
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = -Math.abs(z[i]);
            }
            x[n / 2] = Float.NaN;
            float[] scalar = new float[n];
            for (int i = 0; i < n; i++) {
                scalar[i] = FloatFormulas.exp(x[i]);
            }
            VectorActivations.exp(x, n);
            assertArrayEquals(scalar, x);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sigmoid", "tanh", "elu(1.0)", "softplus"})
    void nanInGivesNanOutOfTheSmoothActivations(String name) {
        FloatElementwise f = FloatElementwise.of((ElementwiseActivation) Activations.parse(name));
        // 37 values: NaN in every lane of the vectors and in the scalar tail.
        float[] z = new float[37];
        java.util.Arrays.fill(z, Float.NaN);
        float[] a = new float[z.length];
        f.apply(z, a, z.length);
        float[] g = randomGradient(z.length);
        f.jacobianTransposeTimes(z, a, g, z.length);
        for (int i = 0; i < z.length; i++) {
            assertTrue(Float.isNaN(a[i]), name + " f(NaN) = " + a[i] + " at " + i);
            assertTrue(Float.isNaN(g[i]), name + " f'(NaN) g = " + g[i] + " at " + i);
        }
    }

    @Test
    void sigmoidAndTanhSaturateExactlyWithoutNaN() {
        float[] z = {20f, 50f, 88f, 89f, 200f, 1e30f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, -200f, -1e30f,
            -Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 17f, -17f, 10f, -10f};
        float[] sigmoid = new float[z.length];
        float[] tanh = new float[z.length];
        FloatElementwise.of(Activations.sigmoid()).apply(z, sigmoid, z.length);
        FloatElementwise.of(Activations.tanh()).apply(z, tanh, z.length);
        for (int i = 0; i < 12; i++) {
            assertEquals(z[i] > 0 ? 1f : 0f, sigmoid[i], "sigmoid(" + z[i] + ")");
        }
        for (int i = 0; i < z.length; i++) {
            assertEquals(Math.signum(z[i]), tanh[i], "tanh(" + z[i] + ")");
        }
    }

    @Test
    void reluOfNaNIsZeroAsInTheDoubleFormula() {
        float[] z = new float[64];
        java.util.Arrays.fill(z, Float.NaN);
        float[] a = new float[64];
        VectorActivations.of(Activations.relu()).apply(z, a, 64);
        assertArrayEquals(new float[64], a);
    }

    @Test
    void theTestJvmRunsTheSimdKernels() {
        // Surefire starts the JVM with Spark's flags, --add-modules=jdk.incubator.vector among them.
        assertTrue(FloatElementwise.implementation().startsWith("SIMD"), FloatElementwise.implementation());
        for (String name : BUILT_IN) {
            ElementwiseActivation f = (ElementwiseActivation) Activations.parse(name);
            assertEquals(VectorActivations.of(f).getClass(), FloatElementwise.of(f).getClass(), name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtIn")
    void eachActivationGivesTheSameBitsBeforeAndAfterTheJitCompilesIt(String name) {
        // The vector API's tanh gave other bits for 53 of 4096 values once compiled (SVML against
        // its scalar fallback): a model would then depend on how warm the JIT was.
        FloatElementwise f = FloatElementwise.of((ElementwiseActivation) Activations.parse(name));
        float[] z = inputs(4096);
        float[] g = randomGradient(z.length);
        float[] cold = new float[z.length];
        float[] gCold = g.clone();
        f.apply(z, cold, z.length);
        f.jacobianTransposeTimes(z, cold, gCold, z.length);
        float[] out = new float[z.length];
        float[] gOut = new float[z.length];
        for (int t = 0; t < 20_000; t++) {
            f.apply(z, out, z.length);
            System.arraycopy(g, 0, gOut, 0, g.length);
            f.jacobianTransposeTimes(z, out, gOut, z.length);
        }
        float[] hot = new float[z.length];
        float[] gHot = g.clone();
        f.apply(z, hot, z.length);
        f.jacobianTransposeTimes(z, hot, gHot, z.length);
        assertArrayEquals(cold, hot, name + " f");
        assertArrayEquals(gCold, gHot, name + " f' g");
    }

    @Test
    void anActivationOfYourOwnRunsTheScalarLoops() {
        ElementwiseActivation square = new ElementwiseActivation() {
            @Override
            public String name() {
                return "square";
            }

            @Override
            public double value(double z) {
                return z * z;
            }

            @Override
            public double derivative(double z, double a) {
                return 2 * z;
            }
        };
        float[] z = {1f, 2f, -3f};
        float[] a = new float[3];
        FloatElementwise.of(square).apply(z, a, 3);
        assertArrayEquals(new float[] {1f, 4f, 9f}, a);
    }
}
