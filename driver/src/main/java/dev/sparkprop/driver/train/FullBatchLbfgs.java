package dev.sparkprop.driver.train;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.nn.GradientSum;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.optim.L2Penalty;
import dev.sparkprop.nn.optim.Lbfgs;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop for optimizer.kind = lbfgs: each iteration is one {@link Lbfgs#iterate}
 * on the driver, whose every evaluation of the objective is one distributed full-batch pass
 * ({@link DistributedTrainer#gradient}, exact sums) plus the L2 penalty. An epoch is
 * training.iterations_per_epoch iterations (1 when 0); the run ends after training.epochs, when
 * early stopping says so, or when L-BFGS has converged (after that iteration's epoch ends).
 *
 * <p>The state array holds the (s, y) history; the evaluation at the current weights, which
 * the next iteration starts from, is computed again when a run starts or resumes (one pass,
 * which a step's rows do not count), and is the same to the last bit as the one the
 * uninterrupted run had, so a resumed run goes on exactly.
 */
final class FullBatchLbfgs {

    private static final Logger LOG = LoggerFactory.getLogger(FullBatchLbfgs.class);

    private final DistributedTrainer trainer;
    private final JavaSparkContext sc;
    private final TrainingSettings settings;
    private final Lbfgs lbfgs;
    private final NetworkSpec spec;
    private final L2Penalty penalty;
    /** The objective at the run's current weights, where the next iteration starts. */
    private Lbfgs.Evaluated<GradientSum> current;

    FullBatchLbfgs(DistributedTrainer trainer, JavaSparkContext sc, TrainingSettings settings, Lbfgs lbfgs) {
        this.trainer = trainer;
        this.sc = sc;
        this.settings = settings;
        this.lbfgs = lbfgs;
        this.spec = settings.network();
        this.penalty = settings.optimizer().penalty(spec.layout());
    }

    /** As {@link DistributedTrainer#fit(TrainingData, TrainerState, DistributedTrainer.IterationListener,
     * DistributedTrainer.EpochListener, DistributedTrainer.StepListener)}, whose checks {@code start} has passed. */
    DistributedTrainer.Result fit(TrainingData data, TrainerState start, DistributedTrainer.IterationListener iterations,
                                  DistributedTrainer.EpochListener listener, DistributedTrainer.StepListener steps) {
        int perEpoch = Math.max(1, settings.iterationsPerEpoch());
        LOG.info("sparkprop: {} with {}, {} per epoch", DistributedTrainer.trainingOn(settings, data), lbfgs.name(),
                Prose.count(perEpoch, "iteration"));
        if (!start.finished(settings.epochs())) {
            sc.setJobDescription("sparkprop L-BFGS evaluation at iteration " + start.iteration());
            current = evaluate(data, start.params());
            if (Double.isNaN(current.value())) {
                throw new TrainingDivergedException(start.iteration() + 1, "iteration " + (start.iteration() + 1)
                        + ": the loss is " + current.payload().meanLoss() + " or its gradient not finite at the"
                        + " weights it starts from. Likely cause: inputs far from unit scale (data.standardize)");
            }
        }
        EpochLoop loop = new EpochLoop(sc, settings, "sparkprop L-BFGS", perEpoch, 1);
        return loop.run(start, (params, state, epoch, k, oneStep, iteration) -> {
            GradientSum at = current.payload();
            Lbfgs.Step<GradientSum> step = lbfgs.iterate(params, current, state, x -> evaluate(data, x));
            current = step.at();
            return new EpochLoop.Outcome(at.rows() * step.evaluations(), at.meanLoss(), step.alpha(),
                    at.correctWeight(), at.weightSum(), null, 0, step.converged());
        }, iterations, listener, steps);
    }

    /**
     * The objective at {@code x}: the weighted mean loss over every row plus (λ/2)·Σ W², and its
     * gradient. NaN when the loss or any gradient value is not finite, which the line search
     * takes for no decrease.
     */
    private Lbfgs.Evaluated<GradientSum> evaluate(TrainingData data, double[] x) {
        GradientSum sum = trainer.gradient(data, x);
        double[] g = sum.divideByWeight();
        penalty.addGradient(x, g);
        double value = sum.meanLoss() + penalty.value(x);
        boolean finite = Double.isFinite(value);
        for (int i = 0; i < g.length && finite; i++) {
            finite = Double.isFinite(g[i]);
        }
        return new Lbfgs.Evaluated<>(finite ? value : Double.NaN, g, sum);
    }
}
