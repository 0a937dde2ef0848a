package dev.sparkprop.nn;

/**
 * Whether the incubating {@code jdk.incubator.vector} module is resolved in this JVM, checked
 * once: the SIMD kernels ({@link VectorActivations}, {@link VectorSoftmax}, the optimizers' vector
 * loops, {@link VectorGemm}) are loaded only then. All but VectorGemm give the same bits as the
 * scalar loops that run otherwise; the float32 products then run in BLAS's sgemm instead, which
 * rounds otherwise, so float32 bits depend on the module as they do on the BLAS. The system
 * property {@code sparkprop.scalar=true} turns them off, to compare the two.
 */
public final class VectorSupport {

    public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("sparkprop.scalar");

    private VectorSupport() {
    }
}
