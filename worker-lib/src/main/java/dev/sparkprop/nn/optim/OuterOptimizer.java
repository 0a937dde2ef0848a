package dev.sparkprop.nn.optim;

import dev.sparkprop.nn.SpecFamily;
import dev.sparkprop.nn.SpecKind;
import dev.sparkprop.nn.SpecParameter;
import dev.sparkprop.nn.SpecParameter.Range;

/**
 * The step that applies one round of local steps (local SGD, DiLoCo): the partitions' parameter
 * changes, averaged, are an outer "pseudo-gradient" g = -Δ̄ that an update rule applies at its
 * own learning rate. {@code average} is outer SGD at rate 1, w + Δ̄: plain periodic averaging
 * (Stich 2018; Lin et al. 2018). {@code nesterov(momentum, learning_rate)} is outer Nesterov
 * momentum as DiLoCo (Douillard et al. 2023) has it, 0.9 and 0.7 there, torch.optim.SGD's
 * update ({@link Optimizers.Nesterov}). Its state is {@link #stateSlots()} values per parameter.
 *
 * @param rule         the update rule applied to -Δ̄
 * @param learningRate its learning rate
 */
public record OuterOptimizer(Optimizer rule, double learningRate) {

    static final SpecFamily<OuterOptimizer> SPECS = new SpecFamily<>("outer optimizer");

    private static final SpecKind<OuterOptimizer> AVERAGE = SPECS.kind("average", v -> average());
    private static final SpecKind<OuterOptimizer> NESTEROV = SPECS.kind("nesterov",
            v -> nesterov(v.number("momentum"), v.number("learning_rate")),
            SpecParameter.decimal("momentum", 0.9, Range.UNIT),
            SpecParameter.decimal("learning_rate", 0.7, Range.POSITIVE));

    public OuterOptimizer {
        if (!(rule instanceof Optimizers.Nesterov || rule instanceof Optimizers.Sgd && learningRate == 1)) {
            throw new IllegalArgumentException("an outer optimizer is averaging (SGD at rate 1) or Nesterov, got "
                    + rule.name() + " at " + learningRate);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("an outer learning rate must be a finite number > 0, got "
                    + learningRate);
        }
    }

    /** The partitions' weights averaged: w + Δ̄, i.e. outer SGD at learning rate 1. */
    public static OuterOptimizer average() {
        return new OuterOptimizer(Optimizers.sgd(), 1);
    }

    public static OuterOptimizer nesterov(double momentum, double learningRate) {
        return new OuterOptimizer(Optimizers.nesterov(momentum), NESTEROV.check("learning_rate", learningRate));
    }

    /**
     * Parses {@code average} or {@code nesterov}, {@code nesterov(momentum=0.9,learning_rate=0.7)}.
     *
     * @throws IllegalArgumentException naming the bad part and the accepted form
     */
    public static OuterOptimizer parse(String spec) {
        return SPECS.parse(spec);
    }

    /** The canonical spec, which {@link #parse} reads back to an equal outer optimizer. */
    public String name() {
        return rule instanceof Optimizers.Nesterov n ? NESTEROV.render(n.momentum(), learningRate) : AVERAGE.render();
    }

    /** State values per parameter: 0 for averaging, 1 (the velocity) for Nesterov. */
    public int stateSlots() {
        return rule.stateSlots();
    }

    /**
     * Moves {@code w} by the mean change {@code meanChange} (overwritten: it becomes the
     * pseudo-gradient -Δ̄) and advances {@code state}.
     *
     * @param round the 0-based outer step
     */
    public void step(double[] w, double[] meanChange, double[] state, long round) {
        for (int i = 0; i < meanChange.length; i++) {
            meanChange[i] = -meanChange[i];
        }
        rule.step(w, meanChange, state, learningRate, round + 1);
    }
}
