package dev.sparkprop.nn.optim;

/**
 * A first-order update rule on the flat parameter array: create state with
 * {@link #initialState}, call {@link #step} once per iteration, and save or restore the state
 * array to checkpoint (it is the whole of the optimizer's memory; implementations hold no
 * mutable fields, so a fresh instance given a restored state continues exactly).
 *
 * <p>State is {@link #stateSlots()} consecutive blocks of n values, n the number of parameters:
 * slot k of parameter i is at {@code k * n + i}, in the parameter layout's order.
 */
public non-sealed interface Optimizer extends OptimizerKind {

    /** Values of state kept per parameter: 0 for SGD, 1 for momentum, 2 for Adam. */
    int stateSlots();

    /** {@code stateSlots() * n}: the state before the first step is that many zeros. */
    @Override
    default int stateLength(int n) {
        return stateSlots() * n;
    }

    /**
     * Updates {@code w} in place from gradient {@code g} (read only) and advances {@code state}.
     *
     * @param lr the learning rate of this step
     * @param t  the 1-based step number (Adam's bias correction depends on it)
     * @throws IllegalArgumentException when {@code g} or {@code state} do not fit {@code w}
     */
    void step(double[] w, double[] g, double[] state, double lr, long t);

    /**
     * The decoupled weight decay λ the caller applies as w -= lr·λ·w before {@link #step}
     * (see {@link Updater}); 0 for all but AdamW.
     */
    default double decoupledWeightDecay() {
        return 0;
    }
}
