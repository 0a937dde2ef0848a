package dev.sparkprop.nn.optim;

import java.util.function.DoubleFunction;

/**
 * A line search for a step length α > 0 along a descent direction that satisfies the strong
 * Wolfe conditions on φ(α) = f(w + α·d):
 * <pre>
 *   φ(α) ≤ φ(0) + c1·α·φ'(0)        (sufficient decrease)
 *   |φ'(α)| ≤ c2·|φ'(0)|             (curvature)
 * </pre>
 * Nocedal and Wright, Numerical Optimization (2nd ed.), algorithm 3.5 (bracketing, doubling the
 * step) and 3.6 (zoom, trial steps by cubic interpolation of the two ends' values and slopes,
 * kept at least a tenth of the interval from either end, else bisection). Every evaluation gives
 * value and slope together (one full-batch pass computes both). A non-finite value counts as a
 * failed decrease, so the search backs off from steps that overflow. Deterministic: the same
 * values give the same trial steps.
 */
public final class WolfeLineSearch {

    /** The usual constants for quasi-Newton methods (Nocedal and Wright, p. 142). */
    public static final double C1 = 1e-4;
    public static final double C2 = 0.9;
    /** Evaluations a search may spend before it settles for the best decrease found. */
    public static final int MAX_EVALUATIONS = 25;

    /** φ at {@code alpha}: its value, its slope φ'(α) = ∇f(w + α·d)·d, and what the evaluation returned besides. */
    public record Trial<E>(double alpha, double value, double slope, E payload) {
    }

    /**
     * The search's outcome: the accepted trial (the start, α = 0, when no step lowered φ), the
     * evaluations it took, and whether the accepted step satisfies both strong Wolfe conditions
     * (else it satisfies sufficient decrease only, or is the start).
     */
    public record Result<E>(Trial<E> accepted, int evaluations, boolean wolfe) {
        public boolean moved() {
            return accepted.alpha() > 0;
        }
    }

    private final double c1;
    private final double c2;
    private final int maxEvaluations;

    /** @throws IllegalArgumentException unless 0 &lt; c1 &lt; c2 &lt; 1 and maxEvaluations ≥ 1 */
    public WolfeLineSearch(double c1, double c2, int maxEvaluations) {
        if (!(0 < c1 && c1 < c2 && c2 < 1) || maxEvaluations < 1) {
            throw new IllegalArgumentException("a Wolfe line search needs 0 < c1 < c2 < 1 and at least one evaluation,"
                    + " got c1 = " + c1 + ", c2 = " + c2 + ", " + maxEvaluations + " evaluations");
        }
        this.c1 = c1;
        this.c2 = c2;
        this.maxEvaluations = maxEvaluations;
    }

    /** With {@link #C1}, {@link #C2} and {@link #MAX_EVALUATIONS}. */
    public WolfeLineSearch() {
        this(C1, C2, MAX_EVALUATIONS);
    }

    /**
     * Searches from {@code start} (α = 0, finite value, slope &lt; 0), trying {@code firstStep}
     * first.
     *
     * @param phi evaluates φ at an α &gt; 0
     * @throws IllegalArgumentException when the start is not a finite descent point or the first step not &gt; 0
     */
    public <E> Result<E> search(Trial<E> start, double firstStep, DoubleFunction<Trial<E>> phi) {
        if (start.alpha() != 0 || !Double.isFinite(start.value()) || !(start.slope() < 0)) {
            throw new IllegalArgumentException("a line search starts at α = 0 with a finite value and a negative slope,"
                    + " got α = " + start.alpha() + ", value " + start.value() + ", slope " + start.slope());
        }
        if (!(firstStep > 0) || Double.isInfinite(firstStep)) {
            throw new IllegalArgumentException("the first step must be a finite number > 0, got " + firstStep);
        }
        Search<E> s = new Search<>(start, phi);
        Trial<E> previous = start;
        double alpha = firstStep;
        while (s.evaluations < maxEvaluations) {
            Trial<E> t = s.at(alpha);
            if (!s.decreases(t) || (previous != start && t.value() >= previous.value())) {
                return s.zoom(previous, t);
            }
            if (s.curvatureHolds(t)) {
                return new Result<>(t, s.evaluations, true);
            }
            if (t.slope() >= 0) {
                return s.zoom(t, previous);
            }
            previous = t;
            alpha = 2 * alpha;
        }
        return s.settle(previous);
    }

    /** One search's evaluations, and the conditions against its start. */
    private final class Search<E> {
        private final Trial<E> start;
        private final DoubleFunction<Trial<E>> phi;
        private int evaluations;

        Search(Trial<E> start, DoubleFunction<Trial<E>> phi) {
            this.start = start;
            this.phi = phi;
        }

        Trial<E> at(double alpha) {
            evaluations++;
            return phi.apply(alpha);
        }

        /** Sufficient decrease; false for a non-finite value. */
        boolean decreases(Trial<E> t) {
            return t.value() <= start.value() + c1 * t.alpha() * start.slope() && Double.isFinite(t.value());
        }

        boolean curvatureHolds(Trial<E> t) {
            return Math.abs(t.slope()) <= -c2 * start.slope();
        }

        /**
         * Algorithm 3.6: {@code lo} satisfies sufficient decrease and has the lowest value seen
         * among such steps, and φ'(lo)·(hi - lo) &lt; 0, so the interval holds a Wolfe step.
         */
        Result<E> zoom(Trial<E> lo, Trial<E> hi) {
            while (evaluations < maxEvaluations) {
                double alpha = interpolate(lo, hi);
                if (alpha == lo.alpha() || alpha == hi.alpha()) {
                    break; // the interval has shrunk to adjacent doubles
                }
                Trial<E> t = at(alpha);
                if (!decreases(t) || t.value() >= lo.value()) {
                    hi = t;
                } else {
                    if (curvatureHolds(t)) {
                        return new Result<>(t, evaluations, true);
                    }
                    if (t.slope() * (hi.alpha() - lo.alpha()) >= 0) {
                        hi = lo;
                    }
                    lo = t;
                }
            }
            return settle(lo);
        }

        /** Out of evaluations: the best decrease found, or the start when there was none. */
        Result<E> settle(Trial<E> best) {
            return new Result<>(best != start && decreases(best) ? best : start, evaluations, false);
        }
    }

    /**
     * The trial step between {@code lo} and {@code hi}: the minimiser of the cubic through both
     * ends' values and slopes, when it exists and lies at least a tenth of the interval away from
     * both ends, else the midpoint.
     */
    static double interpolate(Trial<?> lo, Trial<?> hi) {
        double a = Math.min(lo.alpha(), hi.alpha());
        double b = Math.max(lo.alpha(), hi.alpha());
        double margin = 0.1 * (b - a);
        double cubic = cubicMinimizer(lo.alpha(), lo.value(), lo.slope(), hi.alpha(), hi.value(), hi.slope());
        return cubic >= a + margin && cubic <= b - margin ? cubic : a + 0.5 * (b - a);
    }

    /**
     * The minimiser of the cubic interpolating φ(a0) = f0, φ'(a0) = d0, φ(a1) = f1, φ'(a1) = d1
     * (Nocedal and Wright, eq. 3.59), or NaN when the cubic has no minimiser (or the inputs are not finite).
     */
    static double cubicMinimizer(double a0, double f0, double d0, double a1, double f1, double d1) {
        double e1 = d0 + d1 - 3 * (f0 - f1) / (a0 - a1);
        double radicand = e1 * e1 - d0 * d1;
        if (!(radicand >= 0) || Double.isInfinite(radicand)) {
            return Double.NaN;
        }
        double e2 = Math.signum(a1 - a0) * Math.sqrt(radicand);
        double denominator = d1 - d0 + 2 * e2;
        if (denominator == 0) {
            return Double.NaN;
        }
        return a1 - (a1 - a0) * (d1 + e2 - e1) / denominator;
    }
}
