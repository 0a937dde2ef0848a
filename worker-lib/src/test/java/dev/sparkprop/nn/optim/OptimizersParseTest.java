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

class OptimizersParseTest {

    @Test
    void bareNamesTakeTheDocumentedDefaults() {
        assertEquals(Optimizers.sgd(), Optimizers.parse("sgd"));
        assertEquals(Optimizers.momentum(0.9), Optimizers.parse("momentum"));
        assertEquals(Optimizers.nesterov(0.9), Optimizers.parse("nesterov"));
        assertEquals(Optimizers.adam(0.9, 0.999, 1e-8), Optimizers.parse("adam"));
        assertEquals(Optimizers.adamw(0.9, 0.999, 1e-8, 0.01), Optimizers.parse("adamw"));
        assertEquals(Optimizers.rmsprop(0.9, 1e-8), Optimizers.parse("rmsprop"));
        assertEquals(Optimizers.adagrad(1e-10), Optimizers.parse("adagrad"));
        assertEquals(Optimizers.lbfgs(10, 1e-9), Optimizers.parse("lbfgs"));
        assertEquals(Optimizers.lbfgs(5, 1e-6), Optimizers.parse("LBFGS(history=5, tolerance=1e-6)"));
    }

    @Test
    void everyExampleInErrorMessagesIsTheKindWithItsDefaultsAndItsCanonicalName() {
        for (var kind : Optimizers.SPECS.kinds()) {
            assertEquals(Optimizers.parse(kind.name()), Optimizers.parse(kind.example()), kind.example());
            assertEquals(kind.example(), Optimizers.parse(kind.name()).name());
        }
        assertEquals("adamw(beta1=0.9,beta2=0.999,eps=1e-8,weight_decay=0.01)", Optimizers.parse("adamw").name());
    }

    @Test
    void aFirstValueWithoutItsKeyIsTheFirstParameter() {
        assertEquals(Optimizers.momentum(0.95), Optimizers.parse("momentum(0.95)"));
        assertEquals(Optimizers.adam(0.8, 0.99, 1e-8), Optimizers.parse("adam(0.8, beta2=0.99)"));
    }

    @Test
    void namedArgumentsOverrideDefaultsCaseInsensitivelyAndIgnoreSpaces() {
        assertEquals(Optimizers.adam(0.8, 0.999, 1e-7), Optimizers.parse(" ADAM( Beta1 = 0.8 , EPS=1E-7 ) "));
        assertEquals(Optimizers.momentum(0.95), Optimizers.parse("Momentum(momentum=.95)"));
        assertEquals(Optimizers.sgd(), Optimizers.parse("sgd()"));
    }

    @Test
    void nameReadsBackToAnEqualOptimizer() {
        // values with no short decimal (0.1 + 0.2 = 0.30000000000000004, 1/3) check the name keeps every bit
        List<OptimizerKind> optimizers = List.of(Optimizers.lbfgs(7, 0.1 + 0.2), Optimizers.sgd(), Optimizers.momentum(0.1 + 0.2),
                Optimizers.nesterov(1.0 / 3), Optimizers.adam(0.1 + 0.7, 1 - 1.0 / 3e4, 1e-300),
                Optimizers.adamw(0.85, 0.995, 3e-9, 0.1 + 0.2), Optimizers.rmsprop(0.99, 1e-6),
                Optimizers.adagrad(0.1 + 0.2));
        for (OptimizerKind o : optimizers) {
            assertEquals(o, Optimizers.parse(o.name()), o.name());
        }
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("adam(beta1=1)", "optimizer adam: beta1 must be in [0, 1), got 1.0"),
                Arguments.of("adam(beta2=-0.1)", "beta2 must be in [0, 1), got -0.1"),
                Arguments.of("adam(eps=0)", "eps must be a finite number > 0, got 0.0"),
                Arguments.of("adamw(weight_decay=-0.01)", "weight_decay must be a finite number ≥ 0, got -0.01"),
                Arguments.of("momentum(momentum=1.5)", "momentum: momentum must be in [0, 1), got 1.5"),
                Arguments.of("nesterov(momentum=-0.5)", "nesterov: momentum must be in [0, 1), got -0.5"),
                Arguments.of("rmsprop(rho=1)", "rmsprop: rho must be in [0, 1), got 1.0"),
                Arguments.of("adagrad(eps=-1e-10)", "adagrad: eps must be a finite number > 0, got -1e-10"),
                Arguments.of("adam(beta1=abc)", "beta1 must be a decimal number such as 0.9 or 1e-8, got 'abc'"),
                Arguments.of("adam(beta1=0.9d)", "got '0.9d'"),
                Arguments.of("adam(beta3=0.5)", "adam has no parameter 'beta3'"),
                Arguments.of("adam(beta3=0.5)", "it takes beta1, beta2, eps"),
                Arguments.of("sgd(lr=0.1)", "sgd has no parameter 'lr' (in 'sgd(lr=0.1)'); it takes none"),
                Arguments.of("adam(0.8,0.99)", "argument '0.99' must read key=value: only the first argument may"
                        + " leave out its key (it is then beta1)"),
                Arguments.of("adam(0.8,beta1=0.9)", "it gives 'beta1' twice"),
                Arguments.of("momentum(1.5)", "momentum: momentum must be in [0, 1), got 1.5 (in 'momentum(1.5)')"),
                Arguments.of("adam:sum", "optimizer specs take no ':' suffix"),
                Arguments.of("adam(beta1=0.9", "it must end with ')'"),
                Arguments.of("adam(beta1=0.9))", "parentheses do not balance"),
                Arguments.of("adam(beta1=0.9,beta1=0.8)", "gives 'beta1' twice"),
                Arguments.of("adam(beta1=0.9,)", "argument '' must read key=value"),
                Arguments.of("lion", "unknown optimizer 'lion'"),
                Arguments.of("lion", "[sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad, lbfgs]"),
                Arguments.of("lbfgs(history=0)", "lbfgs: history must be a whole number in [1, 1000], got 0"),
                Arguments.of("lbfgs(history=2.5)", "history must be a whole number such as 100, got '2.5'"),
                Arguments.of("lbfgs(tolerance=-1e-9)", "lbfgs: tolerance must be a finite number ≥ 0, got -1e-9"),
                Arguments.of("", "unknown optimizer ''"),
                Arguments.of(null, "unknown optimizer 'null'"));
    }

    @ParameterizedTest
    @MethodSource("badSpecs")
    void badSpecsAreRejectedWithMessagesNamingTheProblem(String spec, String expectedPart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.parse(spec));
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    @Test
    void rangeErrorsShowAValidExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.parse("adamw(beta2=1)"));
        assertTrue(e.getMessage().endsWith("e.g. adamw(beta1=0.9,beta2=0.999,eps=1e-8,weight_decay=0.01)"),
                e.getMessage());
    }

    @Test
    void factoriesRejectNaN() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.adam(Double.NaN, 0.999, 1e-8));
        assertTrue(e.getMessage().contains("beta1 must be in [0, 1), got NaN"), e.getMessage());
    }
}
