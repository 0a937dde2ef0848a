package dev.sparkprop.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.DoubleArrays;
import dev.sparkprop.nn.FloatGemm;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the machine computes with no Spark in the way, on a fixed pool of as many threads as
 * Spark has cores (one task per core, single-threaded BLAS, as in Spark): the GEMM peak, and
 * one full-batch gradient pass of the worker-lib kernel.
 */
final class LocalCompute implements AutoCloseable {

    private static final int GEMMS_PER_ROUND = 3;

    private final int threads;
    private final ExecutorService pool;
    private double bestSgemmPeak;

    LocalCompute(int threads) {
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads);
    }

    int threads() {
        return threads;
    }

    /**
     * GFLOPS of {@code threads} threads each running n³ GEMMs concurrently, best of 5 rounds
     * after a warm-up: the ceiling the kernel's products could reach on these cores. float64:
     * dgemm. float32: the faster of BLAS's sgemm and the engine's own products
     * ({@link FloatGemm}, SIMD tiles on CPUs with 512-bit vectors), so a kernel on the faster
     * is measured against it. A round is a few products long so that one scheduling hiccup does
     * not decide it.
     */
    double peakGflops(int n, Precision precision) {
        BLAS blas = BLAS.getInstance();
        if (precision == Precision.FLOAT64) {
            return peakGflops(n, (a, b, c) -> blas.dgemm("N", "N", n, n, n, 1.0, a, n, b, n, 0.0, c, n), null);
        }
        double sgemm = peakGflops(n, null, (a, b, c) -> blas.sgemm("N", "N", n, n, n, 1f, a, n, b, n, 0f, c, n));
        bestSgemmPeak = Math.max(bestSgemmPeak, sgemm);
        ThreadLocal<FloatGemm> engine = ThreadLocal.withInitial(FloatGemm::new);
        double own = peakGflops(n, null,
                (a, b, c) -> engine.get().gemm(false, false, n, n, n, a, 0, n, b, 0, n, false, c, 0, n));
        return Math.max(sgemm, own);
    }

    /** The best float32 peak of BLAS's sgemm alone that {@link #peakGflops} measured so far; 0 before one. */
    double bestSgemmPeak() {
        return bestSgemmPeak;
    }

    /** What {@link #peakGflops} measures, for tables. */
    static String peakName(Precision precision) {
        return precision == Precision.FLOAT64 ? "dgemm" : "float32 GEMM (faster of sgemm, vector tiles)";
    }

    private interface Product<T> {
        void run(T a, T b, T c);
    }

    private double peakGflops(int n, Product<double[]> gemm64, Product<float[]> gemm32) {
        List<Callable<Void>> gemms = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int t = 0; t < threads; t++) {
            double[] a = random.doubles((long) n * n).toArray();
            double[] b = random.doubles((long) n * n).toArray();
            double[] c = new double[n * n];
            float[] a32 = DoubleArrays.narrow(a);
            float[] b32 = DoubleArrays.narrow(b);
            float[] c32 = new float[n * n];
            gemms.add(() -> {
                for (int k = 0; k < GEMMS_PER_ROUND; k++) {
                    if (gemm32 != null) {
                        gemm32.run(a32, b32, c32);
                    } else {
                        gemm64.run(a, b, c);
                    }
                }
                return null;
            });
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            double seconds = timed(gemms);
            best = round == 0 ? best : Math.min(best, seconds);
        }
        return threads * GEMMS_PER_ROUND * 2.0 * n * n * n / best / 1e9;
    }

    /**
     * Median seconds of one gradient pass over {@code partitions} (a task per partition, as
     * Spark runs them: Backprop + GradientSum, then the sums added in partition order), over
     * {@code rounds} after a warm-up pass.
     */
    double kernelPassSeconds(NetworkSpec spec, double[] params, List<List<Block>> partitions, int blockRows,
                             Precision precision, int rounds) {
        return median(kernelPasses(spec, params, partitions, blockRows, precision, 1, rounds));
    }

    /**
     * The seconds of each of {@code rounds} gradient passes as {@link #kernelPassSeconds} times
     * them, after {@code warmUps} untimed ones.
     */
    double[] kernelPasses(NetworkSpec spec, double[] params, List<List<Block>> partitions, int blockRows,
                          Precision precision, int warmUps, int rounds) {
        // One Backprop (its buffers) per pool thread, as sparkprop keeps one per executor thread.
        ThreadLocal<Backprop> backprop = ThreadLocal.withInitial(() -> new Backprop(spec, blockRows, precision, true));
        // float32 tasks get float32 parameters (DistributedTrainer broadcasts them so), not doubles
        // that each block would convert again.
        float[] params32 = precision == Precision.FLOAT32 ? DoubleArrays.narrow(params) : null;
        List<Callable<GradientSum>> tasks = new ArrayList<>();
        for (List<Block> part : partitions) {
            tasks.add(() -> {
                GradientSum sum = new GradientSum(params.length);
                for (Block block : part) {
                    if (params32 != null) {
                        sum.add(backprop.get(), params32, block, null);
                    } else {
                        sum.add(backprop.get(), params, block);
                    }
                }
                return sum;
            });
        }
        double[] seconds = new double[rounds];
        for (int round = -warmUps; round < rounds; round++) {
            long t0 = System.nanoTime();
            // As DistributedTrainer totals a job's partition sums at treeAggregate depth 1
            GradientSum.inPartitionOrder(all(tasks)).gradient();
            if (round >= 0) {
                seconds[round] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return seconds;
    }

    private double timed(List<Callable<Void>> tasks) {
        long t0 = System.nanoTime();
        all(tasks);
        return (System.nanoTime() - t0) / 1e9;
    }

    private <T> List<T> all(List<Callable<T>> tasks) {
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks)) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
