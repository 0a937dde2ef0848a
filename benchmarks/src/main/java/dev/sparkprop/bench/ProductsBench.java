package dev.sparkprop.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.ParameterLayout;
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
 * The float32 matrix products of one block's forward and backward pass alone, on one thread, in
 * rows per second: the sgemm calls {@link BackpropBench}'s float32 block makes, with the same
 * shapes and transposes (z_l = W_l a_{l-1}, grad W_l = delta_l a_{l-1}^T, delta_{l-1} = W_l^T
 * delta_l for l ≥ 2), and nothing else: no bias (the products with β = 0, where the pass adds
 * the bias with β = 1 onto a bias-filled z, and sums it by sgemv), activation, loss or sum. Beside
 * BackpropBench's figure for the same layers it gives the share of a block's time that is
 * matrix products, and so the most that faster elementwise code could win back.
 * <pre>
 *   OPENBLAS_NUM_THREADS=1 java -jar benchmarks/target/benchmarks.jar 'ProductsBench|BackpropBench' -p precision=float32
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ProductsBench {

    private static final BLAS BLAS = dev.ludovic.netlib.blas.BLAS.getInstance();

    // BackpropBench's networks
    @Param({"100,128:sigmoid,64:sigmoid,10:softmax", "100,128:relu,64:relu,10:softmax",
        "784,512:relu,512:relu,10:softmax"})
    public String layers;

    private ParameterLayout layout;
    private int depth;
    private float[] w;
    private float[] g;
    /** a[0] the input, a[l] layer l's output; z is left out: a product does not care which it writes. */
    private float[][] a;
    private float[][] delta;

    @Setup
    public void setUp() {
        NetworkSpec spec = NetworkSpec.parse(layers.trim().replace(' ', ','), "cross_entropy");
        layout = spec.layout();
        depth = spec.depth();
        SplittableRandom random = new SplittableRandom(42);
        w = gaussian(layout.size(), random);
        g = new float[layout.size()];
        a = new float[depth + 1][];
        delta = new float[depth + 1][];
        a[0] = gaussian(spec.inputWidth() * 1024, random);
        for (int l = 1; l <= depth; l++) {
            a[l] = gaussian(spec.width(l) * 1024, random);
            delta[l] = gaussian(spec.width(l) * 1024, random);
        }
    }

    @Benchmark
    @OperationsPerInvocation(256)
    public float rows256() {
        return products(256);
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public float rows1024() {
        return products(1024);
    }

    private float products(int rows) {
        for (int l = 1; l <= depth; l++) {
            int out = layout.fanOut(l);
            int in = layout.fanIn(l);
            BLAS.sgemm("N", "N", out, rows, in, 1f, w, layout.weightOffset(l), out, a[l - 1], 0, in, 0f, a[l], 0, out);
        }
        for (int l = depth; l >= 1; l--) {
            int out = layout.fanOut(l);
            int in = layout.fanIn(l);
            BLAS.sgemm("N", "T", out, in, rows, 1f, delta[l], 0, out, a[l - 1], 0, in, 0f, g, layout.weightOffset(l),
                    out);
            if (l > 1) {
                BLAS.sgemm("T", "N", in, rows, out, 1f, w, layout.weightOffset(l), out, delta[l], 0, out, 0f,
                        delta[l - 1], 0, in);
            }
        }
        return g[0];
    }

    private static float[] gaussian(int n, SplittableRandom random) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }
}
