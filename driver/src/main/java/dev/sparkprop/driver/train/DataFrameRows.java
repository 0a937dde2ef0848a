package dev.sparkprop.driver.train;

import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.Columns;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Rows of a DataFrame, read through Spark SQL.
 *
 * @param source the rows whose malformed lines {@link #checkWellFormed} counts: {@code df}'s own, or
 *               those of the whole source {@code df} was split from, whose other part's malformed
 *               lines may explain a problem of {@code df}'s (a class that only they hold)
 */
public record DataFrameRows(Dataset<Row> df, Dataset<Row> source) implements TrainingRows {

    public DataFrameRows(Dataset<Row> df) {
        this(df, df);
    }

    /** The column of a row's source key while the training rows are numbered and spread. */
    private static final String KEY = "__sparkprop_row";

    @Override
    public boolean isEmpty() {
        return df.isEmpty();
    }

    @Override
    public List<Map.Entry<Object, Long>> valueCounts(String column, int limit) {
        Dataset<Row> wellFormed = Columns.hasMalformed(df) ? df.where(Columns.col(Columns.MALFORMED).isNull()) : df;
        List<Map.Entry<Object, Long>> counts = new ArrayList<>();
        for (Row r : wellFormed.groupBy(Columns.col(column)).count().limit(limit).collectAsList()) {
            counts.add(new AbstractMap.SimpleImmutableEntry<>(r.get(0), r.getLong(1)));
        }
        return counts;
    }

    @Override
    public void checkWellFormed(String where) {
        if (!Columns.hasMalformed(source)) {
            return;
        }
        DataProblems problems = new DataProblems();
        // The example is the first malformed line in the source's order, as the pass over the rows gives it
        // (first() would take whichever partition's partial result arrives first)
        String position = "__sparkprop_position";
        // An aggregate of a data column too, not used: Spark refuses a query of a raw (uncached) CSV or JSON file
        // that reads its corrupt-record column alone, as a split's whole source is
        String data = java.util.Arrays.stream(source.columns()).filter(c -> !c.equals(Columns.MALFORMED)).findFirst()
                .orElseThrow();
        for (Row r : source.where(Columns.col(Columns.MALFORMED).isNotNull())
                .withColumn(position, functions.monotonically_increasing_id())
                .groupBy().agg(functions.count(functions.lit(1)),
                        functions.min_by(Columns.col(Columns.MALFORMED), functions.col(position)),
                        functions.max(Columns.col(data))).collectAsList()) {
            if (r.getLong(0) > 0) {
                problems.add(DataProblems.Role.LINE, null, DataProblems.Kind.MALFORMED, r.getString(1).strip(), null,
                        r.getLong(0));
            }
        }
        problems.check(where);
    }

    @Override
    public Selected select(Preprocessing prep) {
        Dataset<Row> selected = selectColumns(prep);
        return new Selected(selected.javaRDD(), Columns.indexOfMalformed(selected), -1);
    }

    /**
     * Each row numbered by its place in the DataFrame's partitions ({@code monotonically_increasing_id}),
     * then, unless already in that many partitions, spread by a hash of its key and sorted by it: a plain
     * repartition's reduce side reads the map outputs in the order they arrive, so its row order, and with
     * it the rounding of each partition's sums, would vary between runs.
     */
    @Override
    public Selected numbered(Preprocessing prep, int partitions) {
        Dataset<Row> numbered = selectColumns(prep).withColumn(KEY, functions.monotonically_increasing_id());
        if (numbered.rdd().getNumPartitions() != partitions) {
            numbered = numbered.repartition(partitions, functions.col(KEY)).sortWithinPartitions(KEY);
        }
        return new Selected(numbered.javaRDD(), Columns.indexOfMalformed(numbered), numbered.schema().fieldIndex(KEY));
    }

    /**
     * The columns a {@link RowEncoder} reads, in its order: features, labels, weight, and
     * {@link Columns#MALFORMED} when the data has it.
     */
    private Dataset<Row> selectColumns(Preprocessing prep) {
        List<Columns.Wanted> read = prep.columns();
        Columns.requireAll(Columns.names(df), read, "the data", absent -> null);
        List<Column> selection = new ArrayList<>(read.stream().map(c -> Columns.col(c.name())).toList());
        ColumnTypes.checkFeatures(df, prep.featureNames(), prep);
        ColumnTypes.checkTargets(df, prep);
        if (Columns.hasMalformed(df)) {
            selection.add(Columns.col(Columns.MALFORMED));
        }
        return df.select(selection.toArray(new Column[0]));
    }
}
