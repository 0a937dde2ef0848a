package dev.sparkprop.driver.train;

import static dev.sparkprop.driver.train.DistributedGradientTest.assertClose;
import static dev.sparkprop.driver.train.DistributedGradientTest.partitioned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.OptimizerSection;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientCheck;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.LocalTrainer;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.ParameterLayout;
import dev.sparkprop.nn.optim.L2Penalty;
import dev.sparkprop.nn.optim.Lbfgs;
import dev.sparkprop.nn.optim.Optimizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Full-batch L-BFGS over distributed passes: the optimum of a convex problem, its speed, and exact mode. */
class FullBatchLbfgsTest {

    private static final NetworkSpec SPEC = NetworkSpec.parse("5,12:tanh,6:elu,3:softmax", "cross_entropy");
    private static final double L2 = 1e-3;

    private static TrainingSettings lbfgs(NetworkSpec spec, String kind, double l2, int epochs) {
        return TrainingSettings.builder(spec.layersSpec(), spec.loss().name()).precision("float64").optimizer(kind)
                .set(OptimizerSection.L2, l2).epochs(epochs).blockRows(16).build();
    }

    /** The data as the trainer sees it (standardized, float64), in its partitions. */
    private static TrainingData load(String file, String label, NetworkSpec spec, int partitions) {
        Dataset<Row> all = SparkTestSession.spark().read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.dataset(file));
        List<String> features = new ArrayList<>(Arrays.asList(all.columns()));
        features.remove(label);
        DataColumns columns = DataColumns.of(features, label);
        Preprocessing prep = PreprocessingFitter.fit(all, columns, spec, true).preprocessing();
        return TrainingData.fromDataFrame(all.repartition(partitions), "the training data", prep, spec, 16, null,
                dev.sparkprop.nn.Precision.FLOAT64);
    }

    /** The objective L-BFGS minimises, evaluated by the trainer's own pass: mean loss + (λ/2)·Σ W². */
    private static double objective(TrainingSettings settings, TrainingData data, double[] w) {
        GradientSum sum = new DistributedTrainer(SparkTestSession.sc(), settings).gradient(data, w);
        return sum.meanLoss() + settings.optimizer().penalty(settings.network().layout()).value(w);
    }

    @Test
    void logisticRegressionReachesTheOptimumNewtonsMethodGives() {
        // A network without hidden layer is logistic regression: with l2 > 0 its objective is strictly
        // convex, so the optimum is unique. The reference is Newton's method on the same rows, written
        // here from the textbook gradient and Hessian of the mean logistic loss.
        NetworkSpec spec = NetworkSpec.parse("30,1:sigmoid", "binary_cross_entropy");
        double l2 = 0.01;
        TrainingSettings settings = lbfgs(spec, "lbfgs(history=10,tolerance=1e-13)", l2, 300);
        try (TrainingData data = load("breast_cancer.csv", "label", spec, 3)) {
            double[] newton = newton(data.blocks().collect(), spec.layout(), l2);
            DistributedTrainer.Result result = new DistributedTrainer(SparkTestSession.sc(), settings)
                    .fit(data, settings.initialParameters(), (epoch, w, loss, accuracy) -> true);

            assertNotNull(result.converged(), "converges before 300 iterations");
            double optimum = objective(settings, data, newton);
            double reached = objective(settings, data, result.params());
            System.out.printf("logistic regression: L-BFGS %.17g after %d iterations (%s), Newton %.17g%n", reached,
                    result.iterations(), result.converged(), optimum);
            assertEquals(optimum, reached, 1e-6 * optimum);
        }
    }

    /** Newton's method for (1/N)·Σ logistic loss + (λ/2)·‖W‖² on one sigmoid output, from zero. */
    private static double[] newton(List<Block> blocks, ParameterLayout layout, double l2) {
        int in = layout.fanIn(1);
        int n = in + 1; // W then b: the layout's order for one output
        assertEquals(0, layout.weightOffset(1));
        assertEquals(in, layout.biasOffset(1));
        double[] w = new double[n];
        for (int iteration = 0; iteration < 50; iteration++) {
            double[] g = new double[n];
            double[][] h = new double[n][n];
            double rows = 0;
            for (Block b : blocks) {
                for (int r = 0; r < b.rows(); r++) {
                    double[] x = row(b, r, in);
                    double z = 0;
                    for (int i = 0; i < n; i++) {
                        z += w[i] * x[i];
                    }
                    double p = 1 / (1 + Math.exp(-z));
                    double y = b.target(r, 0);
                    for (int i = 0; i < n; i++) {
                        g[i] += (p - y) * x[i];
                        for (int j = 0; j < n; j++) {
                            h[i][j] += p * (1 - p) * x[i] * x[j];
                        }
                    }
                    rows++;
                }
            }
            for (int i = 0; i < n; i++) {
                g[i] = g[i] / rows + (i < in ? l2 * w[i] : 0);
                for (int j = 0; j < n; j++) {
                    h[i][j] = h[i][j] / rows + (i == j && i < in ? l2 : 0);
                }
            }
            double[] step = solve(h, g);
            for (int i = 0; i < n; i++) {
                w[i] -= step[i];
            }
            if (norm(g) < 1e-14) {
                return w;
            }
        }
        throw new AssertionError("Newton's method did not converge in 50 iterations");
    }

    private static double[] row(Block b, int r, int in) {
        double[] x = new double[in + 1];
        System.arraycopy(b.features(), r * in, x, 0, in);
        x[in] = 1;
        return x;
    }

    /** h·x = g by Gaussian elimination with partial pivoting (h is symmetric positive definite). */
    private static double[] solve(double[][] h, double[] g) {
        int n = g.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = Arrays.copyOf(h[i], n + 1);
            m[i][n] = g[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) {
                p = Math.abs(m[i][c]) > Math.abs(m[p][c]) ? i : p;
            }
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            for (int i = c + 1; i < n; i++) {
                double f = m[i][c] / m[c][c];
                for (int j = c; j <= n; j++) {
                    m[i][j] -= f * m[c][j];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = m[i][n];
            for (int j = i + 1; j < n; j++) {
                s -= m[i][j] * x[j];
            }
            x[i] = s / m[i][i];
        }
        return x;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void onASmallNetworkItNeedsFewerPassesThanAdamFullBatchForTheSameObjective() {
        // Adam gets 300 full-batch steps (one pass each) at each of three learning rates; L-BFGS must
        // reach the lowest objective Adam reached in fewer passes over the data, its line searches'
        // included. With l2 > 0 both minimise the same objective, which has a minimum (without it,
        // on separable data the loss falls towards 0 by growing the weights, which favours long steps).
        NetworkSpec spec = NetworkSpec.parse("13,8:tanh,3:softmax", "cross_entropy");
        double l2 = 1e-3;
        int adamPasses = 300;
        try (TrainingData data = load("wine.csv", "label", spec, 2)) {
            Block all = concatenate(data.blocks().collect());
            L2Penalty penalty = new L2Penalty(spec.layout(), l2);
            TrainingSettings settings = lbfgs(spec, "lbfgs", l2, 100);
            double[] init = settings.initialParameters();
            double adamObjective = Double.POSITIVE_INFINITY;
            for (double lr : new double[] {0.003, 0.01, 0.03}) {
                TrainingSettings adam = settings.toBuilder().optimizer("adam").learningRate(lr).build();
                LocalTrainer.Result r = new LocalTrainer(spec, adam.updater(), LocalTrainer.Settings.fullBatch(
                        adamPasses)).fit(init, all);
                adamObjective = Math.min(adamObjective,
                        LocalTrainer.meanLoss(spec, r.params(), all, 16) + penalty.value(r.params()));
            }
            // one iteration an epoch: the objective at each epoch's end is the one after that iteration
            List<Double> objectives = new ArrayList<>();
            DistributedTrainer.Result result = new DistributedTrainer(SparkTestSession.sc(), settings).fit(data, init,
                    (epoch, w, loss, accuracy) -> objectives.add(LocalTrainer.meanLoss(spec, w, all, 16)
                            + penalty.value(w)));
            long passes = 1; // the evaluation at the initial weights
            long passesToTarget = -1;
            for (int k = 0; k < result.history().size() && passesToTarget < 0; k++) {
                passes += result.history().get(k).rows() / data.rows();
                passesToTarget = objectives.get(k) <= adamObjective ? passes : -1;
            }
            System.out.printf("wine 13-8-3, l2 %g: Adam's lowest objective after %d passes %.6g; L-BFGS reaches it"
                    + " after %d passes%n", l2, adamPasses, adamObjective, passesToTarget);
            assertTrue(passesToTarget > 0 && passesToTarget < adamPasses,
                    "L-BFGS took " + passesToTarget + " passes (-1: not within its 100 iterations) to reach Adam's "
                    + adamObjective);
        }
    }

    private static Block concatenate(List<Block> blocks) {
        int in = blocks.get(0).inputWidth();
        int out = blocks.get(0).outputWidth();
        int rows = blocks.stream().mapToInt(Block::rows).sum();
        double[] x = new double[rows * in];
        int[] c = new int[rows];
        double[] weights = new double[rows];
        int at = 0;
        for (Block b : blocks) {
            System.arraycopy(b.features(), 0, x, at * in, b.rows() * in);
            System.arraycopy(b.classes(), 0, c, at, b.rows());
            System.arraycopy(b.weights(), 0, weights, at, b.rows());
            at += b.rows();
        }
        return Block.ofClasses(in, out, x, c, weights, rows);
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 3, 8})
    void tenIterationsMatchTheSingleMachineIterationsAndRepeatBitwise(int partitions) {
        GradientCheck.Problem p = GradientCheck.randomProblem(SPEC, 200, 8);
        TrainingSettings settings = lbfgs(SPEC, "lbfgs(history=4,tolerance=0)", L2, 10);
        double[] init = settings.initialParameters();
        double[] local = localLbfgs(p.block(), init, 10);

        try (TrainingData data = partitioned(p.block(), DistributedTrainingTest.unevenSplit(200, partitions), 16)) {
            DistributedTrainer trainer = new DistributedTrainer(SparkTestSession.sc(), settings);
            DistributedTrainer.Result first = trainer.fit(data, init, (epoch, w, loss, accuracy) -> true);
            DistributedTrainer.Result second = trainer.fit(data, init, (epoch, w, loss, accuracy) -> true);

            assertEquals(10, first.history().size());
            // Blocks fall differently in partitions than on one machine: the sums round differently in the
            // last bits, and ten iterations keep that well under 1e-9.
            assertClose(local, first.params(), 1e-9);
            assertArrayEquals(first.params(), second.params(), "the same partitioning repeats to the last bit");
            assertArrayEquals(first.optimizerState(), second.optimizerState());
        }
    }

    /** Ten L-BFGS iterations on one machine: the same Lbfgs, the objective summed over 16-row blocks. */
    private static double[] localLbfgs(Block all, double[] init, int iterations) {
        Lbfgs lbfgs = (Lbfgs) Optimizers.parse("lbfgs(history=4,tolerance=0)");
        ParameterLayout layout = SPEC.layout();
        L2Penalty penalty = new L2Penalty(layout, L2);
        Backprop backprop = new Backprop(SPEC, 16);
        Lbfgs.Objective<Void> objective = x -> {
            GradientSum sum = new GradientSum(layout.size());
            for (int from = 0; from < all.rows(); from += 16) {
                sum.add(backprop, x, all.slice(from, Math.min(all.rows(), from + 16)));
            }
            double[] g = sum.divideByWeight();
            penalty.addGradient(x, g);
            return new Lbfgs.Evaluated<>(sum.meanLoss() + penalty.value(x), g, null);
        };
        double[] w = init.clone();
        double[] state = lbfgs.initialState(w.length);
        Lbfgs.Evaluated<Void> at = objective.at(w);
        for (int k = 0; k < iterations; k++) {
            at = lbfgs.iterate(w, at, state, objective).at();
        }
        return w;
    }
}
