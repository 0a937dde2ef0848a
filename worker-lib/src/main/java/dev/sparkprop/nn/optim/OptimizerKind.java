package dev.sparkprop.nn.optim;

/**
 * What {@code optimizer.kind} names: a first-order {@link Optimizer}, which {@link Updater} steps
 * from one gradient at a time, or {@link Lbfgs}, which searches along a line over full-batch
 * evaluations. Either keeps everything it remembers between iterations in one state array, so a
 * checkpoint saves it and a fresh instance given the restored state continues exactly.
 */
public sealed interface OptimizerKind permits Optimizer, Lbfgs {

    /** The canonical spec, every argument written out; {@link Optimizers#parse} reads it back to an equal kind. */
    String name();

    /** The length of the state array for n parameters. */
    int stateLength(int n);

    /** The state before the first iteration: {@link #stateLength} zeros. */
    default double[] initialState(int n) {
        return new double[stateLength(n)];
    }
}
