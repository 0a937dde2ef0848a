package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PartitionGradientTest {

    @Test
    void blockOfFindsTheBlockHoldingEachRowPastEmptyBlocks() {
        // Blocks of 0, 3, 0, 0, 2 and 1 rows: rows 0-2 are in block 1, 3-4 in block 4, 5 in block 5.
        int[] starts = {0, 0, 3, 3, 3, 5, 6};
        int[] expected = {1, 1, 1, 4, 4, 5};
        for (int row = 0; row < expected.length; row++) {
            assertEquals(expected[row], PartitionGradient.blockOf(starts, row), "row " + row);
        }
    }
}
