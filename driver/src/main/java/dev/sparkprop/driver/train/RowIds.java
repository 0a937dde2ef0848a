package dev.sparkprop.driver.train;

import java.io.Serializable;
import java.util.Map;
import java.util.SortedMap;

/**
 * Every cached row's id, 0..range-1, from its place in the source: the rows of source partition
 * 0 first, in their order, then those of partition 1, and so on. A row carries its source key
 * (partition << 33 | place in it, what {@code monotonically_increasing_id} gives) through any
 * repartitioning, so its id does not depend on the partitions it is trained on. The offsets come
 * from the largest place seen in each source partition: a source partition's last rows, if left
 * out (data.missing = "drop"), take no ids; rows left out before them leave holes in the range.
 */
final class RowIds implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int PLACE_BITS = 33;

    /** offsets[p]: the ids before source partition p's first row. */
    private final long[] offsets;
    private final long range;

    /** @param sizes each source partition's largest place seen + 1, by source partition */
    RowIds(SortedMap<Integer, Long> sizes) {
        offsets = new long[sizes.isEmpty() ? 0 : sizes.lastKey() + 1];
        long next = 0;
        int p = 0;
        for (Map.Entry<Integer, Long> size : sizes.entrySet()) {
            while (p <= size.getKey()) {
                offsets[p++] = next;
            }
            next += size.getValue();
        }
        range = next;
    }

    /** The key of the row at {@code place} in source partition {@code partition}. */
    static long key(int partition, long place) {
        return ((long) partition << PLACE_BITS) | place;
    }

    /**
     * Raises each source partition's size in {@code sizes} to its largest place in {@code keys} + 1.
     * Keys come sorted, so consecutive ones share a source partition: the map is touched once a run.
     */
    static void addSizes(long[] keys, Map<Integer, Long> sizes) {
        int partition = -1;
        long size = 0;
        for (long key : keys) {
            if (partitionOf(key) != partition) {
                if (partition >= 0) {
                    sizes.merge(partition, size, Math::max);
                }
                partition = partitionOf(key);
                size = 0;
            }
            size = Math.max(size, placeOf(key) + 1);
        }
        if (partition >= 0) {
            sizes.merge(partition, size, Math::max);
        }
    }

    static int partitionOf(long key) {
        return (int) (key >>> PLACE_BITS);
    }

    static long placeOf(long key) {
        return key & ((1L << PLACE_BITS) - 1);
    }

    long id(long key) {
        return offsets[partitionOf(key)] + placeOf(key);
    }

    /** How many ids there are: the rows, plus any holes that left-out rows leave. */
    long range() {
        return range;
    }
}
