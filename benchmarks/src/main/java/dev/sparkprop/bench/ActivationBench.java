package dev.sparkprop.bench;

import dev.sparkprop.nn.Activations;
import dev.sparkprop.nn.ElementwiseActivation;
import dev.sparkprop.nn.FloatElementwise;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An elementwise activation's two steps in one layer of a float32 block, a = f(z) then
 * g := f'(z) ⊙ g, in nanoseconds per value on one thread:
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar ActivationBench
 *   java -jar benchmarks/target/benchmarks.jar ActivationBench -p activation=tanh
 * </pre>
 * One layer of 64 units over 1024 rows (z, a and g take 768 KB, in L2 here). g is restored from
 * a copy before each backward step, as each block's backprop hands in a fresh one; the copy is
 * part of the figure (about 1% of it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The module Spark's launcher adds, so the SIMD kernels run as they do there.
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ActivationBench {

    private static final int VALUES = 64 * 1024;

    @Param({"sigmoid", "tanh", "elu", "softplus", "relu"})
    public String activation;

    private FloatElementwise kernel;
    private float[] z;
    private float[] a;
    private float[] g;
    private float[] gradient;

    @Setup
    public void setUp() {
        kernel = FloatElementwise.of((ElementwiseActivation) Activations.parse(activation));
        // Pre-activations as a layer of a trained network has them: mostly within a few units of 0.
        SplittableRandom random = new SplittableRandom(3);
        z = new float[VALUES];
        gradient = new float[VALUES];
        for (int i = 0; i < VALUES; i++) {
            z[i] = (float) (random.nextGaussian() * 3);
            gradient[i] = (float) random.nextGaussian();
        }
        a = new float[VALUES];
        g = new float[VALUES];
        System.out.println("float32 activations: " + FloatElementwise.implementation());
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public float valueAndDerivative() {
        kernel.apply(z, a, VALUES);
        System.arraycopy(gradient, 0, g, 0, VALUES);
        kernel.jacobianTransposeTimes(z, a, g, VALUES);
        return g[VALUES - 1];
    }
}
