package dev.sparkprop.driver.train;

import dev.sparkprop.driver.model.PredictionColumns;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.spark.PartitionJob;
import dev.sparkprop.nn.Backprop;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.DoubleArrays;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DayTimeIntervalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.YearMonthIntervalType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Adds predictions to rows, block by block on the executors, with the model's preprocessing.
 * Output columns: the id columns as given, then the {@link PredictionColumns}, a multi-label
 * network's predictions 0 or 1 and regression's in original units.
 * A row with a missing or non-finite feature cannot be scored unless the model imputes
 * (data.missing = "impute"); nor can a row whose vector has the wrong size or whose value float32
 * cannot hold. {@link #predict} gives such a row null predictions (it is kept, so ids still join;
 * it reports wrong sizes, {@link #vectorSizeProblems}); the Spark ML models do as their
 * handleInvalid says ({@link InvalidRows}). An unseen category encodes as all zeros.
 */
public final class BatchPredictor {

    private BatchPredictor() {
    }

    /**
     * Turns network outputs into output column values: {@code a} is a_L and {@code z} is z_L of a
     * block (units x rows, column-major); the row's outputs start at {@code off}.
     */
    public interface PredictionWriter extends Serializable {
        void write(double[] a, double[] z, int off, int units, Object[] values, int at);
    }

    /**
     * What becomes of a row that cannot be scored (a missing or non-finite feature the model does
     * not impute, a vector of another size, a value float32 cannot hold, a malformed line): Spark's
     * handleInvalid. KEEP gives it null outputs, SKIP leaves it out, ERROR fails the task naming
     * the problem.
     */
    public enum InvalidRows {
        KEEP, SKIP, ERROR;

        /** What the Spark ML models' handleInvalid param takes, in the order of its doc. */
        public static final java.util.List<String> NAMES = java.util.List.of("error", "skip", "keep");

        /** The mode of a handleInvalid value: one of {@link #NAMES}. */
        public static InvalidRows of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * The CLI's predictions: the {@code kept} columns of {@code df} (the job's id columns, or those
     * the user names), then the named prediction and probability columns.
     *
     * @param keptRole what names the kept columns to the user, e.g. id
     * @param wrongSizes where each partition that reads a feature vector of another size than the
     *                   model's adds its findings, as it ends ({@link #vectorSizeProblems})
     */
    public static Dataset<Row> predict(SparkSession spark, Dataset<Row> df, Preprocessing prep, NetworkSpec spec,
                                       double[] params, List<String> kept, String keptRole, int blockRows,
                                       Precision precision, CollectionAccumulator<PartitionProblems> wrongSizes) {
        List<String> available = Columns.names(df);
        List<StructField> fields = new ArrayList<>();
        List<String> outputs = outputColumns(prep, spec);
        Columns.requireAll(available, Columns.Wanted.all(keptRole, kept), "the data", absent -> null);
        for (int i = 0; i < kept.size(); i++) {
            String k = kept.get(i);
            if (kept.indexOf(k) < i) {
                throw new IllegalArgumentException(keptRole + " column " + Columns.named(k) + " is named twice; name"
                        + " each column to keep once");
            }
        }
        String clash = PredictionColumns.clash(kept, keptRole, outputs);
        if (clash != null) {
            throw new IllegalArgumentException(clash);
        }
        boolean named = prep.classes() != null;
        for (int i = 0; i < outputs.size(); i++) {
            boolean className = named && i == 0;
            fields.add(DataTypes.createStructField(outputs.get(i), className ? DataTypes.StringType
                    : DataTypes.DoubleType, true));
        }
        List<String> features = prep.featureNames();
        return append(spark, df, features, kept, prep, spec, params, blockRows, precision, fields,
                new NamedOutputs(prep, outputs.size()), InvalidRows.KEEP, wrongSizes);
    }

    /** A partition's problems, by its index: a retried task adds its partition's again. */
    public record PartitionProblems(int partition, DataProblems problems) implements Serializable {
    }

    /**
     * Fails, naming how many rows and an example, when a partition of {@link #predict} read a
     * feature vector of another size than the model's: a row it could only give a null prediction,
     * for want of the schema's size ({@link ColumnTypes#checkFeatures}).
     *
     * @param source what the rows are, e.g. --data 'x.parquet'
     */
    public static void vectorSizeProblems(CollectionAccumulator<PartitionProblems> wrongSizes, String source) {
        Map<Integer, DataProblems> byPartition = new TreeMap<>();
        wrongSizes.value().forEach(p -> byPartition.put(p.partition(), p.problems()));
        byPartition.values().stream().reduce(DataProblems::merge).ifPresent(p -> p.check(source));
    }

    /**
     * Rows of the {@code kept} columns followed by {@code outputs}, which {@code writer} fills
     * from each row's network output, block by block; {@code featureColumns} name the model's
     * feature columns in {@code df}, in the preprocessing's order. A row that cannot be scored is
     * kept with nulls, left out or an error, as {@code invalid} says.
     */
    public static Dataset<Row> append(SparkSession spark, Dataset<Row> df, List<String> featureColumns,
                                      List<String> kept, Preprocessing prep, NetworkSpec spec, double[] params,
                                      int blockRows, Precision precision, List<StructField> outputs,
                                      PredictionWriter writer, InvalidRows invalid) {
        return append(spark, df, featureColumns, kept, prep, spec, params, blockRows, precision, outputs, writer,
                invalid, null);
    }

    private static Dataset<Row> append(SparkSession spark, Dataset<Row> df, List<String> featureColumns,
                                       List<String> kept, Preprocessing prep, NetworkSpec spec, double[] params,
                                       int blockRows, Precision precision, List<StructField> outputs,
                                       PredictionWriter writer, InvalidRows invalid,
                                       CollectionAccumulator<PartitionProblems> wrongSizes) {
        List<String> available = Columns.names(df);
        Columns.requireAll(available, Columns.Wanted.all("feature", featureColumns), "the data", absent -> null);
        List<String> names = Arrays.asList(df.columns());
        for (String f : featureColumns) {
            if (names.indexOf(f) != names.lastIndexOf(f)) {
                throw new IllegalArgumentException("the data has " + Collections.frequency(names, f)
                        + " columns named '" + f + "', a feature column of the model; drop or rename all but one");
            }
        }
        ColumnTypes.checkFeatures(df, featureColumns, prep);
        // Columns by position: a joined DataFrame may have two of one name (both ids), which a
        // select by name finds ambiguous; each kept name takes its next column of that name
        String[] positions = new String[names.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = "_c" + i;
        }
        Dataset<Row> byPosition = df.toDF(positions);
        List<Column> selection = new ArrayList<>();
        List<StructField> fields = new ArrayList<>();
        for (String f : featureColumns) {
            selection.add(functions.col(positions[names.indexOf(f)]));
        }
        boolean[] taken = new boolean[names.size()];
        for (String k : kept) {
            int i = names.indexOf(k);
            for (int j = i; j < names.size(); j++) {
                if (!taken[j] && names.get(j).equals(k)) {
                    i = j;
                    break;
                }
            }
            taken[i] = true;
            selection.add(functions.col(positions[i]));
            fields.add(df.schema().fields()[i]);
        }
        // A malformed line (the CSV reader's) is a row without usable features
        int malformedAt = -1;
        if (Columns.hasMalformed(df) && !kept.contains(Columns.MALFORMED)) {
            malformedAt = selection.size();
            selection.add(functions.col(positions[names.indexOf(Columns.MALFORMED)]));
        }
        fields.addAll(outputs);
        RowEncoder encoder = new RowEncoder(prep, spec, null, precision, true, malformedAt);
        // In the model's precision, as training ships them: a float32 model's tasks take float32 weights as they are
        Broadcast<?> weights = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(
                precision == Precision.FLOAT32 ? DoubleArrays.narrow(params) : params.clone());
        String layers = spec.layersSpec();
        String loss = spec.loss().name();
        int features = featureColumns.size();
        int keptCount = kept.size();
        int outputCount = outputs.size();
        // A Dataset operation, not an RDD's: it keeps the plan's lineage and runs on a streaming
        // DataFrame as on a batch one (each micro-batch's partitions go through it)
        MapPartitionsFunction<Row, Row> predicting = it -> {
            Backprop backprop = ExecutorCache.backprop(layers, loss, blockRows, precision);
            return new PredictingIterator(it, encoder, backprop, weights.value(), writer, features, keptCount,
                    blockRows, outputCount, invalid, wrongSizes);
        };
        // The encoder's columns lose the fields' metadata (the ml attributes), which the select
        // puts back; they are named by position, so a column kept twice stays two columns. A kept
        // column holding an interval is cast back to its type: the encoder widens an interval of one
        // unit (DAY to DAY TO SECOND, YEAR to YEAR TO MONTH). Only those: a Python-only UDT comes
        // out as its SQL type, which no cast turns back.
        List<StructField> positional = new ArrayList<>();
        List<Column> named = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            StructField f = fields.get(i);
            positional.add(DataTypes.createStructField("_" + i, f.dataType(), f.nullable()));
            Column c = functions.col("_" + i);
            named.add((i < keptCount && holdsInterval(f.dataType()) ? c.cast(f.dataType()) : c)
                    .as(f.name(), f.metadata()));
        }
        return byPosition.select(selection.toArray(new Column[0]))
                .mapPartitions(predicting, Encoders.row(DataTypes.createStructType(positional)))
                .select(named.toArray(new Column[0]));
    }

    /**
     * One row's network output and z_L, {@code {a_L, z_L}}, from its inputs before
     * standardisation, encoded as the batched path encodes them (a NaN or infinite input filled
     * when the model imputes; else every output NaN, where the batched path gives nulls): Spark
     * ML's single-row predict.
     */
    public static double[][] predictOne(Preprocessing prep, NetworkSpec spec, double[] params, Precision precision,
                                        double[] inputs) {
        if (inputs.length != spec.inputWidth()) {
            throw new IllegalArgumentException("the model takes " + spec.inputWidth() + " inputs, got a vector of "
                    + inputs.length);
        }
        double[] x = inputs.clone();
        int units = spec.outputWidth();
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                if (prep.featureFill() == null) {
                    // No prediction, as transform's null for such a row: NaN, never a made-up class
                    double[] none = new double[units];
                    Arrays.fill(none, Double.NaN);
                    return new double[][] {none, none.clone()};
                }
                x[i] = prep.featureFill()[i];
            }
        }
        if (prep.featureMean() != null) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (x[i] - prep.featureMean()[i]) * prep.featureScale()[i];
            }
        }
        Block block = new Block(x.length, units, x, new double[units], new double[1], 1);
        Backprop backprop = new Backprop(spec, 1, precision, true);
        double[] a = backprop.predict(params, precision == Precision.FLOAT32 ? block.toFloat32() : block);
        double[] z = backprop.preActivation(spec.depth());
        return new double[][] {Arrays.copyOf(a, units), Arrays.copyOf(z, units)};
    }

    /** Whether {@code type} is or holds (in a struct, array or map) a day-time or year-month interval. */
    private static boolean holdsInterval(DataType type) {
        if (type instanceof DayTimeIntervalType || type instanceof YearMonthIntervalType) {
            return true;
        }
        if (type instanceof StructType struct) {
            return Arrays.stream(struct.fields()).anyMatch(f -> holdsInterval(f.dataType()));
        }
        if (type instanceof ArrayType array) {
            return holdsInterval(array.elementType());
        }
        return type instanceof MapType map && (holdsInterval(map.keyType()) || holdsInterval(map.valueType()));
    }

    /** The names of the columns predictions add. */
    static List<String> outputColumns(Preprocessing prep, NetworkSpec spec) {
        return PredictionColumns.names(spec.task(), spec.outputWidth(), prep.labels(), prep.classes());
    }

    /** Reads up to {@code blockRows} rows, predicts them in one block, and hands them out. */
    private static final class PredictingIterator implements Iterator<Row> {
        private final Iterator<Row> in;
        private final RowEncoder encoder;
        private final Backprop backprop;
        /** double[] or, for a float32 model, float[]: loaded for every block, as another model may share the Backprop. */
        private final Object params;
        private final PredictionWriter writer;
        private final int features;
        private final int ids;
        private final int blockRows;
        private final int outputs;
        private final double[] x;
        /**
         * The block's features for a float32 model, and the unused targets and weights: reused, block after
         * block, and as large as the largest block yet (a partition of a few rows takes a few rows' worth).
         */
        private float[] x32 = new float[0];
        private double[] targets = new double[0];
        private double[] weights = new double[0];
        private final List<Row> raw = new ArrayList<>();
        private final boolean[] valid;
        private final List<Row> pending = new ArrayList<>();
        private int next;
        private final InvalidRows invalid;
        /** The rows' problems, for {@code wrongSizes} or an ERROR's message; null when neither wants them. */
        private final DataProblems problems;
        private final CollectionAccumulator<PartitionProblems> wrongSizes;
        private boolean reported;

        PredictingIterator(Iterator<Row> in, RowEncoder encoder, Backprop backprop, Object params,
                           PredictionWriter writer, int features, int ids, int blockRows, int outputs,
                           InvalidRows invalid, CollectionAccumulator<PartitionProblems> wrongSizes) {
            this.invalid = invalid;
            this.wrongSizes = wrongSizes;
            this.problems = wrongSizes == null && invalid != InvalidRows.ERROR ? null : new DataProblems();
            this.in = in;
            this.encoder = encoder;
            this.backprop = backprop;
            this.params = params;
            this.writer = writer;
            this.features = features;
            this.ids = ids;
            this.blockRows = blockRows;
            this.outputs = outputs;
            this.x = new double[encoder.inputWidth() * blockRows];
            this.valid = new boolean[blockRows];
        }

        @Override
        public boolean hasNext() {
            if (next < pending.size()) {
                return true;
            }
            pending.clear();
            next = 0;
            // A block may leave out every row (SKIP)
            while (pending.isEmpty() && in.hasNext()) {
                // Per block, where the work is, not per row (as wrapping the iterator would)
                PartitionJob.failingOutOfHeap(() -> {
                    fill();
                    return null;
                });
            }
            if (pending.isEmpty() && wrongSizes != null && !reported) {
                reported = true;
                DataProblems wrong = problems.only(DataProblems.Kind.VECTOR_SIZE);
                if (wrong.hasProblems()) {
                    wrongSizes.add(new PartitionProblems(TaskContext.getPartitionId(), wrong));
                }
            }
            return !pending.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return pending.get(next++);
        }

        private void fill() {
            raw.clear();
            int in0 = encoder.inputWidth();
            int usable = 0;
            while (raw.size() < blockRows && in.hasNext()) {
                Row row = in.next();
                valid[raw.size()] = encoder.features(row, x, usable * in0, problems);
                if (valid[raw.size()]) {
                    usable++;
                }
                raw.add(row);
            }
            if (usable < raw.size() && invalid == InvalidRows.ERROR) {
                // Counted over this block: the task stops at it
                problems.check("the data transform scores (the first block of " + raw.size()
                        + " rows with such values)", "Fit with missing = \"impute\" to fill such"
                        + " values", "Or set handleInvalid = \"skip\" to leave rows that cannot be scored out, or"
                        + " \"keep\" to give them null outputs");
            }
            double[] out = usable == 0 ? new double[0] : (params instanceof float[] p32 ? backprop.load(p32)
                    : backprop.load((double[]) params)).predict(block(usable));
            double[] z = usable == 0 ? out : backprop.preActivation(backprop.spec().depth());
            int units = encoder.outputWidth();
            for (int r = 0, k = 0; r < raw.size(); r++) {
                Object[] values = new Object[ids + outputs];
                for (int i = 0; i < ids; i++) {
                    values[i] = raw.get(r).get(features + i);
                }
                if (valid[r]) {
                    writer.write(out, z, k * units, units, values, ids);
                    k++;
                } else if (invalid == InvalidRows.SKIP) {
                    continue;
                }
                pending.add(RowFactory.create(values));
            }
        }

        /** The first {@code rows} encoded rows as a block of the model's precision (targets unused). */
        private Block block(int rows) {
            int in0 = encoder.inputWidth();
            int units = encoder.outputWidth();
            if (weights.length < rows) {
                targets = new double[units * rows];
                weights = new double[rows];
            }
            if (backprop.precision() != Precision.FLOAT32) {
                return new Block(in0, units, x, targets, weights, rows);
            }
            if (x32.length < in0 * rows) {
                x32 = new float[in0 * rows];
            }
            DoubleArrays.narrow(x, x32, in0 * rows);
            return Block.float32(in0, units, x32, targets, weights, rows);
        }
    }

    /** The CLI's output columns ({@link #outputColumns}). */
    private record NamedOutputs(Preprocessing prep, int outputs) implements PredictionWriter {

        @Override
        public void write(double[] out, double[] z, int off, int units, Object[] values, int at) {
            if (prep.classes() != null) {
                double[] p = units == 1 ? new double[] {1 - out[off], out[off]} : Arrays.copyOfRange(out, off, off + units);
                int best = 0;
                for (int c = 1; c < p.length; c++) {
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                values[at] = prep.classes().get(best);
                for (int c = 0; c < p.length; c++) {
                    values[at + 1 + c] = p[c];
                }
            } else if (outputs == 2 * units) {
                for (int i = 0; i < units; i++) {
                    values[at + i] = out[off + i];
                    values[at + units + i] = out[off + i] >= 0.5 ? 1.0 : 0.0;
                }
            } else {
                for (int i = 0; i < units; i++) {
                    double v = out[off + i];
                    values[at + i] = prep.targetMean() == null ? v : v / prep.targetScale()[i] + prep.targetMean()[i];
                }
            }
        }
    }
}
