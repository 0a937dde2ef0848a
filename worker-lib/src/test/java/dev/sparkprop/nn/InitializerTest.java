package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InitializerTest {

    private static final NetworkSpec SPEC = NetworkSpec.parse("400,300:relu,10:softmax", "cross_entropy");

    @ParameterizedTest
    @EnumSource(Initializer.class)
    void sameSeedSameWeightsOtherSeedOtherWeights(Initializer init) {
        assertArrayEquals(init.initialise(SPEC, 7), init.initialise(SPEC, 7));
        assertFalse(Arrays.equals(init.initialise(SPEC, 7), init.initialise(SPEC, 8)));
    }

    @ParameterizedTest
    @EnumSource(Initializer.class)
    void weightsHaveTheSchemesVarianceAndBiasesAreZero(Initializer init) {
        double[] w = init.initialise(SPEC, 3);
        ParameterLayout layout = SPEC.layout();
        int from = layout.weightOffset(1);
        int n = layout.fanIn(1) * layout.fanOut(1);
        double sum = 0;
        double sumSq = 0;
        for (int i = from; i < from + n; i++) {
            sum += w[i];
            sumSq += w[i] * w[i];
        }
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        boolean xavier = init.name().startsWith("XAVIER");
        double expected = xavier ? 2.0 / (400 + 300) : 2.0 / 400;
        // 120,000 draws: the sample variance is within 1% of the true one with overwhelming odds.
        assertEquals(expected, variance, 0.01 * expected, init.name());
        assertEquals(0, mean, 5 * Math.sqrt(expected / n));
        for (int l = 1; l <= layout.depth(); l++) {
            for (int i = 0; i < layout.fanOut(l); i++) {
                assertEquals(0.0, w[layout.biasOffset(l) + i]);
            }
        }
    }
}
