package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.optim.LearningRateSchedules;
import dev.sparkprop.nn.optim.Optimizers;
import dev.sparkprop.nn.optim.Updater;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {

    @Test
    void learnsXor() {
        NetworkSpec spec = NetworkSpec.parse("2,8:tanh,1:sigmoid", "binary_cross_entropy");
        double[] x = {0, 0, 0, 1, 1, 0, 1, 1};
        double[] y = {0, 1, 1, 0};
        Block data = Block.unweighted(2, 1, x, y, 4);
        Updater adam = new Updater(spec.layout(), Optimizers.adam(0.9, 0.999, 1e-8),
                LearningRateSchedules.constant(0.05), 0, Updater.NO_CLIPPING);

        LocalTrainer.Result result = new LocalTrainer(spec, adam, LocalTrainer.Settings.fullBatch(500))
                .fit(Initializer.XAVIER_UNIFORM.initialise(spec, 1), data);

        double[] out = new Backprop(spec, 4).predict(result.params(), Block.unweighted(2, 1, x, y, 4));
        for (int r = 0; r < 4; r++) {
            assertEquals(y[r], out[r], 0.05, "XOR row " + r);
        }
        assertTrue(result.finalLoss() < 0.05 * result.lossHistory()[0], "loss " + result.finalLoss());
    }

    @Test
    void learnsANonLinearRegressionWithMiniBatches() {
        // y = sin(2 x1) + x2² - 0.5 x1 x2 on [-1.5, 1.5]²: no linear model comes close.
        int rows = 2000;
        Random random = new Random(4);
        double[] x = new double[2 * rows];
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double x1 = 3 * random.nextDouble() - 1.5;
            double x2 = 3 * random.nextDouble() - 1.5;
            x[2 * r] = x1;
            x[2 * r + 1] = x2;
            y[r] = Math.sin(2 * x1) + x2 * x2 - 0.5 * x1 * x2;
        }
        Block all = Block.unweighted(2, 1, x, y, rows);
        Block train = all.slice(0, 1500);
        Block test = all.slice(1500, rows);
        NetworkSpec spec = NetworkSpec.parse("2,32:tanh,32:tanh,1:identity", "mse");
        Updater adam = new Updater(spec.layout(), Optimizers.adam(0.9, 0.999, 1e-8),
                LearningRateSchedules.constant(0.01), 0, Updater.NO_CLIPPING);

        LocalTrainer.Result result = new LocalTrainer(spec, adam, new LocalTrainer.Settings(60, 64, 256, 9))
                .fit(Initializer.XAVIER_NORMAL.initialise(spec, 2), train);

        double testMse = LocalTrainer.meanLoss(spec, result.params(), test, 256);
        double variance = variance(test.targets(), test.rows());
        double r2 = 1 - testMse / variance;
        System.out.printf("non-linear regression: held-out R² %.4f after %d mini-batch steps%n", r2,
                result.lossHistory().length);
        assertTrue(r2 > 0.98, "held-out R² " + r2);
    }

    @Test
    void sameSeedGivesTheSameModelBitForBit() {
        NetworkSpec spec = NetworkSpec.parse("3,5:relu,2:softmax", "cross_entropy");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 100, 5);
        LocalTrainer.Settings settings = new LocalTrainer.Settings(3, 16, 8, 77);

        double[] first = train(spec, p, settings).params();
        double[] second = train(spec, p, settings).params();
        double[] otherSeed = train(spec, p, new LocalTrainer.Settings(3, 16, 8, 78)).params();

        assertArrayEquals(first, second);
        assertTrue(!java.util.Arrays.equals(first, otherSeed), "the seed must change the mini-batch order");
    }

    @Test
    void fullBatchObjectiveDoesNotDependOnBlockSize() {
        NetworkSpec spec = NetworkSpec.parse("3,5:tanh,2:softmax", "cross_entropy");
        GradientCheck.Problem p = GradientCheck.randomProblem(spec, 100, 6);

        double[] oneBlock = train(spec, p, new LocalTrainer.Settings(5, 0, 100, 0)).params();
        double[] manyBlocks = train(spec, p, new LocalTrainer.Settings(5, 0, 7, 0)).params();

        for (int i = 0; i < oneBlock.length; i++) {
            assertEquals(oneBlock[i], manyBlocks[i], 1e-12 * (1 + Math.abs(oneBlock[i])));
        }
    }

    private static LocalTrainer.Result train(NetworkSpec spec, GradientCheck.Problem p, LocalTrainer.Settings settings) {
        Updater sgd = new Updater(spec.layout(), Optimizers.sgd(), LearningRateSchedules.constant(0.1), 0,
                Updater.NO_CLIPPING);
        return new LocalTrainer(spec, sgd, settings).fit(p.params(), p.block());
    }

    private static double variance(double[] v, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += v[i] / n;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (v[i] - mean) * (v[i] - mean);
        }
        return sum / n;
    }
}
