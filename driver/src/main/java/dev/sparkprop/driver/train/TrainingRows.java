package dev.sparkprop.driver.train;

import dev.sparkprop.driver.model.Preprocessing;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;

/**
 * Training or validation rows as the passes of the preparation and the encoding read them: a
 * DataFrame ({@link DataFrameRows}), or a CSV of numbers parsed once ({@link NumericTable}).
 */
public interface TrainingRows {

    /**
     * The rows with the columns a {@link RowEncoder} for {@code prep} reads, in its order
     * (features, labels, weight), and the positions of the malformed-line column and of the
     * rows' source key in them, each -1 when they have none.
     */
    record Selected(JavaRDD<Row> rows, int malformedAt, int keyAt) {
    }

    /** Whether there are no rows. */
    boolean isEmpty();

    /** Every distinct value of {@code column} in the well-formed rows (null for a missing one) and its row count, at most {@code limit} of them. */
    List<Map.Entry<Object, Long>> valueCounts(String column, int limit);

    /**
     * Fails with the malformed lines (a CSV line with too few or too many fields), as the pass over
     * the rows would report them, if there are any: before a problem found in the other rows alone,
     * which the left-out lines may explain (a class that only they hold). None by default.
     */
    default void checkWellFormed(String source) {
    }

    /** The rows in {@code prep}'s columns, for a pass that reads each once. */
    Selected select(Preprocessing prep);

    /**
     * {@link #select}, each row followed by its source key ({@link RowIds#key}: its partition and
     * place in the source, before any spreading), in {@code partitions} partitions whose rows and
     * order are the same on every run.
     */
    Selected numbered(Preprocessing prep, int partitions);
}
