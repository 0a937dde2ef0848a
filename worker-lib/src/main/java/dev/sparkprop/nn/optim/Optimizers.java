package dev.sparkprop.nn.optim;

import dev.sparkprop.nn.SpecFamily;
import dev.sparkprop.nn.SpecKind;
import dev.sparkprop.nn.SpecParameter;
import dev.sparkprop.nn.SpecParameter.Range;
import dev.sparkprop.nn.VectorSupport;
import java.util.List;

/**
 * The optimizers sparkprop offers, declared once as spec kinds, and {@link #parse} for their
 * specs: full-batch {@link Lbfgs} and the first-order ones, each following PyTorch's update
 * (torch.optim, no dampening, no AMSGrad, not centered) except that a decaying state below the
 * normal doubles is set to 0 ({@link #flushSubnormal}). Each is a record, so two with the same
 * hyperparameters are equal, and holds no mutable state: everything it remembers between steps
 * is in the state array.
 */
public final class Optimizers {

    /** Every optimizer, with its parameters; parsing and the canonical names come from here. */
    static final SpecFamily<OptimizerKind> SPECS = new SpecFamily<>("optimizer");

    private static final SpecParameter MOMENTUM_PARAMETER = SpecParameter.decimal("momentum", 0.9, Range.UNIT);
    private static final SpecParameter BETA1 = SpecParameter.decimal("beta1", 0.9, Range.UNIT);
    private static final SpecParameter BETA2 = SpecParameter.decimal("beta2", 0.999, Range.UNIT);
    private static final SpecParameter EPS = SpecParameter.decimal("eps", 1e-8, Range.POSITIVE);

    private static final SpecKind<OptimizerKind> SGD = SPECS.kind("sgd", v -> sgd());
    private static final SpecKind<OptimizerKind> MOMENTUM = SPECS.kind("momentum",
            v -> momentum(v.number("momentum")), MOMENTUM_PARAMETER);
    private static final SpecKind<OptimizerKind> NESTEROV = SPECS.kind("nesterov",
            v -> nesterov(v.number("momentum")), MOMENTUM_PARAMETER);
    private static final SpecKind<OptimizerKind> ADAM = SPECS.kind("adam",
            v -> adam(v.number("beta1"), v.number("beta2"), v.number("eps")), BETA1, BETA2, EPS);
    private static final SpecKind<OptimizerKind> ADAMW = SPECS.kind("adamw",
            v -> adamw(v.number("beta1"), v.number("beta2"), v.number("eps"), v.number("weight_decay")),
            BETA1, BETA2, EPS, SpecParameter.decimal("weight_decay", 0.01, Range.NON_NEGATIVE));
    private static final SpecKind<OptimizerKind> RMSPROP = SPECS.kind("rmsprop",
            v -> rmsprop(v.number("rho"), v.number("eps")), SpecParameter.decimal("rho", 0.9, Range.UNIT), EPS);
    private static final SpecKind<OptimizerKind> ADAGRAD = SPECS.kind("adagrad",
            v -> adagrad(v.number("eps")), SpecParameter.decimal("eps", 1e-10, Range.POSITIVE));
    /** The history's bound keeps its 2·history·n values within an array for networks of up to a million parameters. */
    private static final SpecKind<OptimizerKind> LBFGS = SPECS.kind("lbfgs",
            v -> lbfgs((int) v.whole("history"), v.number("tolerance")),
            SpecParameter.whole("history", 10, new Range("a whole number in [1, 1000]", x -> x >= 1 && x <= 1000)),
            SpecParameter.decimal("tolerance", 1e-9, Range.NON_NEGATIVE));

    /** Every name {@link #parse} accepts. */
    public static final List<String> NAMES = SPECS.names();

    private Optimizers() {
    }

    public static Sgd sgd() {
        return new Sgd();
    }

    public static Momentum momentum(double momentum) {
        return new Momentum(momentum);
    }

    public static Nesterov nesterov(double momentum) {
        return new Nesterov(momentum);
    }

    public static Adam adam(double beta1, double beta2, double eps) {
        return new Adam(beta1, beta2, eps);
    }

    public static AdamW adamw(double beta1, double beta2, double eps, double weightDecay) {
        return new AdamW(beta1, beta2, eps, weightDecay);
    }

    public static RmsProp rmsprop(double rho, double eps) {
        return new RmsProp(rho, eps);
    }

    public static AdaGrad adagrad(double eps) {
        return new AdaGrad(eps);
    }

    public static Lbfgs lbfgs(int history, double tolerance) {
        return new Lbfgs(history, tolerance);
    }

    /**
     * Parses {@code sgd}, {@code adam}, {@code adam(beta1=0.8,eps=1e-7)}, … (case-insensitive;
     * arguments are named, omitted ones take their defaults, and a first value without its key
     * is the first parameter: {@code momentum(0.95)}).
     *
     * @throws IllegalArgumentException naming the unknown name, the unknown, malformed or
     *         out-of-range argument, and the accepted form
     */
    public static OptimizerKind parse(String spec) {
        return SPECS.parse(spec);
    }

    /** Plain gradient descent, w -= lr·g (torch.optim.SGD without momentum). No state. */
    public record Sgd() implements Optimizer {
        @Override
        public String name() {
            return SGD.render();
        }

        @Override
        public int stateSlots() {
            return 0;
        }

        @Override
        public void step(double[] w, double[] g, double[] state, double lr, long t) {
            checkLengths(this, w, g, state);
            for (int i = 0; i < w.length; i++) {
                w[i] -= lr * g[i];
            }
        }
    }

    /**
     * Classic (heavy-ball) momentum as torch.optim.SGD has it (dampening 0): v = μ·v + g;
     * w -= lr·v. One slot, v. The learning rate multiplies v rather than living inside it (as in
     * Sutskever's v = μ·v - lr·g), so a schedule also rescales the velocity already built up.
     * μ in [0, 1); μ = 0 is SGD (but for a subnormal g, flushed).
     */
    public record Momentum(double momentum) implements Optimizer {
        public Momentum {
            MOMENTUM.check("momentum", momentum);
        }

        @Override
        public String name() {
            return MOMENTUM.render(momentum);
        }

        @Override
        public int stateSlots() {
            return 1;
        }

        @Override
        public void step(double[] w, double[] g, double[] state, double lr, long t) {
            checkLengths(this, w, g, state);
            for (int i = 0; i < w.length; i++) {
                double v = flushSubnormal(momentum * state[i] + g[i]);
                state[i] = v;
                w[i] -= lr * v;
            }
        }
    }

    /**
     * Nesterov momentum as torch.optim.SGD(nesterov=True) has it: v = μ·v + g;
     * w -= lr·(g + μ·v), i.e. the step looks ahead along the updated velocity. One slot, v.
     * μ in [0, 1).
     */
    public record Nesterov(double momentum) implements Optimizer {
        public Nesterov {
            NESTEROV.check("momentum", momentum);
        }

        @Override
        public String name() {
            return NESTEROV.render(momentum);
        }

        @Override
        public int stateSlots() {
            return 1;
        }

        @Override
        public void step(double[] w, double[] g, double[] state, double lr, long t) {
            checkLengths(this, w, g, state);
            for (int i = 0; i < w.length; i++) {
                double v = flushSubnormal(momentum * state[i] + g[i]);
                state[i] = v;
                w[i] -= lr * (g[i] + momentum * v);
            }
        }
    }

    /**
     * Adam as torch.optim.Adam has it (amsgrad off, weight_decay 0):
     * m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; m̂ = m/(1-β1^t); v̂ = v/(1-β2^t);
     * w -= lr·m̂/(√v̂ + ε). As in PyTorch, ε is added to √v̂ (not inside the root); the update is
     * evaluated with one division, as {@link AdamStep} says. Two slots: m, then v.
     * Step 1 moves each weight by lr·g/(|g| + ε), i.e. lr·sign(g) up to ε.
     * β1, β2 in [0, 1); ε > 0.
     */
    public record Adam(double beta1, double beta2, double eps) implements Optimizer {
        public Adam {
            checkAdam(ADAM, beta1, beta2, eps);
        }

        @Override
        public String name() {
            return ADAM.render(beta1, beta2, eps);
        }

        @Override
        public int stateSlots() {
            return 2;
        }

        @Override
        public void step(double[] w, double[] g, double[] state, double lr, long t) {
            adamStep(this, beta1, beta2, eps, w, g, state, lr, t);
        }
    }

    /**
     * AdamW (Loshchilov and Hutter's decoupled weight decay) as torch.optim.AdamW has it: the
     * weights shrink by w -= lr·λ·w, then the plain {@link Adam} step runs on the gradient,
     * which the decay never enters. {@link #step} does only the Adam part; {@link Updater}
     * applies the decay, to weights only (PyTorch decays every parameter in the group, biases
     * too, unless they are grouped out). β1, β2 in [0, 1); ε > 0; λ ≥ 0.
     */
    public record AdamW(double beta1, double beta2, double eps, double weightDecay) implements Optimizer {
        public AdamW {
            checkAdam(ADAMW, beta1, beta2, eps);
            ADAMW.check("weight_decay", weightDecay);
        }

        @Override
        public String name() {
            return ADAMW.render(beta1, beta2, eps, weightDecay);
        }

        @Override
        public int stateSlots() {
            return 2;
        }

        @Override
        public void step(double[] w, double[] g, double[] state, double lr, long t) {
            adamStep(this, beta1, beta2, eps, w, g, state, lr, t);
        }

        @Override
        public double decoupledWeightDecay() {
            return weightDecay;
        }
    }

    /**
     * RMSprop as torch.optim.RMSprop has it (not centered, momentum 0):
     * s = ρ·s + (1-ρ)·g²; w -= lr·g/(√s + ε). PyTorch calls ρ alpha and defaults it to 0.99;
     * the name rho and default 0.9 are Keras's. One slot, s. ρ in [0, 1); ε > 0.
     */
    public record RmsProp(double rho, double eps) implements Optimizer {
        public RmsProp {
            RMSPROP.check("rho", rho);
            RMSPROP.check("eps", eps);
        }

        @Override
        public String name() {
            return RMSPROP.render(rho, eps);
        }

        @Override
        public int stateSlots() {
            return 1;
        }

        @Override
        public void step(double[] w, double[] g, double[] state, double lr, long t) {
            checkLengths(this, w, g, state);
            double keep = 1 - rho;
            for (int i = 0; i < w.length; i++) {
                double gi = g[i];
                double s = flushSubnormal(rho * state[i] + keep * gi * gi);
                state[i] = s;
                w[i] -= lr * gi / (Math.sqrt(s) + eps);
            }
        }
    }

    /**
     * AdaGrad as torch.optim.Adagrad has it (lr_decay 0, initial accumulator 0):
     * G += g²; w -= lr·g/(√G + ε). One slot, G. ε > 0.
     */
    public record AdaGrad(double eps) implements Optimizer {
        public AdaGrad {
            ADAGRAD.check("eps", eps);
        }

        @Override
        public String name() {
            return ADAGRAD.render(eps);
        }

        @Override
        public int stateSlots() {
            return 1;
        }

        @Override
        public void step(double[] w, double[] g, double[] state, double lr, long t) {
            checkLengths(this, w, g, state);
            for (int i = 0; i < w.length; i++) {
                double gi = g[i];
                double sum = state[i] + gi * gi;
                state[i] = sum;
                w[i] -= lr * gi / (Math.sqrt(sum) + eps);
            }
        }
    }

    private static void adamStep(Optimizer o, double beta1, double beta2, double eps,
                                 double[] w, double[] g, double[] state, double lr, long t) {
        checkLengths(o, w, g, state);
        AdamStep step = AdamStep.of(o, beta1, beta2, eps, lr, t);
        int from = VectorSupport.AVAILABLE ? VectorAdam.step(w, g, state, step) : 0;
        for (int i = from; i < w.length; i++) {
            w[i] = step.updated(w[i], g[i], state, i, w.length);
        }
    }

    /** Adam's or AdamW's constants for step t at rate lr ({@link AdamStep}); null for any other optimizer. */
    static AdamStep adamConstants(Optimizer o, double lr, long t) {
        if (o instanceof Adam a) {
            return AdamStep.of(a, a.beta1(), a.beta2(), a.eps(), lr, t);
        }
        if (o instanceof AdamW a) {
            return AdamStep.of(a, a.beta1(), a.beta2(), a.eps(), lr, t);
        }
        return null;
    }

    /**
     * One Adam step's constants, and the update of one parameter in the order {@link VectorAdam}'s
     * lanes run it (keep the two in step): m = β1·m + (1-β1)·g, v = β2·v + (1-β2)·g·g, each
     * {@link #flushSubnormal flushed}, and w - (lr·√(1-β2^t)/(1-β1^t))·m / (√v + ε·√(1-β2^t)): PyTorch's
     * (lr/(1-β1^t))·m / (√v/√(1-β2^t) + ε) with numerator and denominator times √(1-β2^t), equal in
     * exact arithmetic and one division instead of two. Division and the root share one unit that
     * takes several cycles a lane, so they bound the pass: two divisions and a root took 1.9 ns a
     * parameter in SIMD lanes, one and a root 1.35 ns.
     */
    record AdamStep(double beta1, double keep1, double beta2, double keep2, double stepSize, double scaledEps) {

        static AdamStep of(Optimizer o, double beta1, double beta2, double eps, double lr, long t) {
            if (t < 1) {
                // 1 - β^0 = 0: the bias correction would divide by zero
                throw new IllegalArgumentException(o.name() + " step number t is 1-based, got " + t);
            }
            double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, t));
            return new AdamStep(beta1, 1 - beta1, beta2, 1 - beta2, lr / (1 - Math.pow(beta1, t)) * sqrtCorrection2,
                    eps * sqrtCorrection2);
        }

        /** Stores parameter i's new m and v (slots at i and n + i) and returns its new weight. */
        double updated(double wi, double gi, double[] state, int i, int n) {
            double m = flushSubnormal(beta1 * state[i] + keep1 * gi);
            double v = flushSubnormal(beta2 * state[n + i] + keep2 * gi * gi);
            state[i] = m;
            state[n + i] = v;
            return wi - stepSize * m / (Math.sqrt(v) + scaledEps);
        }

        /**
         * {@link Updater#updateMean}'s pass over [from, to): g = sum·inv, w *= keep, this step; then
         * w32 = (float) w (unless w32 is null) and sum = 0. False when a g or a new w is NaN or
         * infinite; the range is then partly updated.
         */
        boolean onMean(double[] w, double[] sum, double inv, double keep, double[] state, int from, int to,
                       float[] w32) {
            int i = VectorSupport.AVAILABLE ? VectorAdam.stepOnMean(w, sum, inv, keep, state, from, to, this, w32)
                    : from;
            if (i < 0) {
                return false;
            }
            for (; i < to; i++) {
                double gi = sum[i] * inv;
                double wi = updated(w[i] * keep, gi, state, i, w.length);
                if (!Double.isFinite(gi) || !Double.isFinite(wi)) {
                    return false;
                }
                w[i] = wi;
                if (w32 != null) {
                    w32[i] = (float) wi;
                }
                sum[i] = 0;
            }
            return true;
        }
    }

    /**
     * x, or 0 when x is subnormal (|x| below 2^-1022), for every loop over a state that decays
     * each step: on zero gradients (a dead ReLU unit's) such a state would sink into the
     * subnormals and stay there, and Intel cores compute on subnormals many times slower
     * (docs/math.md §12). {@link VectorAdam}'s lanes flush alike, so the two keep one set of bits.
     */
    static double flushSubnormal(double x) {
        return Math.abs(x) < Double.MIN_NORMAL ? 0.0 : x;
    }

    private static void checkLengths(Optimizer o, double[] w, double[] g, double[] state) {
        long stateLength = (long) o.stateSlots() * w.length;
        if (g.length != w.length || state.length != stateLength) {
            throw new IllegalArgumentException(o.name() + " steps " + w.length + " parameters and needs a gradient of "
                    + w.length + " and state of " + stateLength + " values, got " + g.length + " and " + state.length);
        }
    }

    static void checkLbfgs(int history, double tolerance) {
        LBFGS.check("history", history);
        LBFGS.check("tolerance", tolerance);
    }

    static String lbfgsName(int history, double tolerance) {
        return LBFGS.render(history, tolerance);
    }

    private static void checkAdam(SpecKind<OptimizerKind> kind, double beta1, double beta2, double eps) {
        kind.check("beta1", beta1);
        kind.check("beta2", beta2);
        kind.check("eps", eps);
    }
}
