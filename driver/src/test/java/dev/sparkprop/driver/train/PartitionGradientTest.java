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

    @Test
    void batchesCutThePositionsIntoEqualRunsWithoutOverflow() {
        // 10 positions in 4 batches: [0,2) [2,5) [5,7) [7,10).
        int[] expected = {0, 0, 1, 1, 1, 2, 2, 3, 3, 3};
        for (int position = 0; position < expected.length; position++) {
            assertEquals(expected[position], PartitionGradient.batchOf(position, 10, 4), "position " + position);
        }
        // Past where k × range overflows a long: each batch starts where the one before ends.
        long range = 5_000_000_000_000L;
        int slices = 1_999_999_999;
        for (int k : new int[] {1, 2, 1_000_000_007, slices - 1}) {
            long start = PartitionGradient.batchStart(k, range, slices);
            assertEquals(java.math.BigInteger.valueOf(k).multiply(java.math.BigInteger.valueOf(range))
                    .divide(java.math.BigInteger.valueOf(slices)).longValueExact(), start, "batch " + k);
            assertEquals(k, PartitionGradient.batchOf(start, range, slices));
            assertEquals(k - 1, PartitionGradient.batchOf(start - 1, range, slices));
        }
    }
}
