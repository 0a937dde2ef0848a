package dev.sparkprop.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LearningRateSchedulesTest {

    private static final double TOL = 1e-12;

    @Test
    void constantIsTheSameAtEveryIteration() {
        LearningRateSchedule s = LearningRateSchedules.constant(0.1);
        assertEquals(0.1, s.rate(0), 0);
        assertEquals(0.1, s.rate(1_000_000), 0);
    }

    @Test
    void stepDropsByGammaEveryStepSizeIterations() {
        LearningRateSchedule s = LearningRateSchedules.step(0.1, 10, 0.5);
        // 0.1 * 0.5^floor(it/10)
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.1, s.rate(9), TOL);
        assertEquals(0.05, s.rate(10), TOL);
        assertEquals(0.025, s.rate(25), TOL);
    }

    @Test
    void exponentialMultipliesByGammaEachIteration() {
        LearningRateSchedule s = LearningRateSchedules.exponential(0.1, 0.9);
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.09, s.rate(1), TOL);
        assertEquals(0.081, s.rate(2), TOL);
        // 0.9^10 = 0.3486784401
        assertEquals(0.03486784401, s.rate(10), TOL);
    }

    @Test
    void cosineFallsFromLrToMinLrOverTotalThenHolds() {
        LearningRateSchedule s = LearningRateSchedules.cosine(1.0, 100, 0.1);
        // 0.1 + 0.9*(1 + cos(π·it/100))/2
        assertEquals(1.0, s.rate(0), TOL);
        // cos(π/4) = √0.5: 0.1 + 0.45*(1 + √0.5) ≈ 0.86820
        assertEquals(0.1 + 0.45 * (1 + Math.sqrt(0.5)), s.rate(25), TOL);
        // cos(π/2) = 0: halfway between 1 and 0.1
        assertEquals(0.55, s.rate(50), TOL);
        assertEquals(0.1, s.rate(100), TOL);
        assertEquals(0.1, s.rate(250), TOL);
    }

    @Test
    void warmupRampsLinearlyToTheInnerRate() {
        LearningRateSchedule s = LearningRateSchedules.warmup(LearningRateSchedules.constant(0.1), 4);
        // 0.1 * (it+1)/4 for it < 4
        assertEquals(0.025, s.rate(0), TOL);
        assertEquals(0.05, s.rate(1), TOL);
        assertEquals(0.075, s.rate(2), TOL);
        assertEquals(0.1, s.rate(3), TOL);
        assertEquals(0.1, s.rate(4), TOL);
        assertEquals(0.1, s.rate(99), TOL);
    }

    @Test
    void warmupScalesTheInnerScheduleWithoutDelayingIt() {
        // inner: 0.1 * 0.5^floor(it/2) = 0.1, 0.1, 0.05, 0.05, 0.025
        LearningRateSchedule s = LearningRateSchedules.warmup(LearningRateSchedules.step(0.1, 2, 0.5), 4);
        assertEquals(0.1 * 1 / 4, s.rate(0), TOL);
        assertEquals(0.1 * 2 / 4, s.rate(1), TOL);
        assertEquals(0.05 * 3 / 4, s.rate(2), TOL);
        assertEquals(0.05, s.rate(3), TOL);
        assertEquals(0.025, s.rate(4), TOL);
    }

    @Test
    void negativeIterationsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedules.warmup(LearningRateSchedules.constant(0.1), 4).rate(-1));
        assertTrue(e.getMessage().contains("takes a 0-based iteration, got -1"), e.getMessage());
    }

    @Test
    void parseReadsNamedArgumentsAndDefaults() {
        assertEquals(LearningRateSchedules.constant(0.1), LearningRateSchedules.parse("constant", 0.1));
        assertEquals(LearningRateSchedules.step(0.1, 10, 0.5),
                LearningRateSchedules.parse(" STEP( step_size=10, Gamma=0.5 ) ", 0.1));
        assertEquals(LearningRateSchedules.step(0.1, 10, 0.1), LearningRateSchedules.parse("step(step_size=10)", 0.1));
        assertEquals(LearningRateSchedules.exponential(0.1, 0.99),
                LearningRateSchedules.parse("exponential(gamma=0.99)", 0.1));
        assertEquals(LearningRateSchedules.cosine(0.1, 1000, 0), LearningRateSchedules.parse("cosine(total=1000)", 0.1));
        assertEquals(LearningRateSchedules.cosine(0.1, 1000, 0.001),
                LearningRateSchedules.parse("cosine(total=1000,min_lr=1e-3)", 0.1));
        assertEquals(LearningRateSchedules.warmup(LearningRateSchedules.constant(0.1), 100),
                LearningRateSchedules.parse("warmup(iterations=100)", 0.1));
        assertEquals(LearningRateSchedules.warmup(LearningRateSchedules.cosine(0.1, 1000, 0), 100),
                LearningRateSchedules.parse("warmup(iterations=100,then=cosine(total=1000))", 0.1));
    }

    @Test
    void everyExampleInErrorMessagesParsesToAScheduleOfItsKind() {
        for (var kind : LearningRateSchedules.SPECS.kinds()) {
            assertEquals(kind.name(), LearningRateSchedules.parse(kind.example(), 0.1).name().split("\\(")[0]);
        }
    }

    @Test
    void aFirstValueWithoutItsKeyIsTheFirstParameterAndNestedSpecsTakeItToo() {
        assertEquals(LearningRateSchedules.parse("cosine(total=1000,min_lr=0.001)", 0.1),
                LearningRateSchedules.parse("cosine(1000,min_lr=0.001)", 0.1));
        assertEquals(LearningRateSchedules.parse("warmup(iterations=10,then=step(step_size=5,gamma=0.5))", 0.1),
                LearningRateSchedules.parse("warmup(10, then = STEP(5, gamma=0.5))", 0.1));
    }

    @Test
    void nameReadsBackToAScheduleWithTheSameRates() {
        double lr = 0.3;
        List<LearningRateSchedule> schedules = List.of(
                LearningRateSchedules.constant(lr),
                LearningRateSchedules.step(lr, 7, 0.1 + 0.2),
                LearningRateSchedules.exponential(lr, 0.999),
                LearningRateSchedules.cosine(lr, 500, 0.003),
                LearningRateSchedules.warmup(LearningRateSchedules.cosine(lr, 500, 0), 50),
                LearningRateSchedules.warmup(LearningRateSchedules.warmup(LearningRateSchedules.step(lr, 3, 0.5), 5), 9));
        for (LearningRateSchedule s : schedules) {
            LearningRateSchedule parsed = LearningRateSchedules.parse(s.name(), lr);
            assertEquals(s, parsed, s.name());
            for (long it : new long[] {0, 1, 4, 7, 49, 50, 499, 500, 10_000}) {
                assertEquals(s.rate(it), parsed.rate(it), 0, s.name() + " at " + it);
            }
        }
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("cosine", 0.1, "cosine needs total=... (in 'cosine'), e.g. cosine(total=1000,min_lr=0.0)"),
                Arguments.of("cosine(total=0)", 0.1, "total must be a whole number ≥ 1, got 0"),
                Arguments.of("cosine(total=100,min_lr=0.5)", 0.1, "min_lr must be in [0, lr] = [0, 0.1], got 0.5"),
                Arguments.of("cosine(total=100,min_lr=-0.01)", 0.1, "min_lr must be a finite number ≥ 0, got -0.01"),
                Arguments.of("step(step_size=2.5)", 0.1, "step_size must be a whole number such as 100, got '2.5'"),
                Arguments.of("step(step_size=99999999999999999999)", 0.1, "got '99999999999999999999'"),
                Arguments.of("step(gamma=0.5)", 0.1, "step needs step_size="),
                Arguments.of("step(step_size=10,gamma=0)", 0.1, "step: gamma must be in (0, 1], got 0.0"),
                Arguments.of("exponential", 0.1, "exponential needs gamma="),
                Arguments.of("exponential(gamma=1.5)", 0.1, "exponential: gamma must be in (0, 1], got 1.5"),
                Arguments.of("warmup(then=constant)", 0.1, "warmup needs iterations="),
                Arguments.of("warmup(iterations=10,then=linear)", 0.1, "unknown learning-rate schedule 'linear'"),
                Arguments.of("warmup(iterations=10,then=cosine(total=5)", 0.1, "parentheses do not balance"),
                Arguments.of("warmup(iterations=10,then=cosine(total=5),)", 0.1, "argument '' must read key=value"),
                Arguments.of("constant(lr=0.1)", 0.1, "constant has no parameter 'lr'"),
                Arguments.of("step(10,5)", 0.1, "argument '5' must read key=value: only the first argument may leave"
                        + " out its key (it is then step_size)"),
                Arguments.of("step(10,step_size=5)", 0.1, "it gives 'step_size' twice"),
                Arguments.of("constant(0.1)", 0.1, "learning-rate schedule constant takes no parameter, got '0.1'"),
                Arguments.of("cosine(total=10):sum", 0.1, "learning-rate schedule specs take no ':' suffix"),
                Arguments.of("onecycle", 0.1, "unknown learning-rate schedule 'onecycle'; use one of"
                        + " [constant, step, exponential, cosine, warmup]"),
                Arguments.of("constant", -0.1, "the learning rate must be a finite number > 0, got -0.1"),
                Arguments.of("cosine(total=10)", Double.NaN, "the learning rate must be a finite number > 0, got NaN"));
    }

    @ParameterizedTest
    @MethodSource("badSpecs")
    void badSpecsAreRejectedWithMessagesNamingTheProblem(String spec, double lr, String expectedPart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedules.parse(spec, lr));
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }
}
