package dev.sparkprop.bench;

import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.Task;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Seeded synthetic rows that a network can learn: Gaussian features, and targets from a fixed
 * random "teacher" network (in → 16 tanh → out): the argmax of its outputs for a softmax
 * classifier (as a class index), the outputs themselves for regression. Row r depends only on (seed, r), so
 * Spark's partitions and the no-Spark copy of {@link #partitionsLocally} hold the same rows.
 */
final class SyntheticData implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int TEACHER_HIDDEN = 16;

    private final int inputs;
    private final int outputs;
    private final boolean classification;
    private final long rows;
    private final long seed;
    /** Teacher weights, row-major: hidden x inputs, then outputs x hidden. */
    private final double[] w1;
    private final double[] w2;

    /** Rows for {@code spec}'s inputs and outputs: a softmax classifier's classes, or regression targets. */
    SyntheticData(NetworkSpec spec, long rows, long seed) {
        Task.Kind kind = spec.task().kind();
        if (kind != Task.Kind.MULTICLASS && kind != Task.Kind.REGRESSION) {
            throw new IllegalArgumentException("synthetic data has softmax classes or regression targets, not the"
                    + " 0/1 targets of " + spec);
        }
        this.inputs = spec.inputWidth();
        this.outputs = spec.outputWidth();
        this.classification = kind == Task.Kind.MULTICLASS;
        this.rows = rows;
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        w1 = gaussian(random, TEACHER_HIDDEN * inputs, 1 / Math.sqrt(inputs));
        // Sets the spread of regression targets (about 2); the argmax of the classes ignores it.
        w2 = gaussian(random, outputs * TEACHER_HIDDEN, 3 / Math.sqrt(TEACHER_HIDDEN));
    }

    /** The blocks of Spark partition p of {@code partitions}, built on the executor. */
    JavaRDD<Block> rdd(JavaSparkContext sc, int partitions, int blockRows, Precision precision) {
        List<Integer> ids = IntStream.range(0, partitions).boxed().toList();
        // One element per slice, so partition p generates exactly rows [start(p), start(p + 1)).
        return sc.parallelize(ids, partitions).flatMap(p -> blocks(start(p, partitions), start(p + 1, partitions),
                blockRows, precision));
    }

    /** The same blocks as {@link #rdd}, partition by partition, in this JVM. */
    List<List<Block>> partitionsLocally(int partitions, int blockRows, Precision precision) {
        List<List<Block>> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            List<Block> part = new ArrayList<>();
            blocks(start(p, partitions), start(p + 1, partitions), blockRows, precision).forEachRemaining(part::add);
            all.add(part);
        }
        return all;
    }

    private long start(int p, int partitions) {
        return rows * p / partitions;
    }

    /** Rows [from, to) as blocks of up to {@code blockRows}, made one at a time. */
    private Iterator<Block> blocks(long from, long to, int blockRows, Precision precision) {
        return new Iterator<>() {
            private long next = from;

            @Override
            public boolean hasNext() {
                return next < to;
            }

            @Override
            public Block next() {
                int n = (int) Math.min(blockRows, to - next);
                double[] x = new double[inputs * n];
                // Classes as indices, as TrainingData caches a softmax classifier's rows.
                double[] y = classification ? new double[outputs] : new double[outputs * n];
                int[] classes = new int[n];
                for (int r = 0; r < n; r++) {
                    classes[r] = row(next + r, x, r * inputs, y, classification ? 0 : r * outputs);
                }
                next += n;
                double[] ones = new double[n];
                Arrays.fill(ones, 1.0);
                Block block = classification ? Block.ofClasses(inputs, outputs, x, classes, ones, n)
                        : new Block(inputs, outputs, x, y, ones, n);
                // Generated in double, rounded once: float32 blocks hold the float64 rows' nearest floats.
                return precision == Precision.FLOAT32 ? block.toFloat32() : block;
            }
        };
    }

    /** Row r's features at x[xOff..] and targets at y[yOff..]; returns its class (the teacher's argmax). */
    private int row(long r, double[] x, int xOff, double[] y, int yOff) {
        // SplittableRandom mixes its seed, so consecutive row seeds give unrelated streams.
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + r);
        for (int j = 0; j < inputs; j++) {
            x[xOff + j] = random.nextGaussian();
        }
        double[] hidden = new double[TEACHER_HIDDEN];
        for (int h = 0; h < TEACHER_HIDDEN; h++) {
            double z = 0;
            for (int j = 0; j < inputs; j++) {
                z += w1[h * inputs + j] * x[xOff + j];
            }
            hidden[h] = Math.tanh(z);
        }
        int best = 0;
        double[] out = new double[outputs];
        for (int k = 0; k < outputs; k++) {
            for (int h = 0; h < TEACHER_HIDDEN; h++) {
                out[k] += w2[k * TEACHER_HIDDEN + h] * hidden[h];
            }
            best = out[k] > out[best] ? k : best;
        }
        System.arraycopy(out, 0, y, yOff, outputs);
        return best;
    }

    /** Features of row r of a block, as doubles (float32 ones widened: the values training sees). */
    static double[] features(Block block, int r) {
        int in = block.inputWidth();
        if (block.precision() == Precision.FLOAT64) {
            return Arrays.copyOfRange(block.features(), r * in, (r + 1) * in);
        }
        double[] x = new double[in];
        for (int j = 0; j < in; j++) {
            x[j] = block.features32()[r * in + j];
        }
        return x;
    }

    private static double[] gaussian(SplittableRandom random, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * random.nextGaussian();
        }
        return v;
    }
}
