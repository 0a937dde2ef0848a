package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The two-loop recursion, iterations on analytic functions, and the state as all L-BFGS remembers. */
class LbfgsTest {

    /** f = ½·xᵀAx - bᵀx with A symmetric positive definite, n = 6, condition number about 100. */
    private static final int N = 6;
    private static final double[][] A = spd(N, 11);
    private static final double[] B = {1, -2, 0.5, 3, -1, 0.25};

    private static double[][] spd(int n, long seed) {
        Random random = new Random(seed);
        double[][] m = new double[n][n];
        for (double[] row : m) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextGaussian();
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += m[k][i] * m[k][j];
                }
            }
            a[i][i] += 0.05 * (i + 1);
        }
        return a;
    }

    private static Lbfgs.Evaluated<Void> quadratic(double[] x) {
        double[] g = new double[N];
        double f = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                g[i] += A[i][j] * x[j];
            }
            f += 0.5 * x[i] * g[i] - B[i] * x[i];
            g[i] -= B[i];
        }
        return new Lbfgs.Evaluated<>(f, g, null);
    }

    private static Lbfgs.Evaluated<Void> rosenbrock(double[] p) {
        double x = p[0];
        double y = p[1];
        return new Lbfgs.Evaluated<>((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x),
                new double[] {-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)}, null);
    }

    /** Solves A·x = b by Gaussian elimination with partial pivoting: the quadratic's minimiser. */
    private static double[] minimiser() {
        double[][] m = new double[N][];
        double[] r = B.clone();
        for (int i = 0; i < N; i++) {
            m[i] = A[i].clone();
        }
        for (int c = 0; c < N; c++) {
            int p = c;
            for (int i = c + 1; i < N; i++) {
                p = Math.abs(m[i][c]) > Math.abs(m[p][c]) ? i : p;
            }
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            double tr = r[c];
            r[c] = r[p];
            r[p] = tr;
            for (int i = c + 1; i < N; i++) {
                double factor = m[i][c] / m[c][c];
                for (int j = c; j < N; j++) {
                    m[i][j] -= factor * m[c][j];
                }
                r[i] -= factor * r[c];
            }
        }
        double[] x = new double[N];
        for (int i = N - 1; i >= 0; i--) {
            double s = r[i];
            for (int j = i + 1; j < N; j++) {
                s -= m[i][j] * x[j];
            }
            x[i] = s / m[i][i];
        }
        return x;
    }

    @Test
    void withExactLineSearchesTheTwoLoopDirectionsReachAQuadraticsMinimiserInNIterations() {
        // With exact steps on a quadratic, L-BFGS's directions are conjugate (as CG's), whatever
        // the memory, so it ends at the minimiser after n iterations; here with 3 pairs for n = 6.
        Lbfgs lbfgs = Optimizers.lbfgs(3, 0);
        double[] w = new double[N];
        double[] state = lbfgs.initialState(N);
        double[] g = quadratic(w).gradient();
        for (int k = 0; k < N; k++) {
            double[] d = lbfgs.direction(g, state);
            double[] ad = new double[N];
            double dad = 0;
            double gd = 0;
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    ad[i] += A[i][j] * d[j];
                }
                dad += d[i] * ad[i];
                gd += g[i] * d[i];
            }
            double alpha = -gd / dad; // the exact minimiser along d
            double[] next = quadratic(add(w, alpha, d)).gradient();
            lbfgs.remember(w, d, alpha, g, next, state);
            w = add(w, alpha, d);
            g = next;
        }
        double[] x = minimiser();
        assertTrue(distance(w, x) <= 1e-9 * norm(x), "distance " + distance(w, x) + " after n iterations");
    }

    @Test
    void withWolfeStepsItReachesAQuadraticsMinimiserInAFewTimesNIterations() {
        // The line search takes the first strong Wolfe step (usually α = 1), not the exact one, so the
        // n-step termination above does not hold; convergence is still superlinear: 15 iterations to
        // 1e-8 here, where steepest descent needs thousands at this conditioning.
        Lbfgs lbfgs = Optimizers.lbfgs(10, 0);
        double[] w = new double[N];
        double[] state = lbfgs.initialState(N);
        Lbfgs.Evaluated<Void> at = quadratic(w);
        double[] x = minimiser();
        int iterations = 0;
        while (distance(w, x) > 1e-8 * norm(x) && iterations < 50) {
            at = lbfgs.iterate(w, at, state, LbfgsTest::quadratic).at();
            iterations++;
        }
        assertTrue(iterations <= 3 * N, iterations + " iterations");
    }

    private static double[] add(double[] w, double alpha, double[] d) {
        double[] x = new double[w.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = w[i] + alpha * d[i];
        }
        return x;
    }

    @Test
    void theTwoLoopRecursionSatisfiesTheSecantEquation() {
        // After pairs from the quadratic, H·y = s for the newest pair (BFGS's defining property), so
        // direction(y) = -s; and without pairs the direction is -g.
        Lbfgs lbfgs = Optimizers.lbfgs(3, 0);
        double[] state = lbfgs.initialState(N);
        double[] g = quadratic(new double[N]).gradient();
        double[] minusG = Arrays.stream(g).map(v -> -v).toArray();
        assertArrayEquals(minusG, lbfgs.direction(g, state), 0);

        double[] w = new double[N];
        Lbfgs.Evaluated<Void> at = quadratic(w);
        for (int k = 0; k < 5; k++) { // more iterations than the history holds: the ring wraps
            double[] before = w.clone();
            double[] gBefore = at.gradient();
            at = lbfgs.iterate(w, at, state, LbfgsTest::quadratic).at();
            double[] s = new double[N];
            double[] y = new double[N];
            for (int i = 0; i < N; i++) {
                s[i] = w[i] - before[i];
                y[i] = at.gradient()[i] - gBefore[i];
            }
            double[] d = lbfgs.direction(y, state);
            for (int i = 0; i < N; i++) {
                assertEquals(-s[i], d[i], 1e-9 * norm(s), "iteration " + k + " entry " + i);
            }
        }
        assertEquals(3, state[0], "the history holds at most 3 pairs");
    }

    @Test
    void minimisesRosenbrockFromTheClassicStart() {
        Lbfgs lbfgs = Optimizers.lbfgs(5, 1e-14);
        double[] w = {-1.2, 1};
        double[] state = lbfgs.initialState(2);
        Lbfgs.Evaluated<Void> at = rosenbrock(w);
        String converged = null;
        int iterations = 0;
        while (converged == null && iterations < 200) {
            double before = at.value();
            Lbfgs.Step<Void> step = lbfgs.iterate(w, at, state, LbfgsTest::rosenbrock);
            assertTrue(step.at().value() <= before, "every iteration lowers the objective");
            at = step.at();
            converged = step.converged();
            iterations++;
        }
        assertNotNull(converged, "converges within 200 iterations");
        assertEquals(1, w[0], 1e-6);
        assertEquals(1, w[1], 1e-6);
        assertTrue(iterations < 60, iterations + " iterations");
    }

    @Test
    void theStateIsAllItRemembersSoAResumedRunIsBitwiseTheSame() {
        Lbfgs lbfgs = Optimizers.lbfgs(4, 0);
        double[] w = {-1.2, 1};
        double[] state = lbfgs.initialState(2);
        Lbfgs.Evaluated<Void> at = rosenbrock(w);
        for (int k = 0; k < 6; k++) {
            at = lbfgs.iterate(w, at, state, LbfgsTest::rosenbrock).at();
        }
        double[] savedW = w.clone();
        double[] savedState = state.clone();
        for (int k = 0; k < 6; k++) {
            at = lbfgs.iterate(w, at, state, LbfgsTest::rosenbrock).at();
        }

        Lbfgs restored = (Lbfgs) Optimizers.parse(lbfgs.name());
        double[] resumedW = savedW.clone();
        double[] resumedState = savedState.clone();
        Lbfgs.Evaluated<Void> resumedAt = rosenbrock(resumedW); // the evaluation is a function of w
        for (int k = 0; k < 6; k++) {
            resumedAt = restored.iterate(resumedW, resumedAt, resumedState, LbfgsTest::rosenbrock).at();
        }
        assertArrayEquals(w, resumedW, 0);
        assertArrayEquals(state, resumedState, 0);

        // the history matters: resuming without it goes elsewhere, so the equality above is not vacuous
        double[] fresh = savedW.clone();
        double[] freshState = restored.initialState(2);
        Lbfgs.Evaluated<Void> freshAt = rosenbrock(fresh);
        for (int k = 0; k < 6; k++) {
            freshAt = restored.iterate(fresh, freshAt, freshState, LbfgsTest::rosenbrock).at();
        }
        assertFalse(Arrays.equals(w, fresh));
    }

    @Test
    void atAStationaryPointItConvergesWithoutMoving() {
        Lbfgs lbfgs = Optimizers.lbfgs(3, 1e-9);
        double[] w = {1, 1};
        Lbfgs.Step<Void> step = lbfgs.iterate(w, rosenbrock(w), lbfgs.initialState(2), LbfgsTest::rosenbrock);
        assertTrue(step.converged().contains("gradient norm"), step.converged());
        assertEquals(0, step.evaluations());
        assertArrayEquals(new double[] {1, 1}, w, 0);
    }

    @Test
    void convergesOnASmallRelativeDecrease() {
        Lbfgs lbfgs = Optimizers.lbfgs(3, 1e-3);
        double[] w = new double[N];
        double[] state = lbfgs.initialState(N);
        Lbfgs.Evaluated<Void> at = quadratic(w);
        Lbfgs.Step<Void> step = null;
        for (int k = 0; k < 30 && (step == null || step.converged() == null); k++) {
            step = lbfgs.iterate(w, at, state, LbfgsTest::quadratic);
            if (step.converged() == null) {
                assertTrue(at.value() - step.at().value() > 1e-3 * Math.max(1, Math.abs(at.value())));
            }
            at = step.at();
        }
        assertNotNull(step.converged());
    }

    @Test
    void aStateOfAnotherShapeIsRefused() {
        Lbfgs lbfgs = Optimizers.lbfgs(3, 0);
        double[] w = new double[N];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lbfgs.iterate(w, quadratic(w), new double[5], LbfgsTest::quadratic));
        assertTrue(e.getMessage().contains("state of " + (2 + 2 * 3 * N) + " values, got " + N + " and 5"), e.getMessage());
        double[] state = lbfgs.initialState(N);
        state[0] = 4;
        e = assertThrows(IllegalArgumentException.class, () -> lbfgs.iterate(w, quadratic(w), state,
                LbfgsTest::quadratic));
        assertTrue(e.getMessage().contains("not " + lbfgs.name() + "'s"), e.getMessage());
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
