package dev.sparkprop.nn.optim;

import dev.sparkprop.nn.Spec;
import dev.sparkprop.nn.SpecFamily;
import dev.sparkprop.nn.SpecKind;
import dev.sparkprop.nn.SpecParameter;
import dev.sparkprop.nn.SpecParameter.Range;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * The learning-rate schedules sparkprop offers, declared once as spec kinds, and {@link #parse}
 * for their specs. Each is a record (equal when built from equal values) whose base rate lr is
 * given separately from its spec. Iterations are 0-based.
 */
public final class LearningRateSchedules {

    /** Every schedule, with its parameters; a parsed spec builds the schedule for a base rate lr. */
    static final SpecFamily<DoubleFunction<LearningRateSchedule>> SPECS = new SpecFamily<>("learning-rate schedule");

    private static final SpecKind<DoubleFunction<LearningRateSchedule>> CONSTANT = SPECS.kind("constant",
            v -> LearningRateSchedules::constant);
    private static final SpecKind<DoubleFunction<LearningRateSchedule>> STEP = SPECS.kind("step",
            v -> lr -> step(lr, v.whole("step_size"), v.number("gamma")),
            SpecParameter.requiredWhole("step_size", 100, Range.AT_LEAST_ONE),
            // PyTorch StepLR's default
            SpecParameter.decimal("gamma", 0.1, Range.FACTOR));
    private static final SpecKind<DoubleFunction<LearningRateSchedule>> EXPONENTIAL = SPECS.kind("exponential",
            v -> lr -> exponential(lr, v.number("gamma")), SpecParameter.requiredDecimal("gamma", 0.99, Range.FACTOR));
    private static final SpecKind<DoubleFunction<LearningRateSchedule>> COSINE = SPECS.kind("cosine",
            v -> lr -> cosine(lr, v.whole("total"), v.number("min_lr")),
            SpecParameter.requiredWhole("total", 1000, Range.AT_LEAST_ONE),
            SpecParameter.decimal("min_lr", 0, Range.NON_NEGATIVE));
    private static final SpecKind<DoubleFunction<LearningRateSchedule>> WARMUP = SPECS.kind("warmup", v -> {
        DoubleFunction<LearningRateSchedule> then = v.spec("then", SPECS);
        long iterations = v.whole("iterations");
        return lr -> warmup(then.apply(lr), iterations);
    }, SpecParameter.requiredWhole("iterations", 100, Range.AT_LEAST_ONE),
            SpecParameter.spec("then", "constant", "cosine(total=1000,min_lr=0.0)"));

    /** Every name {@link #parse} accepts. */
    public static final List<String> NAMES = SPECS.names();

    private LearningRateSchedules() {
    }

    public static Constant constant(double lr) {
        return new Constant(lr);
    }

    public static Step step(double lr, long stepSize, double gamma) {
        return new Step(lr, stepSize, gamma);
    }

    public static Exponential exponential(double lr, double gamma) {
        return new Exponential(lr, gamma);
    }

    public static Cosine cosine(double lr, long totalIterations, double minLr) {
        return new Cosine(lr, totalIterations, minLr);
    }

    public static Warmup warmup(LearningRateSchedule inner, long warmupIterations) {
        return new Warmup(inner, warmupIterations);
    }

    /**
     * Parses a schedule with base rate {@code lr} (case-insensitive, named arguments; a first
     * value without its key is the first parameter): {@code constant};
     * {@code step(step_size=100[,gamma=0.1])}; {@code exponential(gamma=0.99)};
     * {@code cosine(total=1000[,min_lr=0])}; {@code warmup(iterations=100[,then=<schedule>])},
     * where {@code then} defaults to {@code constant} and shares {@code lr}.
     *
     * @throws IllegalArgumentException naming the unknown name, the missing, unknown, malformed
     *         or out-of-range argument, and the accepted form
     */
    public static LearningRateSchedule parse(String spec, double lr) {
        return SPECS.parse(spec).apply(lr);
    }

    /** lr at every iteration. */
    public record Constant(double lr) implements LearningRateSchedule {
        public Constant {
            checkRate("constant", lr);
        }

        @Override
        public double rate(long iteration) {
            checkIteration(this, iteration);
            return lr;
        }

        @Override
        public String name() {
            return CONSTANT.render();
        }
    }

    /** lr·γ^⌊it/stepSize⌋ (PyTorch StepLR): the rate drops by γ every stepSize iterations. γ in (0, 1]. */
    public record Step(double lr, long stepSize, double gamma) implements LearningRateSchedule {
        public Step {
            checkRate("step", lr);
            STEP.check("step_size", stepSize);
            STEP.check("gamma", gamma);
        }

        @Override
        public double rate(long iteration) {
            checkIteration(this, iteration);
            return lr * Math.pow(gamma, iteration / stepSize);
        }

        @Override
        public String name() {
            return STEP.render(stepSize, gamma);
        }
    }

    /** lr·γ^it (PyTorch ExponentialLR stepped every iteration). γ in (0, 1]. */
    public record Exponential(double lr, double gamma) implements LearningRateSchedule {
        public Exponential {
            checkRate("exponential", lr);
            EXPONENTIAL.check("gamma", gamma);
        }

        @Override
        public double rate(long iteration) {
            checkIteration(this, iteration);
            return lr * Math.pow(gamma, iteration);
        }

        @Override
        public String name() {
            return EXPONENTIAL.render(gamma);
        }
    }

    /**
     * minLr + (lr - minLr)·(1 + cos(π·min(it, total)/total))/2 (PyTorch CosineAnnealingLR, no
     * restarts): a half cosine from lr at iteration 0 to minLr at total, then minLr for good.
     * total ≥ 1; 0 ≤ minLr ≤ lr.
     */
    public record Cosine(double lr, long totalIterations, double minLr) implements LearningRateSchedule {
        public Cosine {
            checkRate("cosine", lr);
            COSINE.check("total", totalIterations);
            COSINE.check("min_lr", minLr);
            if (!(minLr <= lr)) {
                throw new IllegalArgumentException("learning-rate schedule cosine: min_lr must be in [0, lr] = [0, " + lr
                        + "], got " + Spec.number(minLr) + "; e.g. " + COSINE.example());
            }
        }

        @Override
        public double rate(long iteration) {
            checkIteration(this, iteration);
            double progress = (double) Math.min(iteration, totalIterations) / totalIterations;
            return minLr + (lr - minLr) * (1 + Math.cos(Math.PI * progress)) / 2;
        }

        @Override
        public String name() {
            return COSINE.render(totalIterations, minLr);
        }
    }

    /**
     * Linear warmup in front of {@code inner}: inner.rate(it)·(it+1)/warmupIterations while
     * it &lt; warmupIterations, inner.rate(it) after. The inner schedule keeps counting from 0
     * during warmup (it is scaled, not delayed), so the ramp ends exactly on inner's curve.
     * warmupIterations ≥ 1.
     */
    public record Warmup(LearningRateSchedule inner, long warmupIterations) implements LearningRateSchedule {
        public Warmup {
            if (inner == null) {
                throw new IllegalArgumentException("learning-rate schedule warmup needs a schedule to warm up; e.g. "
                        + WARMUP.example());
            }
            WARMUP.check("iterations", warmupIterations);
        }

        @Override
        public double rate(long iteration) {
            double rate = inner.rate(iteration);
            return iteration < warmupIterations ? rate * (iteration + 1) / (double) warmupIterations : rate;
        }

        @Override
        public String name() {
            return WARMUP.render(warmupIterations, inner.name());
        }
    }

    private static void checkIteration(LearningRateSchedule schedule, long iteration) {
        if (iteration < 0) {
            throw new IllegalArgumentException("learning-rate schedule " + schedule.name()
                    + " takes a 0-based iteration, got " + iteration);
        }
    }

    private static void checkRate(String name, double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning-rate schedule " + name
                    + ": the learning rate must be a finite number > 0, got " + lr);
        }
    }
}
