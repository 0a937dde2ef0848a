package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RowIdsTest {

    @Test
    void idsFollowTheSourcePartitionsInOrderSkippingEmptyOnes() {
        // Source partition 0 holds places 0..4, partition 1 nothing, partition 2 places 0..2 of
        // which this cache saw 0 and 2 (place 1 was left out: its id stays unused).
        TreeMap<Integer, Long> sizes = new TreeMap<>();
        RowIds.addSizes(new long[] {RowIds.key(0, 0), RowIds.key(0, 3), RowIds.key(2, 0)}, sizes);
        RowIds.addSizes(new long[] {RowIds.key(0, 1), RowIds.key(0, 4), RowIds.key(2, 2)}, sizes);
        RowIds ids = new RowIds(sizes);

        assertEquals(8, ids.range());
        assertEquals(0, ids.id(RowIds.key(0, 0)));
        assertEquals(4, ids.id(RowIds.key(0, 4)));
        assertEquals(5, ids.id(RowIds.key(2, 0)));
        assertEquals(7, ids.id(RowIds.key(2, 2)));
    }
}
