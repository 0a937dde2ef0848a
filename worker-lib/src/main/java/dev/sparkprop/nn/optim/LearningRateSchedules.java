package dev.sparkprop.nn.optim;

import java.util.List;

/**
 * The learning-rate schedules sparkprop offers, and {@link #parse} for their specs. Each is a
 * record (equal when built from equal values) whose base rate lr is given separately from its
 * spec. Iterations are 0-based.
 */
public final class LearningRateSchedules {

    /** PyTorch StepLR's default decay factor. */
    public static final double DEFAULT_STEP_GAMMA = 0.1;

    /** One spec per schedule, shown in error messages. */
    static final List<String> EXAMPLES = List.of(
            "constant",
            "step(step_size=100,gamma=0.1)",
            "exponential(gamma=0.99)",
            "cosine(total=1000,min_lr=0)",
            "warmup(iterations=100,then=cosine(total=1000,min_lr=0))");

    /** Every name {@link #parse} accepts. */
    public static final List<String> NAMES = Spec.names(EXAMPLES);

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
     * Parses a schedule with base rate {@code lr} (case-insensitive, named arguments):
     * {@code constant}; {@code step(step_size=100[,gamma=0.1])};
     * {@code exponential(gamma=0.99)}; {@code cosine(total=1000[,min_lr=0])};
     * {@code warmup(iterations=100[,then=<schedule>])}, where {@code then} defaults to
     * {@code constant} and shares {@code lr}.
     *
     * @throws IllegalArgumentException naming the unknown name, the missing, unknown, malformed
     *         or out-of-range argument, and the accepted form
     */
    public static LearningRateSchedule parse(String spec, double lr) {
        Spec s = Spec.parse("learning-rate schedule", spec, EXAMPLES);
        switch (s.name()) {
            case "constant":
                s.allow();
                return constant(lr);
            case "step":
                s.allow("step_size", "gamma");
                return step(lr, s.whole("step_size"), s.number("gamma", DEFAULT_STEP_GAMMA));
            case "exponential":
                s.allow("gamma");
                return exponential(lr, s.number("gamma"));
            case "cosine":
                s.allow("total", "min_lr");
                return cosine(lr, s.whole("total"), s.number("min_lr", 0));
            case "warmup":
                s.allow("iterations", "then");
                long iterations = s.whole("iterations");
                return warmup(parse(s.raw("then", "constant"), lr), iterations);
            default:
                // Spec.parse accepted a name from EXAMPLES; this keeps that list and the cases in step
                throw new IllegalStateException("schedule " + s.name() + " is listed but has no parser case");
        }
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
            return "constant";
        }
    }

    /** lr·γ^⌊it/stepSize⌋ (PyTorch StepLR): the rate drops by γ every stepSize iterations. γ in (0, 1]. */
    public record Step(double lr, long stepSize, double gamma) implements LearningRateSchedule {
        public Step {
            checkRate("step", lr);
            checkAtLeastOne("step", "step_size", stepSize);
            checkGamma("step", gamma);
        }

        @Override
        public double rate(long iteration) {
            checkIteration(this, iteration);
            return lr * Math.pow(gamma, iteration / stepSize);
        }

        @Override
        public String name() {
            return "step(step_size=" + stepSize + ",gamma=" + gamma + ")";
        }
    }

    /** lr·γ^it (PyTorch ExponentialLR stepped every iteration). γ in (0, 1]. */
    public record Exponential(double lr, double gamma) implements LearningRateSchedule {
        public Exponential {
            checkRate("exponential", lr);
            checkGamma("exponential", gamma);
        }

        @Override
        public double rate(long iteration) {
            checkIteration(this, iteration);
            return lr * Math.pow(gamma, iteration);
        }

        @Override
        public String name() {
            return "exponential(gamma=" + gamma + ")";
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
            checkAtLeastOne("cosine", "total", totalIterations);
            if (!(minLr >= 0 && minLr <= lr)) {
                throw new IllegalArgumentException("learning-rate schedule cosine: min_lr must be in [0, lr] = [0, " + lr
                        + "], got " + minLr + "; e.g. " + example("cosine"));
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
            return "cosine(total=" + totalIterations + ",min_lr=" + minLr + ")";
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
                        + example("warmup"));
            }
            checkAtLeastOne("warmup", "iterations", warmupIterations);
        }

        @Override
        public double rate(long iteration) {
            double rate = inner.rate(iteration);
            return iteration < warmupIterations ? rate * (iteration + 1) / (double) warmupIterations : rate;
        }

        @Override
        public String name() {
            return "warmup(iterations=" + warmupIterations + ",then=" + inner.name() + ")";
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

    private static void checkGamma(String name, double gamma) {
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("learning-rate schedule " + name + ": gamma must be in (0, 1], got "
                    + gamma + "; e.g. " + example(name));
        }
    }

    private static void checkAtLeastOne(String name, String key, long value) {
        if (value < 1) {
            throw new IllegalArgumentException("learning-rate schedule " + name + ": " + key
                    + " must be a whole number ≥ 1, got " + value + "; e.g. " + example(name));
        }
    }

    private static String example(String name) {
        return EXAMPLES.get(NAMES.indexOf(name));
    }
}
