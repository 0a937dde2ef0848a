package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SIMD float32 activations compute the double formulas to within a few float ulps, and
 * every float32 activation gives the same bits before and after the JIT compiles it.
 */
class VectorActivationsTest {

    /** Ulps of float32 the SIMD math may differ from the double formula rounded to float. */
    private static final double MAX_ULPS = 4;

    /** Values across every regime: tiny, around 0, moderate, near exp's overflow, beyond it, ±0 and ±inf. */
    private static float[] inputs(int n) {
        SplittableRandom random = new SplittableRandom(5);
        float[] z = new float[n];
        float[] special = {0f, -0f, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 88f, -88f, 89f, -89f, 103f, -104f, 500f, -500f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_NORMAL, -Float.MIN_NORMAL};
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

    /** |x - ref| in ulps of ref; 0 when both are the same infinity, and values below 1e-37 count as 0. */
    private static double ulps(float x, float ref) {
        if (x == ref) {
            return 0;
        }
        if (Math.abs(ref) < 1e-37f && Math.abs(x) < 1e-37f) {
            return 0;
        }
        return Math.abs((double) x - ref) / Math.ulp(ref);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"identity", "relu", "leaky_relu(0.1)"})
    void simdValuesAndDerivativesMatchTheDoubleFormula(String name) {
        ElementwiseActivation f = (ElementwiseActivation) Activations.parse(name);
        FloatElementwise simd = VectorActivations.of(f);
        assertNotNull(simd, name + " has a SIMD kernel");
        FloatElementwise scalar = FloatElementwise.scalar(f);
        // An odd length, so the tail after the last whole vector runs too.
        int n = 10_003;
        float[] z = inputs(n);
        float[] a = new float[n];
        float[] aRef = new float[n];
        simd.apply(z, a, n);
        scalar.apply(z, aRef, n);
        double worstValue = 0;
        for (int i = 0; i < n; i++) {
            worstValue = Math.max(worstValue, ulps(a[i], aRef[i]));
        }

        float[] g = new float[n];
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < n; i++) {
            g[i] = (float) random.nextGaussian();
        }
        float[] gRef = g.clone();
        // Both at the same point (z, a_ref), so only the derivative's own error is measured.
        simd.jacobianTransposeTimes(z, aRef, g, n);
        scalar.jacobianTransposeTimes(z, aRef, gRef, n);
        double worstDerivative = 0;
        for (int i = 0; i < n; i++) {
            worstDerivative = Math.max(worstDerivative, ulps(g[i], gRef[i]));
        }
        System.out.printf("%s: SIMD vs double formula, worst %.1f ulps (f), %.1f ulps (f' g)%n", name, worstValue,
                worstDerivative);
        assertTrue(worstValue <= MAX_ULPS, name + " f: " + worstValue + " ulps");
        assertTrue(worstDerivative <= MAX_ULPS, name + " f' g: " + worstDerivative + " ulps");
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
        assertEquals(VectorActivations.of(Activations.relu()).getClass(),
                FloatElementwise.of(Activations.relu()).getClass());
    }

    @Test
    void float32TanhIsWithinAnUlpOfTheDoubleFormula() {
        FloatElementwise tanh = FloatElementwise.of(Activations.tanh());
        float[] z = inputs(10_003);
        float[] a = new float[z.length];
        tanh.apply(z, a, z.length);
        for (int i = 0; i < z.length; i++) {
            float ref = (float) Math.tanh(z[i]);
            assertTrue(ulps(a[i], ref) <= 1, z[i] + ": " + a[i] + " vs " + ref);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"identity", "sigmoid", "tanh", "relu", "leaky_relu(0.1)", "elu(1.0)", "softplus"})
    void eachActivationGivesTheSameBitsBeforeAndAfterTheJitCompilesIt(String name) {
        // The vector API's tanh gave other bits for 53 of 4096 values once compiled: a model
        // would then depend on how warm the JIT was, so such activations run the scalar loops.
        FloatElementwise f = FloatElementwise.of((ElementwiseActivation) Activations.parse(name));
        float[] z = inputs(4096);
        float[] cold = new float[z.length];
        f.apply(z, cold, z.length);
        float[] out = new float[z.length];
        for (int t = 0; t < 20_000; t++) {
            f.apply(z, out, z.length);
        }
        float[] hot = new float[z.length];
        f.apply(z, hot, z.length);
        assertArrayEquals(cold, hot, name);
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
