package dev.sparkprop.nn;

/**
 * An elementwise activation's two float32 steps, a = f(z) and g := f'(z) ⊙ g, over the first
 * {@code n} values of a layer buffer. {@link #of} picks the fastest one this JVM can run: the
 * SIMD kernels of {@link VectorActivations} when the {@code jdk.incubator.vector} module is
 * present (Spark's launcher adds it to drivers and executors), else {@link #scalar}.
 */
public interface FloatElementwise {

    void apply(float[] z, float[] a, int n);

    void jacobianTransposeTimes(float[] z, float[] a, float[] g, int n);

    /**
     * The SIMD kernel of {@code f} when the vector module is present and has one (the
     * piecewise-linear activations), tanh's exp-based loop, else the scalar loops.
     */
    static FloatElementwise of(ElementwiseActivation f) {
        FloatElementwise simd = VectorSupport.AVAILABLE ? VectorActivations.of(f) : null;
        if (simd != null) {
            return simd;
        }
        return f.form() == ElementwiseActivation.Form.TANH ? tanh(f) : scalar(f);
    }

    /**
     * tanh from Math.exp, whose HotSpot stub gives the same bits interpreted and compiled, in
     * double and rounded to float: within an ulp of (float) Math.tanh at a fifth of its cost
     * (Math.tanh is fdlibm's, through JNI). Below 1e-4, tanh(z) rounds to z in float.
     */
    private static FloatElementwise tanh(ElementwiseActivation f) {
        return new FloatElementwise() {
            @Override
            public void apply(float[] z, float[] a, int n) {
                for (int i = 0; i < n; i++) {
                    double x = Math.abs((double) z[i]);
                    double e = Math.exp(-2 * x);
                    double t = x < 1e-4 ? x : (1 - e) / (1 + e);
                    a[i] = (float) Math.copySign(t, z[i]);
                }
            }

            @Override
            public void jacobianTransposeTimes(float[] z, float[] a, float[] g, int n) {
                for (int i = 0; i < n; i++) {
                    g[i] *= (float) f.derivative(z[i], a[i]);
                }
            }
        };
    }

    /** Which kind {@link #of} gives on this JVM, for logs. */
    static String implementation() {
        return VectorSupport.AVAILABLE ? VectorActivations.description()
                : "scalar (start the JVM with --add-modules=jdk.incubator.vector for SIMD activations)";
    }

    /** f's double formulas on each float value, rounded back to float: the reference the SIMD kernels are tested against. */
    static FloatElementwise scalar(ElementwiseActivation f) {
        return new FloatElementwise() {
            @Override
            public void apply(float[] z, float[] a, int n) {
                for (int i = 0; i < n; i++) {
                    a[i] = (float) f.value(z[i]);
                }
            }

            @Override
            public void jacobianTransposeTimes(float[] z, float[] a, float[] g, int n) {
                for (int i = 0; i < n; i++) {
                    g[i] *= (float) f.derivative(z[i], a[i]);
                }
            }
        };
    }

    /** Whether the incubating vector module is resolved in this JVM; checked once. */
    final class VectorSupport {
        static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !Boolean.getBoolean("sparkprop.scalarActivations");

        private VectorSupport() {
        }
    }
}
