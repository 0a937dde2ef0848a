package dev.sparkprop.nn.optim;

import java.util.Arrays;

/**
 * Limited-memory BFGS (Nocedal and Wright, Numerical Optimization, 2nd ed., algorithms 7.4 and
 * 7.5) on the flat parameter array of a full-batch objective: each {@link #iterate iteration}
 * takes the direction d = -H·g from the last {@code history} pairs s = w' - w, y = g' - g by the
 * two-loop recursion, and a {@link WolfeLineSearch strong Wolfe line search} along it. The
 * objective is a callback, so the caller decides what one evaluation is (sparkprop's: one
 * distributed pass).
 *
 * <p>State, all it remembers between iterations: {@code [pairs, next, S, Y]}, where pairs ≤
 * history is how many (s, y) are stored, next the ring slot the next pair goes to, and S and Y
 * history blocks of n values each (slot k of S at {@code 2 + k·n}, of Y at
 * {@code 2 + (history + k)·n}).
 *
 * @param history   pairs kept, m ≥ 1
 * @param tolerance convergence: the run has converged when an iteration lowers the objective by
 *                  at most tolerance·max(|f|, |f'|, 1), or the gradient's norm is at most
 *                  tolerance·max(|f|, 1); a finite number ≥ 0
 */
public record Lbfgs(int history, double tolerance) implements OptimizerKind {

    private static final int HEADER = 2;

    public Lbfgs {
        Optimizers.checkLbfgs(history, tolerance);
    }

    @Override
    public String name() {
        return Optimizers.lbfgsName(history, tolerance);
    }

    /** @throws IllegalArgumentException when the history of n parameters would not fit in one array */
    @Override
    public int stateLength(int n) {
        long length = HEADER + 2L * history * n;
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name() + " would keep " + length + " values for " + n + " parameters,"
                    + " more than an array holds; lower its history to " + (Integer.MAX_VALUE - 8 - HEADER) / (2L * n)
                    + " or less");
        }
        return (int) length;
    }

    /** A point's objective value and gradient, and what its evaluation returned besides. */
    public record Evaluated<E>(double value, double[] gradient, E payload) {
    }

    /** Evaluates the objective at x (which it must neither keep nor modify). */
    @FunctionalInterface
    public interface Objective<E> {
        Evaluated<E> at(double[] x);
    }

    /**
     * One iteration's outcome: the evaluation at the new point, the step length taken along the
     * direction (0 when none lowered the objective), the objective evaluations it took, and why the
     * run has converged, or null when it has not.
     */
    public record Step<E>(Evaluated<E> at, double alpha, int evaluations, String converged) {
    }

    /**
     * One L-BFGS iteration from {@code w}, whose evaluation is {@code current}: moves {@code w}
     * in place to the accepted point and adds the step's (s, y) pair to {@code state}. When the
     * quasi-Newton direction finds no lower point, the history is dropped and the steepest
     * descent direction tried; when that finds none either, {@code w} stays and the step says
     * the run has converged.
     *
     * @throws IllegalArgumentException when {@code current} is not finite or an array does not fit
     */
    public <E> Step<E> iterate(double[] w, Evaluated<E> current, double[] state, Objective<E> objective) {
        int n = w.length;
        double[] g = current.gradient();
        if (g.length != n || state.length != stateLength(n)) {
            throw new IllegalArgumentException(name() + " iterates on " + n + " parameters and needs a gradient of " + n
                    + " and state of " + stateLength(n) + " values, got " + g.length + " and " + state.length);
        }
        double f = current.value();
        double gNorm = Math.sqrt(dot(g, g));
        if (!Double.isFinite(f) || !Double.isFinite(gNorm)) {
            throw new IllegalArgumentException(name() + " starts an iteration from a point whose objective is " + f
                    + " and gradient norm " + gNorm);
        }
        if (gNorm <= tolerance * Math.max(Math.abs(f), 1)) {
            return new Step<>(current, 0, 0, gradientConverged(gNorm));
        }
        double[] d = direction(g, state);
        if (!(dot(g, d) < 0)) {
            // rounding in the history can make -H·g point uphill: fall back on the gradient
            forget(state);
            d = direction(g, state);
        }
        WolfeLineSearch.Result<Evaluated<E>> search = search(w, d, current, gNorm, pairs(state) > 0, objective);
        int evaluations = search.evaluations();
        if (!search.moved() && pairs(state) > 0) {
            forget(state);
            d = direction(g, state);
            search = search(w, d, current, gNorm, false, objective);
            evaluations += search.evaluations();
        }
        if (!search.moved()) {
            return new Step<>(current, 0, evaluations, "no step along the gradient lowers the objective any further");
        }
        double alpha = search.accepted().alpha();
        Evaluated<E> next = search.accepted().payload();
        remember(w, d, alpha, g, next.gradient(), state);
        for (int i = 0; i < n; i++) {
            w[i] = w[i] + alpha * d[i]; // exactly the point evaluated: trial() computes it the same way
        }
        double fNext = next.value();
        double nextNorm = Math.sqrt(dot(next.gradient(), next.gradient()));
        String converged = null;
        if (f - fNext <= tolerance * Math.max(Math.max(Math.abs(f), Math.abs(fNext)), 1)) {
            converged = String.format(java.util.Locale.ROOT, "the objective fell by %.3g, relatively at most the"
                    + " tolerance %.3g", f - fNext, tolerance);
        } else if (nextNorm <= tolerance * Math.max(Math.abs(fNext), 1)) {
            converged = gradientConverged(nextNorm);
        }
        return new Step<>(next, alpha, evaluations, converged);
    }

    /**
     * The line search along {@code d} from {@code current}. Without curvature information (no
     * pairs) the first trial moves w by a distance of min(1, ‖g‖) (Nocedal and Wright, p. 178, capped).
     */
    private static <E> WolfeLineSearch.Result<Evaluated<E>> search(double[] w, double[] d, Evaluated<E> current,
                                                                    double gNorm, boolean quasiNewton,
                                                                    Objective<E> objective) {
        double first = quasiNewton ? 1 : Math.min(1, 1 / gNorm);
        return new WolfeLineSearch().search(new WolfeLineSearch.Trial<>(0, current.value(),
                dot(current.gradient(), d), current), first, alpha -> trial(objective, w, d, alpha));
    }

    private String gradientConverged(double norm) {
        return String.format(java.util.Locale.ROOT, "the gradient norm %.3g is within the tolerance %.3g", norm,
                tolerance);
    }

    private static <E> WolfeLineSearch.Trial<Evaluated<E>> trial(Objective<E> objective, double[] w, double[] d,
                                                                 double alpha) {
        double[] x = new double[w.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = w[i] + alpha * d[i];
        }
        Evaluated<E> e = objective.at(x);
        return new WolfeLineSearch.Trial<>(alpha, e.value(), dot(e.gradient(), d), e);
    }

    /**
     * d = -H·g by the two-loop recursion (algorithm 7.4) over the stored pairs, newest first,
     * with H0 = γ·I, γ = s·y / y·y of the newest pair (eq. 7.20); -g without pairs.
     */
    double[] direction(double[] g, double[] state) {
        int n = g.length;
        int pairs = pairs(state);
        double[] q = g.clone();
        double[] a = new double[pairs];
        double[] rho = new double[pairs];
        for (int j = 0; j < pairs; j++) {
            int k = slot(state, j);
            int s = HEADER + k * n;
            int y = HEADER + (history + k) * n;
            rho[j] = 1 / dot(state, y, state, s, n);
            a[j] = rho[j] * dot(state, s, q, 0, n);
            for (int i = 0; i < n; i++) {
                q[i] -= a[j] * state[y + i];
            }
        }
        if (pairs > 0) {
            int k = slot(state, 0);
            int s = HEADER + k * n;
            int y = HEADER + (history + k) * n;
            double gamma = dot(state, s, state, y, n) / dot(state, y, state, y, n);
            for (int i = 0; i < n; i++) {
                q[i] *= gamma;
            }
        }
        for (int j = pairs - 1; j >= 0; j--) {
            int k = slot(state, j);
            int s = HEADER + k * n;
            int y = HEADER + (history + k) * n;
            double b = rho[j] * dot(state, y, q, 0, n);
            for (int i = 0; i < n; i++) {
                q[i] += state[s + i] * (a[j] - b);
            }
        }
        for (int i = 0; i < n; i++) {
            q[i] = -q[i];
        }
        return q;
    }

    /**
     * Stores s = alpha·d, y = g' - g as the newest pair, the oldest dropped when the history is
     * full; a pair without positive curvature y·s (which a Wolfe step rules out but rounding
     * might not) is left out, as it would make H indefinite.
     */
    void remember(double[] w, double[] d, double alpha, double[] g, double[] gNext, double[] state) {
        int n = w.length;
        double[] s = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = (w[i] + alpha * d[i]) - w[i];
            y[i] = gNext[i] - g[i];
        }
        double ys = dot(y, s);
        if (!(ys > 0) || Double.isInfinite(ys)) {
            return;
        }
        int next = (int) state[1];
        System.arraycopy(s, 0, state, HEADER + next * n, n);
        System.arraycopy(y, 0, state, HEADER + (history + next) * n, n);
        state[0] = Math.min(history, pairs(state) + 1);
        state[1] = (next + 1) % history;
    }

    /** Drops every stored pair (the next direction is steepest descent). */
    private void forget(double[] state) {
        Arrays.fill(state, 0);
    }

    private int pairs(double[] state) {
        int pairs = (int) state[0];
        int next = (int) state[1];
        if (pairs != state[0] || pairs < 0 || pairs > history || next != state[1] || next < 0 || next >= history) {
            throw new IllegalArgumentException(name() + " state holds " + state[0] + " pairs with the next at slot "
                    + state[1] + "; it is not " + name() + "'s");
        }
        return pairs;
    }

    /** The ring slot of the j-th newest pair (j = 0 the newest). */
    private int slot(double[] state, int j) {
        return Math.floorMod((int) state[1] - 1 - j, history);
    }

    private static double dot(double[] a, double[] b) {
        return dot(a, 0, b, 0, a.length);
    }

    private static double dot(double[] a, int aFrom, double[] b, int bFrom, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a[aFrom + i] * b[bFrom + i];
        }
        return sum;
    }
}
