package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Steps the line search returns satisfy the strong Wolfe conditions; its pieces do what N&amp;W say. */
class WolfeLineSearchTest {

    /** A function of x with its gradient. */
    private record Function2(String name, Function<double[], double[]> valueAndGradient) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Rosenbrock's banana, f = (1 - x)² + 100·(y - x²)²: value, then the gradient. */
    private static final Function2 ROSENBROCK = new Function2("rosenbrock", p -> {
        double x = p[0];
        double y = p[1];
        return new double[] {(1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x),
                -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)};
    });
    /** An ill-conditioned quadratic, f = x² + 50·y². */
    private static final Function2 QUADRATIC = new Function2("quadratic", p -> new double[] {
            p[0] * p[0] + 50 * p[1] * p[1], 2 * p[0], 100 * p[1]});
    /** f = x⁴ - 3x² + y² + exp(x/2): non-convex along most lines. */
    private static final Function2 QUARTIC = new Function2("quartic", p -> new double[] {
            Math.pow(p[0], 4) - 3 * p[0] * p[0] + p[1] * p[1] + Math.exp(p[0] / 2),
            4 * Math.pow(p[0], 3) - 6 * p[0] + Math.exp(p[0] / 2) / 2, 2 * p[1]});

    static Stream<Arguments> problems() {
        return Stream.of(
                // from, first step; along steepest descent
                Arguments.of(ROSENBROCK, new double[] {-1.2, 1}, 1.0),
                Arguments.of(ROSENBROCK, new double[] {-1.2, 1}, 1e-4),
                Arguments.of(ROSENBROCK, new double[] {0.5, -0.5}, 1.0),
                Arguments.of(ROSENBROCK, new double[] {2, 2}, 10.0),
                Arguments.of(QUADRATIC, new double[] {3, 1}, 1.0),
                Arguments.of(QUADRATIC, new double[] {3, 1}, 1e-6),
                Arguments.of(QUARTIC, new double[] {0.3, 1}, 1.0),
                Arguments.of(QUARTIC, new double[] {-2.5, 0.5}, 0.01));
    }

    @ParameterizedTest(name = "{0} from ({1}) first step {2}")
    @MethodSource("problems")
    void acceptedStepsSatisfyTheStrongWolfeConditions(Function2 f, double[] w, double firstStep) {
        double[] at = f.valueAndGradient().apply(w);
        double[] d = {-at[1], -at[2]};
        DoubleFunction<WolfeLineSearch.Trial<Void>> phi = alpha -> {
            double[] v = f.valueAndGradient().apply(new double[] {w[0] + alpha * d[0], w[1] + alpha * d[1]});
            return new WolfeLineSearch.Trial<>(alpha, v[0], v[1] * d[0] + v[2] * d[1], null);
        };
        WolfeLineSearch.Trial<Void> start = new WolfeLineSearch.Trial<>(0, at[0], at[1] * d[0] + at[2] * d[1], null);

        WolfeLineSearch.Result<Void> result = new WolfeLineSearch().search(start, firstStep, phi);

        WolfeLineSearch.Trial<Void> t = result.accepted();
        assertTrue(result.wolfe() && t.alpha() > 0, "no Wolfe step found: " + result);
        assertTrue(t.value() <= start.value() + WolfeLineSearch.C1 * t.alpha() * start.slope(),
                "sufficient decrease fails: " + t);
        assertTrue(Math.abs(t.slope()) <= WolfeLineSearch.C2 * Math.abs(start.slope()), "curvature fails: " + t);
        // what it reports is what phi gives at its step
        WolfeLineSearch.Trial<Void> again = phi.apply(t.alpha());
        assertEquals(again.value(), t.value(), 0);
        assertEquals(again.slope(), t.slope(), 0);
        assertTrue(result.evaluations() <= WolfeLineSearch.MAX_EVALUATIONS);
    }

    @Test
    void aStepLongEnoughToOverflowIsBackedOffFrom() {
        // φ(α) = (α - 1)², but NaN beyond α = 3: a step that overflows counts as no decrease
        DoubleFunction<WolfeLineSearch.Trial<Void>> phi = alpha -> alpha > 3
                ? new WolfeLineSearch.Trial<>(alpha, Double.NaN, Double.NaN, null)
                : new WolfeLineSearch.Trial<>(alpha, (alpha - 1) * (alpha - 1), 2 * (alpha - 1), null);
        WolfeLineSearch.Result<Void> result = new WolfeLineSearch().search(phi.apply(0), 1000, phi);
        assertTrue(result.wolfe(), result.toString());
        assertTrue(result.accepted().alpha() > 0 && result.accepted().alpha() <= 3, result.toString());
    }

    @Test
    void withNoLowerPointTheSearchReturnsTheStart() {
        // the slope at 0 says descent, but every step is higher: the search gives up at α = 0
        WolfeLineSearch.Trial<Void> start = new WolfeLineSearch.Trial<>(0, 0, -1, null);
        WolfeLineSearch.Result<Void> result = new WolfeLineSearch().search(start, 1,
                alpha -> new WolfeLineSearch.Trial<>(alpha, alpha, 1, null));
        assertFalse(result.moved());
        assertFalse(result.wolfe());
        assertEquals(start, result.accepted());
        assertEquals(WolfeLineSearch.MAX_EVALUATIONS, result.evaluations());
    }

    @Test
    void theCubicInterpolantIsExactForACubic() {
        // φ(α) = (α - 2)³/3 - (α - 2)·1 has its local minimum at α = 3
        DoubleFunction<double[]> phi = a -> new double[] {Math.pow(a - 2, 3) / 3 - (a - 2), (a - 2) * (a - 2) - 1};
        double[] p0 = phi.apply(2.5);
        double[] p1 = phi.apply(4);
        assertEquals(3, WolfeLineSearch.cubicMinimizer(2.5, p0[0], p0[1], 4, p1[0], p1[1]), 1e-12);
        assertEquals(3, WolfeLineSearch.cubicMinimizer(4, p1[0], p1[1], 2.5, p0[0], p0[1]), 1e-12);
    }

    @Test
    void interpolationKeepsATenthOfTheIntervalFromEitherEndElseBisects() {
        // the cubic through these points (a parabola with its minimum at 0) lands on lo: bisect instead
        WolfeLineSearch.Trial<Void> lo = new WolfeLineSearch.Trial<>(0, 0, 0, null);
        WolfeLineSearch.Trial<Void> hi = new WolfeLineSearch.Trial<>(1, 1, 2, null);
        assertEquals(0.5, WolfeLineSearch.interpolate(lo, hi), 0);
        WolfeLineSearch.Trial<Void> nan = new WolfeLineSearch.Trial<>(1, Double.NaN, Double.NaN, null);
        assertEquals(0.5, WolfeLineSearch.interpolate(lo, nan), 0);
        // a parabola with its minimum at 0.4 between 0 and 1: the cubic finds it
        WolfeLineSearch.Trial<Void> a = new WolfeLineSearch.Trial<>(0, 0.16, -0.8, null);
        WolfeLineSearch.Trial<Void> b = new WolfeLineSearch.Trial<>(1, 0.36, 1.2, null);
        assertEquals(0.4, WolfeLineSearch.interpolate(a, b), 1e-12);
    }
}
