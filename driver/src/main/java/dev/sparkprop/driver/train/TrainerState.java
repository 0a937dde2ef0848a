package dev.sparkprop.driver.train;

/**
 * Where a training run stands between two optimizer steps: everything the loop needs to go
 * on exactly as if it had never stopped. The arrays are the loop's own (live) when handed to
 * a {@link DistributedTrainer.StepListener}.
 *
 * @param params         the weights, flat layout
 * @param optimizerState the optimizer's state arrays, end to end
 * @param iteration      optimizer steps taken so far
 * @param epoch          the current epoch, 0-based
 * @param stepInEpoch    steps taken in the current epoch
 * @param epochSteps     of those, the steps whose loss counts: not skipped as non-finite, on rows of some weight
 * @param epochLoss      the current epoch's sum of those steps' losses / iterations per epoch so far
 * @param epochCorrect   the current epoch's summed weight of right predictions so far (Task#correctWeight)
 * @param epochWeight    the current epoch's summed row weight so far
 * @param stopped        whether the run ended before its epochs ran out: early stopping said stop, or
 *                       L-BFGS converged. Running out of epochs is not recorded but counted
 *                       ({@link #finished}), so a run resumed with more training.epochs goes on.
 */
public record TrainerState(double[] params, double[] optimizerState, long iteration, int epoch, int stepInEpoch,
                           int epochSteps, double epochLoss, double epochCorrect, double epochWeight, boolean stopped) {

    /** The start of a run from {@code params}, with a fresh optimizer state. */
    public static TrainerState start(double[] params, double[] optimizerState) {
        return new TrainerState(params, optimizerState, 0, 0, 0, 0, 0, 0, 0, false);
    }

    /** Whether a run of {@code epochs} epochs has nothing left to train from here. */
    public boolean finished(int epochs) {
        return stopped || epoch >= epochs;
    }
}
