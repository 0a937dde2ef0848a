package dev.sparkprop.nn;

import dev.sparkprop.nn.optim.Updater;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains on one machine, without Spark: the reference the distributed trainer must reproduce.
 * Each iteration sums the gradient over its rows block by block ({@link GradientSum}), divides
 * by the total weight and takes one {@link Updater} step, exactly what the driver does after its
 * treeAggregate.
 */
public final class LocalTrainer {

    /**
     * @param epochs     passes over the data
     * @param batchRows  rows per iteration; 0 means full batch (one iteration per epoch)
     * @param blockRows  rows per GEMM block
     * @param seed       seeds the per-epoch shuffle of mini-batches
     */
    public record Settings(int epochs, int batchRows, int blockRows, long seed) {
        public Settings {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            if (batchRows < 0) {
                throw new IllegalArgumentException("batch rows must be 0 (full batch) or more, got " + batchRows);
            }
            if (blockRows < 1) {
                throw new IllegalArgumentException("block rows must be at least 1, got " + blockRows);
            }
        }

        public static Settings fullBatch(int iterations) {
            return new Settings(iterations, 0, 4096, 0);
        }
    }

    /** The trained parameters, the optimizer's state and the mean loss before each step. */
    public record Result(double[] params, double[] optimizerState, double[] lossHistory) {
        public double finalLoss() {
            return lossHistory[lossHistory.length - 1];
        }
    }

    private final NetworkSpec spec;
    private final Updater updater;
    private final Settings settings;

    public LocalTrainer(NetworkSpec spec, Updater updater, Settings settings) {
        this.spec = spec;
        this.updater = updater;
        this.settings = settings;
    }

    /** Trains from {@code initialParams} (left untouched) on all rows of {@code data}. */
    public Result fit(double[] initialParams, Block data) {
        if (data.rows() == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        double[] params = initialParams.clone();
        double[] state = updater.newState();
        int parameters = spec.layout().size();
        List<Double> losses = new ArrayList<>();
        long iteration = 0;
        if (settings.batchRows() == 0 || settings.batchRows() >= data.rows()) {
            List<Block> blocks = split(data, settings.blockRows());
            Backprop backprop = new Backprop(spec, Math.min(settings.blockRows(), data.rows()));
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                GradientSum sum = new GradientSum(parameters);
                for (Block block : blocks) {
                    sum.add(backprop, params, block);
                }
                losses.add(step(sum, params, state, iteration++));
            }
        } else {
            int batch = settings.batchRows();
            int chunk = Math.min(batch, settings.blockRows());
            Backprop backprop = new Backprop(spec, chunk);
            double[] x = new double[data.inputWidth() * chunk];
            Block buffer = data.hasClasses()
                    ? Block.ofClasses(data.inputWidth(), data.outputWidth(), x, new int[chunk], new double[chunk], chunk)
                    : new Block(data.inputWidth(), data.outputWidth(), x, new double[data.outputWidth() * chunk],
                            new double[chunk], chunk);
            int[] order = new int[data.rows()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                shuffle(order, new Random(settings.seed() * 31 + epoch));
                for (int from = 0; from < order.length; from += batch) {
                    int to = Math.min(order.length, from + batch);
                    GradientSum sum = new GradientSum(parameters);
                    for (int c = from; c < to; c += chunk) {
                        sum.add(backprop, params, gather(data, order, c, Math.min(to, c + chunk), buffer));
                    }
                    losses.add(step(sum, params, state, iteration++));
                }
            }
        }
        return new Result(params, state, losses.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private double step(GradientSum sum, double[] params, double[] state, long iteration) {
        double loss = sum.meanLoss();
        updater.update(params, sum.divideByWeight(), state, iteration);
        return loss;
    }

    /** The weighted mean loss of {@code params} over {@code data}. */
    public static double meanLoss(NetworkSpec spec, double[] params, Block data, int blockRows) {
        Backprop backprop = new Backprop(spec, Math.min(blockRows, Math.max(1, data.rows())));
        double loss = 0;
        double weight = 0;
        for (Block block : split(data, blockRows)) {
            loss += backprop.loss(params, block);
            weight += block.weightSum();
        }
        return loss / weight;
    }

    private static List<Block> split(Block data, int blockRows) {
        List<Block> blocks = new ArrayList<>();
        for (int from = 0; from < data.rows(); from += blockRows) {
            blocks.add(data.slice(from, Math.min(data.rows(), from + blockRows)));
        }
        return blocks;
    }

    /** Rows order[from..to) of {@code data}, copied into {@code buffer}'s arrays. */
    private static Block gather(Block data, int[] order, int from, int to, Block buffer) {
        int in = data.inputWidth();
        int out = data.outputWidth();
        int rows = to - from;
        for (int r = 0; r < rows; r++) {
            int source = order[from + r];
            System.arraycopy(data.features(), source * in, buffer.features(), r * in, in);
            if (data.hasClasses()) {
                buffer.classes()[r] = data.classes()[source];
            } else {
                System.arraycopy(data.targets(), source * out, buffer.targets(), r * out, out);
            }
            buffer.weights()[r] = data.weights()[source];
        }
        return data.hasClasses() ? Block.ofClasses(in, out, buffer.features(), buffer.classes(), buffer.weights(), rows)
                : new Block(in, out, buffer.features(), buffer.targets(), buffer.weights(), rows);
    }

    /** Fisher–Yates, so the order depends only on the seed. */
    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
