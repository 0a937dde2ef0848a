package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EpochPermutationTest {

    private static long[] positions(long range, long seed, int epoch) {
        EpochPermutation p = new EpochPermutation(range, seed, epoch);
        long[] positions = new long[(int) range];
        for (int id = 0; id < range; id++) {
            positions[id] = p.position(id);
        }
        return positions;
    }

    @ParameterizedTest(name = "{0} ids")
    @ValueSource(ints = {1, 2, 3, 5, 64, 97, 1000, 4096, 10007})
    void everyIdGetsItsOwnPositionInTheRange(int range) {
        long[] positions = positions(range, 42, 3);
        boolean[] taken = new boolean[range];
        for (int id = 0; id < range; id++) {
            long at = positions[id];
            assertTrue(at >= 0 && at < range, "id " + id + " went to " + at);
            assertFalse(taken[(int) at], "position " + at + " given twice");
            taken[(int) at] = true;
        }
    }

    @Test
    void theSameSeedAndEpochGiveTheSameOrderAndAnotherGivesAnother() {
        long[] first = positions(1000, 7, 2);
        assertArrayEquals(first, positions(1000, 7, 2));
        assertFalse(Arrays.equals(first, positions(1000, 7, 3)), "another epoch, another order");
        assertFalse(Arrays.equals(first, positions(1000, 8, 2)), "another seed, another order");
    }

    @Test
    void theOrderIsShuffled() {
        // Consecutive ids land far apart: fewer than 1% of them are neighbours in the order, where the
        // identity (or a rotation) would make them all neighbours and a random order about 0.2%.
        long[] positions = positions(1000, 11, 0);
        int neighbours = 0;
        for (int id = 0; id + 1 < positions.length; id++) {
            neighbours += Math.abs(positions[id + 1] - positions[id]) == 1 ? 1 : 0;
        }
        assertTrue(neighbours < 10, neighbours + " neighbours");
    }

    private static void assertArrayEquals(long[] expected, long[] actual) {
        assertEquals(Arrays.toString(expected), Arrays.toString(actual));
    }
}
