package dev.sparkprop.driver.train;

import dev.sparkprop.nn.Task;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop every trainer runs, whatever one Spark job does ({@link Job}): training.epochs
 * epochs of a fixed number of optimizer steps, taken in jobs of one or more steps; going on
 * from a mid-epoch {@link TrainerState} exactly; each epoch's mean loss and accuracy;
 * training.on_non_finite for a job that left the weights as they were; the history and the
 * listeners (progress, epoch end and early stopping, checkpoints).
 */
final class EpochLoop {

    private static final Logger LOG = LoggerFactory.getLogger(EpochLoop.class);

    /** One Spark job of the loop. */
    @FunctionalInterface
    interface Job {
        /**
         * Takes {@code steps} optimizer steps on the run's {@code params} and {@code state}, in
         * place, or leaves both as they were and says why in the outcome's fault.
         *
         * @param stepInEpoch the epoch's steps before this job
         * @param iteration   the run's steps before this job
         */
        Outcome take(double[] params, double[] state, int epoch, int stepInEpoch, int steps, long iteration);
    }

    /**
     * What a job did: the rows it trained on, its mean loss, its learning rate, the summed weight
     * of the rows it classified right and of all its rows ({@link Task#correctWeight}); why it
     * left the weights as they were (null when it did not); steps its tasks skipped as
     * non-finite although the job's step was taken; why L-BFGS stopped (null when it did not).
     */
    record Outcome(long rows, double loss, double learningRate, double correct, double weight, String fault,
                   long skippedInTasks, String converged) {

        /** A job that took no step and met no fault: its rows all weigh 0. The loss is NaN, for no rows weighed. */
        static Outcome noStep(long rows, double learningRate) {
            return new Outcome(rows, Double.NaN, learningRate, 0, 0, null, 0, null);
        }

        /** Whether the job stepped, so its loss counts in the epoch's. */
        boolean stepped() {
            return fault == null && weight > 0;
        }
    }

    private final JavaSparkContext sc;
    private final TrainingSettings settings;
    private final Task task;
    private final String description;
    private final int stepsPerEpoch;
    private final int stepsPerJob;

    /**
     * @param description how the Spark UI names the jobs, before the steps: "sparkprop", ...
     * @param stepsPerJob the steps a job takes, but the epoch's last, which takes what is left
     */
    EpochLoop(JavaSparkContext sc, TrainingSettings settings, String description, int stepsPerEpoch,
              int stepsPerJob) {
        this.sc = sc;
        this.settings = settings;
        this.task = settings.network().task();
        this.description = description;
        this.stepsPerEpoch = stepsPerEpoch;
        this.stepsPerJob = stepsPerJob;
    }

    /** Trains from {@code start} (left untouched), reporting to the listeners as DistributedTrainer#fit says. */
    DistributedTrainer.Result run(TrainerState start, Job job, DistributedTrainer.IterationListener iterations,
                                  DistributedTrainer.EpochListener listener, DistributedTrainer.StepListener steps) {
        double[] params = start.params().clone();
        double[] state = start.optimizerState().clone();
        List<DistributedTrainer.Iteration> history = new ArrayList<>();
        long started = System.nanoTime();
        long iteration = start.iteration();
        long skipped = 0;
        String converged = null;
        boolean go = !start.stopped();
        for (int epoch = start.epoch(); epoch < settings.epochs() && go; epoch++) {
            boolean resumed = epoch == start.epoch();
            double epochLoss = resumed ? start.epochLoss() : 0;
            double epochCorrect = resumed ? start.epochCorrect() : 0;
            double epochWeight = resumed ? start.epochWeight() : 0;
            int step = resumed ? start.stepInEpoch() : 0;
            int counted = resumed ? start.epochSteps() : 0;
            while (step < stepsPerEpoch && converged == null) {
                int n = Math.min(stepsPerJob, stepsPerEpoch - step);
                String name = stepsPerJob == 1 ? "iteration " + (iteration + 1)
                        : "steps " + (iteration + 1) + "-" + (iteration + n);
                long t0 = System.nanoTime();
                sc.setJobDescription(description + " " + name + " (epoch " + (epoch + 1) + ")");
                Outcome done = job.take(params, state, epoch, step, n, iteration);
                if (done.stepped()) {
                    skipped += done.skippedInTasks();
                    epochCorrect += done.correct();
                    epochWeight += done.weight();
                    epochLoss += done.loss() * n / stepsPerEpoch;
                    counted += n;
                } else if (done.fault() != null && settings.skipNonFinite()) {
                    LOG.warn("sparkprop: skipped {}: {}", name, done.fault());
                    skipped += n;
                } else if (done.fault() != null) {
                    throw new TrainingDivergedException(iteration + 1, name + ": " + done.fault()
                            + TrainingDivergedException.advice(settings.learningRate()));
                }
                iteration += n;
                step += n;
                converged = done.converged();
                double seconds = (System.nanoTime() - t0) / 1e9;
                DistributedTrainer.Iteration record = new DistributedTrainer.Iteration(iteration, epoch, step,
                        done.rows(), done.loss(), done.learningRate(), seconds, done.fault() != null);
                history.add(record);
                if (LOG.isDebugEnabled()) {
                    LOG.debug(String.format("sparkprop: iteration %d epoch %d loss %.6g elapsed %.3f s (%.3f s)"
                            + " %.0f rows/s", record.iteration(), epoch + 1, record.loss(),
                            (System.nanoTime() - started) / 1e9, seconds, record.rowsPerSecond()));
                }
                iterations.iterationDone(record, stepsPerEpoch);
                if (step < stepsPerEpoch && converged == null) {
                    steps.stepTaken(new TrainerState(params, state, iteration, epoch, step, counted, epochLoss,
                            epochCorrect, epochWeight, false), false);
                }
            }
            // The mean over the steps whose loss counts: those skipped, those whose rows weighed nothing, and
            // those L-BFGS's convergence cut short do not; none: no loss (a 0 would read as the best yet)
            double trainLoss = counted == 0 ? Double.NaN : counted == stepsPerEpoch ? epochLoss
                    : epochLoss * stepsPerEpoch / counted;
            go = listener.epochEnded(epoch, params, trainLoss, task.accuracy(epochCorrect, epochWeight));
            go = go && converged == null;
            steps.stepTaken(new TrainerState(params, state, iteration, epoch + 1, 0, 0, 0, 0, 0, !go), true);
        }
        sc.setJobDescription(null);
        return new DistributedTrainer.Result(params, state, history, iteration, skipped, converged);
    }
}
