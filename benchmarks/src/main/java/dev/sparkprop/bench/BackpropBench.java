package dev.sparkprop.bench;

import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
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
 * Forward + backprop of one block on one thread, the unit of work of a Spark task, in rows per
 * second; and beside it the block's matrix products alone (products256, products1024). The block height is in the method name (rows256, rows1024) rather than a @Param,
 * because @OperationsPerInvocation must be a constant: one operation is one row.
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar                 # all
 *   java -jar benchmarks/target/benchmarks.jar -p "layers=784 512:relu 512:relu 10:softmax" rows1024
 * </pre>
 * (JMH's -p splits values at commas, so on the command line the layers take spaces instead.)
 * Run it with OPENBLAS_NUM_THREADS=1, as Spark executors run (one task per core).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The module Spark's launcher adds, so netlib falls back to its vector BLAS as it would there.
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class BackpropBench {

    // bin/benchmark's job a network, then relu in its place and job b's.
    @Param({"100,128:sigmoid,64:sigmoid,10:softmax", "100,128:relu,64:relu,10:softmax",
        "784,512:relu,512:relu,10:softmax"})
    public String layers;

    @Param({"float64", "float32"})
    public String precision;

    private double[] params;
    /** Sums across invocations, as a partition's gradient does; its values do not change the work. */
    private double[] grad;
    private Backprop backprop;
    private Block rows256;
    private Block rows1024;
    private BlockProducts products;

    @Setup
    public void setUp() {
        NetworkSpec spec = NetworkSpec.parse(layers.trim().replace(' ', ','), "cross_entropy");
        params = Initializer.XAVIER_UNIFORM.initialise(spec, 1);
        grad = new double[params.length];
        Precision type = Precision.parse(precision);
        // Buffers for 1024 rows serve a 256-row block too: only the first columns are touched.
        backprop = new Backprop(spec, 1024, type, true);
        Block block = randomBlock(spec, 1024);
        rows1024 = type == Precision.FLOAT32 ? block.toFloat32() : block;
        rows256 = rows1024.slice(0, 256);
        products = new BlockProducts(spec, type, 1024);
        // In the results: a BLAS that failed to load falls back to Java silently, at a third of the speed.
        System.out.println("BLAS: " + Backprop.blasImplementation());
    }

    @Benchmark
    @OperationsPerInvocation(256)
    public double rows256() {
        return backprop.accumulateGradient(params, rows256, grad);
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public double rows1024() {
        return backprop.accumulateGradient(params, rows1024, grad);
    }

    /** The matrix products of {@link #rows256} alone ({@link BlockProducts}): the share of the block they are. */
    @Benchmark
    @OperationsPerInvocation(256)
    public double products256() {
        return products.run(256);
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public double products1024() {
        return products.run(1024);
    }

    /** Gaussian features and a random one-hot class per row. */
    private static Block randomBlock(NetworkSpec spec, int rows) {
        SplittableRandom random = new SplittableRandom(42);
        int in = spec.inputWidth();
        int out = spec.outputWidth();
        double[] x = new double[in * rows];
        double[] y = new double[out * rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        for (int r = 0; r < rows; r++) {
            y[r * out + random.nextInt(out)] = 1;
        }
        return Block.unweighted(in, out, x, y, rows);
    }
}
