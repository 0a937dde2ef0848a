package dev.sparkprop.nn;

/**
 * An elementwise activation's two float32 steps, a = f(z) and g := f'(z) ⊙ g, over the first
 * {@code n} values of a layer buffer. {@link #of} picks the fastest one this JVM can run: the
 * SIMD kernels of {@link VectorActivations} when the {@code jdk.incubator.vector} module is
 * present (Spark's launcher adds it to drivers and executors), else the scalar loops of
 * {@link FloatFormulas}, which give the same bits. An instance may hold scratch space: one
 * thread at a time.
 */
public interface FloatElementwise {

    void apply(float[] z, float[] a, int n);

    void jacobianTransposeTimes(float[] z, float[] a, float[] g, int n);

    /**
     * The SIMD kernel of a built-in activation when the vector module is present, else its
     * scalar float32 loops (the same bits either way); the scalar loops of the double formulas
     * for an activation of your own.
     */
    static FloatElementwise of(ElementwiseActivation f) {
        FloatFormulas.Formula formula = FloatFormulas.of(f);
        if (formula == null) {
            return scalar(f);
        }
        return VectorSupport.AVAILABLE ? VectorActivations.of(f) : FloatFormulas.loops(formula);
    }

    /** Which kind {@link #of} gives on this JVM, for logs. */
    static String implementation() {
        return VectorSupport.AVAILABLE ? VectorActivations.description()
                : "scalar (start the JVM with --add-modules=jdk.incubator.vector for SIMD activations)";
    }

    /**
     * f's double formulas on each float value, rounded back to float: the kernel of an activation
     * of your own, and the reference the float32 formulas are tested against.
     */
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
}
