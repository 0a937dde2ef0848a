package dev.sparkprop.nn;

/**
 * Whether the incubating {@code jdk.incubator.vector} module is resolved in this JVM, checked
 * once: the SIMD kernels ({@link VectorActivations}, {@link VectorSoftmax}, the optimizers' vector
 * loops) are loaded only then, and give the same bits as the scalar loops that run otherwise. The
 * system property {@code sparkprop.scalar=true} turns them off, to compare the two.
 */
public final class VectorSupport {

    public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("sparkprop.scalar");

    private VectorSupport() {
    }
}
