package dev.sparkprop.driver.config;

import dev.sparkprop.nn.ParameterLayout;
import dev.sparkprop.nn.optim.L2Penalty;
import dev.sparkprop.nn.optim.LearningRateSchedule;
import dev.sparkprop.nn.optim.LearningRateSchedules;
import dev.sparkprop.nn.optim.Optimizer;
import dev.sparkprop.nn.optim.OptimizerKind;
import dev.sparkprop.nn.optim.Optimizers;
import dev.sparkprop.nn.optim.Updater;
import java.util.List;

/**
 * The optimizer keys ({@code optimizer.*}), parsed: the update rule, the learning rate and its
 * schedule, L2 and gradient clipping. What each key means, its 0 included, is in
 * {@code reference.conf}.
 *
 * @param kind     optimizer.kind: a first-order {@link Optimizer} or full-batch L-BFGS
 * @param schedule optimizer.schedule at optimizer.learning_rate
 * @param l2       optimizer.l2, whose 0 {@link Updater} handles
 * @param clipNorm optimizer.clip_norm, whose 0 {@link Updater} handles
 */
public record OptimizerSection(OptimizerKind kind, double learningRate, LearningRateSchedule schedule, double l2,
                               double clipNorm) {

    public static final Setting<OptimizerKind> KIND = Setting.spec("optimizer.kind", Optimizers::parse).param();
    public static final Setting<Double> LEARNING_RATE = Setting.number("optimizer.learning_rate", lr -> lr > 0, "> 0")
            .param();
    /** A schedule spec; {@link #read} parses it with the learning rate, which it scales. */
    public static final Setting<String> SCHEDULE = Setting.string("optimizer.schedule").param();
    public static final Setting<Double> L2 = Setting.number("optimizer.l2", x -> x >= 0, "≥ 0").param();
    public static final Setting<Double> CLIP_NORM = Setting.number("optimizer.clip_norm", x -> x >= 0,
            "≥ 0 (0 turns clipping off)").param();

    static final List<Setting<?>> SETTINGS = List.of(KIND, LEARNING_RATE, SCHEDULE, L2, CLIP_NORM);

    static OptimizerSection read(ConfigReader r) {
        OptimizerKind kind = KIND.read(r);
        double learningRate = LEARNING_RATE.read(r);
        String schedule = SCHEDULE.read(r);
        LearningRateSchedule parsed = r.valid(LEARNING_RATE.key())
                ? r.parse(SCHEDULE.key(), () -> LearningRateSchedules.parse(schedule, learningRate), null) : null;
        return new OptimizerSection(kind, learningRate, parsed, L2.read(r), CLIP_NORM.read(r));
    }

    /**
     * The step these settings take on the parameters of {@code layout}.
     *
     * @throws IllegalStateException for L-BFGS, which takes no step from a gradient alone
     */
    public Updater updater(ParameterLayout layout) {
        if (!(kind instanceof Optimizer firstOrder)) {
            throw new IllegalStateException(kind.name() + " searches along a line over full-batch evaluations; it has"
                    + " no per-gradient updater");
        }
        return new Updater(layout, firstOrder, schedule, l2, clipNorm);
    }

    /** The L2 penalty optimizer.l2 adds to the objective on the parameters of {@code layout}. */
    public L2Penalty penalty(ParameterLayout layout) {
        return new L2Penalty(layout, l2);
    }
}
