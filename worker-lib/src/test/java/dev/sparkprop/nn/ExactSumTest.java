package dev.sparkprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {

    /** Terms over 600 binary orders of magnitude, of both signs. */
    private static double[][] terms(int count, int size, long seed) {
        Random random = new Random(seed);
        double[][] t = new double[count][size];
        for (int p = 0; p < count; p++) {
            for (int i = 0; i < size; i++) {
                double magnitude = Math.scalb(1 + random.nextDouble(), random.nextInt(600) - 300);
                t[p][i] = random.nextBoolean() ? magnitude : -magnitude;
            }
        }
        return t;
    }

    /** Merges the terms as a random tree: shuffled, grouped at random, the groups merged in random order. */
    private static double[] randomTree(double[][] terms, Random random) {
        List<ExactSum> parts = new ArrayList<>();
        for (double[] t : terms) {
            parts.add(ExactSum.of(t));
        }
        while (parts.size() > 1) {
            Collections.shuffle(parts, random);
            int take = 2 + random.nextInt(Math.min(4, parts.size() - 1));
            ExactSum merged = parts.remove(0);
            for (int k = 1; k < take && !parts.isEmpty(); k++) {
                merged.merge(parts.remove(0));
            }
            parts.add(merged);
        }
        return parts.get(0).toDoubles();
    }

    @Test
    void anyOrderAndGroupingOfMergesGivesTheSameBits() {
        double[][] terms = terms(37, 200, 1);
        double[] first = randomTree(terms, new Random(0));
        for (int trial = 1; trial < 30; trial++) {
            assertArrayEquals(first, randomTree(terms, new Random(trial)), "order " + trial);
        }
        // Adding the terms one by one, in another order, agrees too
        ExactSum oneByOne = new ExactSum(200);
        for (int p = terms.length - 1; p >= 0; p--) {
            for (int i = 0; i < 200; i++) {
                oneByOne.add(i, terms[p][i]);
            }
        }
        assertArrayEquals(first, oneByOne.toDoubles());
    }

    @Test
    void plainDoubleSumsOfTheSameTermsDependOnTheOrder() {
        // The control: what the exact sums fix
        double[][] terms = terms(37, 200, 1);
        double[] forward = new double[200];
        double[] backward = new double[200];
        for (int p = 0; p < terms.length; p++) {
            for (int i = 0; i < 200; i++) {
                forward[i] += terms[p][i];
                backward[i] += terms[terms.length - 1 - p][i];
            }
        }
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            differ += forward[i] != backward[i] ? 1 : 0;
        }
        assertTrue(differ > 10, differ + " of 200 plain sums differ between the orders");
    }

    @Test
    void theSumIsWithinAnUlpOfTheExactSumOrFarBelowTheLargestTerm() {
        // Bits more than 64 below the largest term's leading bit are dropped: a double sum
        // loses those too (1e300 + x - 1e300 is 0 for a small x), and more besides.
        double[][] terms = terms(37, 200, 2);
        double[] sums = randomTree(terms, new Random(5));
        for (int i = 0; i < 200; i++) {
            BigDecimal exact = BigDecimal.ZERO;
            double largest = 0;
            for (double[] t : terms) {
                exact = exact.add(new BigDecimal(t[i]));
                largest = Math.max(largest, Math.abs(t[i]));
            }
            double rounded = exact.round(MathContext.DECIMAL128).doubleValue();
            double bound = Math.max(Math.ulp(rounded), terms.length * Math.scalb(largest, -64));
            assertTrue(Math.abs(sums[i] - rounded) <= bound, i + ": " + sums[i] + " vs exact " + rounded);
        }
    }

    @Test
    void zerosSubnormalsAndNonFiniteTermsAreHandled() {
        ExactSum sum = new ExactSum(4);
        sum.add(0, Double.MIN_VALUE);
        sum.add(0, Double.MIN_VALUE * 3);
        sum.add(1, 0.0);
        sum.add(2, Double.POSITIVE_INFINITY);
        sum.add(2, 1);
        sum.add(3, Double.POSITIVE_INFINITY);
        ExactSum other = new ExactSum(4);
        other.add(3, Double.NEGATIVE_INFINITY);
        sum.merge(other);
        assertEquals(Double.MIN_VALUE * 4, sum.value(0));
        assertEquals(0.0, sum.value(1));
        assertEquals(Double.POSITIVE_INFINITY, sum.value(2));
        assertTrue(Double.isNaN(sum.value(3)));
    }
}
