package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.MissingValues;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Preprocessing learned from DataFrames, and the cached blocks it produces. */
class TrainingDataTest {

    private static final NetworkSpec CLASSIFIER = NetworkSpec.parse("2,4:tanh,3:softmax", "cross_entropy");
    private static final StructType NUMERIC = new StructType()
            .add("a", DataTypes.DoubleType).add("b", DataTypes.IntegerType)
            .add("label", DataTypes.DoubleType).add("w", DataTypes.DoubleType);
    private static final DataColumns AB = new DataColumns(List.of("a", "b"), List.of("label"), "w", List.of());

    private static Dataset<Row> frame(StructType schema, Object[]... rows) {
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(RowFactory.create(r));
        }
        return SparkTestSession.spark().createDataFrame(list, schema).repartition(2);
    }

    private static TrainingData build(Dataset<Row> df, DataColumns columns, NetworkSpec spec, boolean standardize) {
        Preprocessing prep = PreprocessingFitter.fit(df, columns, spec, standardize).preprocessing();
        return TrainingData.fromDataFrame(df, "the data", prep, spec, 3, null, Precision.FLOAT64);
    }

    /** Every row of the blocks, as [inputs..., targets..., weight]. */
    private static List<double[]> rows(TrainingData data) {
        List<double[]> rows = new ArrayList<>();
        for (Block b : data.blocks().collect()) {
            int in = b.inputWidth();
            int out = b.outputWidth();
            for (int r = 0; r < b.rows(); r++) {
                double[] row = new double[in + out + 1];
                System.arraycopy(b.features(), r * in, row, 0, in);
                for (int i = 0; i < out; i++) {
                    row[in + i] = b.target(r, i);
                }
                row[in + out] = b.weights()[r];
                rows.add(row);
            }
        }
        rows.sort((x, y) -> Double.compare(x[0], y[0]));
        return rows;
    }

    @Test
    void trainingRowsAreNumberedBySourceOrderWhateverPartitionsTheyAreSpreadOver() {
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            list.add(RowFactory.create((double) i, i % 7, (double) (i % 3), 1.0));
        }
        // A local table: its partitions hold the rows in the list's order.
        Dataset<Row> df = SparkTestSession.spark().createDataFrame(list, NUMERIC);
        Preprocessing prep = PreprocessingFitter.fit(df, AB, CLASSIFIER, false).preprocessing();
        int cores = SparkTestSession.sc().defaultParallelism();
        for (int partitions : new int[] {1, 3, 0}) {
            try (TrainingData data = TrainingData.forTraining(df, partitions, "the data", prep, CLASSIFIER, 3, null,
                    Precision.FLOAT64)) {
                assertEquals(partitions > 0 ? partitions : cores, data.partitions(), "0 means one per core");
                assertEquals(40, data.ids().range());
                // Feature a is the row's place in the list: its id must be that.
                RowIds ids = data.ids();
                List<double[]> placeAndId = data.cached().mapPartitions(items -> {
                    List<double[]> pairs = new ArrayList<>();
                    Block block = null;
                    while (items.hasNext()) {
                        Object item = items.next();
                        if (item instanceof Block b) {
                            block = b;
                        } else if (item instanceof TrainingData.RowKeys keys) {
                            for (int r = 0; r < block.rows(); r++) {
                                pairs.add(new double[] {block.features()[r * 2], ids.id(keys.keys()[r])});
                            }
                        }
                    }
                    return pairs.iterator();
                }).collect();
                for (double[] pair : placeAndId) {
                    assertEquals(pair[0], pair[1], 0, partitions + " partitions");
                }
                int seen = placeAndId.size();
                assertEquals(40, seen, "every row has its key");
            }
        }
    }

    @Test
    void numericColumnsBecomeStandardisedInputsWithOneHotClassesAndRowWeights() {
        Dataset<Row> df = frame(NUMERIC, new Object[] {1.0, 10, 0.0, 1.0}, new Object[] {3.0, 20, 2.0, 0.5},
                new Object[] {5.0, 30, 1.0, 2.0}, new Object[] {7.0, 40, 2.0, 1.0});
        try (TrainingData data = build(df, AB, CLASSIFIER, true)) {
            Preprocessing prep = data.preprocessing();
            assertEquals(List.of("0", "1", "2"), prep.classes());
            assertArrayEquals(new double[] {4, 25}, prep.featureMean(), 1e-12);
            // Population std of (1,3,5,7) is √5, of (10,20,30,40) is √125.
            assertArrayEquals(new double[] {1 / Math.sqrt(5), 1 / Math.sqrt(125)}, prep.featureScale(), 1e-12);
            assertNull(prep.targetMean(), "class targets are not standardised");
            assertEquals(4.5, data.weightSum(), 0);
            // Softmax classes are cached as one index a row, not as n_L one-hot doubles.
            assertTrue(data.blocks().collect().stream().allMatch(Block::hasClasses));
            List<double[]> rows = rows(data);
            double s5 = Math.sqrt(5);
            double s125 = Math.sqrt(125);
            assertArrayEquals(new double[] {-3 / s5, -15 / s125, 1, 0, 0, 1.0}, rows.get(0), 1e-12);
            assertArrayEquals(new double[] {-1 / s5, -5 / s125, 0, 0, 1, 0.5}, rows.get(1), 1e-12);
            assertArrayEquals(new double[] {1 / s5, 5 / s125, 0, 1, 0, 2.0}, rows.get(2), 1e-12);
            assertArrayEquals(new double[] {3 / s5, 15 / s125, 0, 0, 1, 1.0}, rows.get(3), 1e-12);
        }
    }

    @Test
    void categoricalFeaturesAreOneHotAndStringLabelsBecomeClassIndices() {
        StructType schema = new StructType().add("colour", DataTypes.StringType).add("x", DataTypes.DoubleType)
                .add("animal", DataTypes.StringType);
        Dataset<Row> df = frame(schema, new Object[] {"red", 1.0, "dog"}, new Object[] {"blue", 2.0, "cat"},
                new Object[] {"red", 3.0, "cat"});
        NetworkSpec spec = NetworkSpec.parse("3,4:relu,1:sigmoid", "binary_cross_entropy");
        DataColumns columns = new DataColumns(List.of("colour", "x"), List.of("animal"), null, List.of("colour"));
        try (TrainingData data = build(df, columns, spec, true)) {
            Preprocessing prep = data.preprocessing();
            assertEquals(List.of("blue", "red"), prep.features().get(0).categories());
            assertEquals(List.of("cat", "dog"), prep.classes());
            // One-hot inputs are not standardised; x is.
            assertArrayEquals(new double[] {0, 0, 2}, prep.featureMean(), 1e-12);
            List<double[]> rows = rows(data);
            rows.sort((p, q) -> Double.compare(p[2], q[2]));
            double sx = Math.sqrt(2.0 / 3);
            assertArrayEquals(new double[] {0, 1, -1 / sx, 1, 1}, rows.get(0), 1e-12, "red, 1.0, dog");
            assertArrayEquals(new double[] {1, 0, 0, 0, 1}, rows.get(1), 1e-12, "blue, 2.0, cat");
            assertArrayEquals(new double[] {0, 1, 1 / sx, 0, 1}, rows.get(2), 1e-12, "red, 3.0, cat");
        }
    }

    @Test
    void vectorFeaturesAndSeveralRegressionTargetsAreStandardised() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
                .add("y1", DataTypes.DoubleType).add("y2", DataTypes.LongType);
        Dataset<Row> df = frame(schema, new Object[] {Vectors.dense(1, 2), 100.0, 7L},
                new Object[] {Vectors.dense(3, 2), 300.0, 9L});
        NetworkSpec regressor = NetworkSpec.parse("2,3:relu,2:identity", "mse");
        try (TrainingData data = build(df, new DataColumns(List.of("features"), List.of("y1", "y2"), null, List.of()),
                regressor, true)) {
            assertArrayEquals(new double[] {200, 8}, data.preprocessing().targetMean(), 1e-12);
            List<double[]> rows = rows(data);
            // The second input is constant: only centred, not divided by its zero std.
            assertArrayEquals(new double[] {-1, 0, -1, -1, 1}, rows.get(0), 1e-12);
            assertArrayEquals(new double[] {1, 0, 1, 1, 1}, rows.get(1), 1e-12);
        }
    }

    private static String error(Dataset<Row> df, DataColumns columns, NetworkSpec spec) {
        return assertThrows(IllegalArgumentException.class, () -> build(df, columns, spec, true).close()).getMessage();
    }

    @Test
    void badInputFailsWithOneMessageNamingTheProblem() {
        Dataset<Row> ok = frame(NUMERIC, new Object[] {1.0, 1, 0.0, 1.0}, new Object[] {2.0, 1, 1.0, 1.0},
                new Object[] {3.0, 1, 2.0, 1.0});
        String[][] cases = {
            {error(ok, DataColumns.of(List.of("a", "c"), "label"), CLASSIFIER), "column 'c' is not in the data"},
            {error(frame(NUMERIC, new Object[] {Double.NaN, 1, 0.0, 1.0}, new Object[] {2.0, 1, 1.0, 1.0},
                    new Object[] {3.0, 1, 2.0, 1.0}), AB, CLASSIFIER), "feature column 'a' has NaN or infinite values in 1 row (e.g. NaN)"},
            {error(frame(NUMERIC, new Object[] {null, 1, 0.0, 1.0}, new Object[] {2.0, 1, 1.0, 1.0},
                    new Object[] {3.0, 1, 2.0, 1.0}), AB, CLASSIFIER), "feature column 'a' has missing values in 1 row"},
            {error(frame(NUMERIC, new Object[] {1.0, 1, 0.0, 1.0}, new Object[] {2.0, 1, 1.0, 1.0},
                    new Object[] {3.0, 1, 2.0, 1.0}, new Object[] {4.0, 1, 3.0, 1.0}), AB, CLASSIFIER),
                "has 4 classes [0, 1, 2, 3] but the output layer has 3 softmax units; give it 4"},
            {error(frame(NUMERIC, new Object[] {1.0, 1, 0.0, 1.0}, new Object[] {2.0, 1, 1.0, 1.0},
                    new Object[] {3.0, 1, 2.0, 1.0}, new Object[] {4.0, 1, 1.5, 1.0}), AB, CLASSIFIER),
                "has 4 classes [0, 1, 1.5, 2] but the output layer has 3 softmax units; give it 4; or, if the labels are"
                    + " class indices, correct the label 1.5, which is not one"},
            {error(frame(NUMERIC, new Object[] {1.0, 1, 0.0, 1.0}, new Object[] {2.0, 1, 1.0, 1.0},
                    new Object[] {3.0, 1, 2.0, 1.0}, new Object[] {4.0, 1, 12.0, 1.0}), AB, CLASSIFIER),
                "has 4 classes [0, 1, 2, 12] but the output layer has 3 softmax units; give it 4; or, if the labels are"
                    + " class indices 0 to 2, correct the label 12, which is out of range"},
            {error(frame(NUMERIC, new Object[] {1.0, 1, 0.0, 1.0}), AB, CLASSIFIER), "has only the class [0]"},
            {error(frame(NUMERIC, new Object[] {1.0, 1, 5.0, 1.0}, new Object[] {2.0, 1, 5.0, 1.0},
                    new Object[] {3.0, 1, 5.0, 1.0}), AB, NetworkSpec.parse("2,4:tanh,1:identity", "mse")),
                "label column 'label' has the one value 5.0 in every training row; a regression needs targets that"
                    + " vary: check data.label and the rows of the training data"},
            // three classes for three units, but two of them are one written with a trailing space
            {error(frame(new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                    .add("label", DataTypes.StringType), new Object[] {1.0, 1.0, "b"}, new Object[] {2.0, 1.0, "b "},
                    new Object[] {3.0, 1.0, "c"}), DataColumns.of(List.of("a", "b"), "label"), CLASSIFIER),
                "label column 'label' has classes that differ only in spaces around them, 'b' and 'b ': one class"
                    + " written two ways, which would train as two; remove the spaces around the labels in the data"},
            {error(frame(NUMERIC, new Object[] {1.0, 1, 0.0, -1.0}, new Object[] {2.0, 1, 1.0, 1.0},
                    new Object[] {3.0, 1, 2.0, 1.0}), AB, CLASSIFIER), "weight column 'w' has negative weights in 1 row (e.g. -1.0)"},
            {error(frame(NUMERIC, new Object[] {1.0, 1, 0.0, 0.0}, new Object[] {2.0, 1, 1.0, 0.0},
                    new Object[] {3.0, 1, 2.0, 0.0}), AB, CLASSIFIER), "every row has weight 0"},
            {error(ok.limit(0), AB, CLASSIFIER), "no rows"},
            {error(ok, new DataColumns(List.of("a", "b"), List.of("label", "w"), null, List.of()), CLASSIFIER),
                "classification (a softmax output, or one sigmoid output) takes one label column, of class values, got"
                    + " [label, w]; give data.label one column, or, for one target per label column, end network.layers"
                    + " with one output per column: sigmoid outputs with binary_cross_entropy for 0/1 targets"
                    + " (multi-label), or a regression loss (mse, huber) for numbers"},
            {error(ok, DataColumns.of(List.of("a"), "label"), CLASSIFIER),
                "the data encodes to 1 inputs (1 numeric) but network.layers starts with 2; start it with 1"},
            {error(frame(new StructType().add("a", DataTypes.StringType).add("b", DataTypes.DoubleType)
                    .add("label", DataTypes.DoubleType), new Object[] {"x", 1.0, 0.0}),
                    DataColumns.of(List.of("a", "b"), "label"), CLASSIFIER),
                "feature column 'a' has type string; list it in data.categorical"},
        };
        for (String[] c : cases) {
            assertTrue(c[0].contains(c[1]), "expected '" + c[1] + "' in: " + c[0]);
        }
    }

    @Test
    void rowsWhoseClassTheModelDoesNotKnowAreRejected() {
        Dataset<Row> train = frame(NUMERIC, new Object[] {1.0, 1, 0.0, 1.0}, new Object[] {2.0, 1, 1.0, 1.0},
                new Object[] {3.0, 1, 2.0, 1.0});
        Preprocessing prep = PreprocessingFitter.fit(train, AB, CLASSIFIER, true).preprocessing();
        Dataset<Row> unseen = frame(NUMERIC, new Object[] {1.0, 1, 5.0, 1.0});
        String message = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.fromDataFrame(unseen, "the data", prep, CLASSIFIER, 3, null, Precision.FLOAT64).close())
                .getMessage();
        assertTrue(message.contains("label column 'label' has classes the model does not know in 1 row (e.g. '5');"
                + " its classes are [0, 1, 2]"), message);
    }

    /** Rows with gaps: a missing or NaN number, a missing or NaN vector entry, a missing category. */
    private static final StructType GAPS = new StructType().add("a", DataTypes.DoubleType)
            .add("v", SQLDataTypes.VectorType()).add("colour", DataTypes.StringType).add("label", DataTypes.DoubleType);

    private static Dataset<Row> gaps() {
        return frame(GAPS, new Object[] {1.0, Vectors.dense(1, 2), "red", 0.0},
                new Object[] {null, null, null, 1.0},
                new Object[] {3.0, Vectors.dense(3, Double.NaN), "blue", 0.0},
                new Object[] {Double.NaN, Vectors.dense(5, 6), "red", 1.0},
                new Object[] {8.0, Vectors.dense(7, 8), null, 0.0});
    }

    private static final DataColumns GAP_COLUMNS = new DataColumns(List.of("a", "v", "colour"), List.of("label"), null,
            List.of("colour"));
    private static final NetworkSpec GAP_NET = NetworkSpec.parse("6,4:tanh,2:softmax", "cross_entropy");

    @Test
    void imputedValuesAreTheMeansOfThePresentValuesAndACategoryOfTheirOwn() {
        Preprocessing prep = PreprocessingFitter.fit(gaps(), GAP_COLUMNS, GAP_NET, true, MissingValues.IMPUTE, null)
                .preprocessing();
        assertEquals(List.of("blue", "red", FeatureColumn.MISSING_CATEGORY), prep.features().get(2).categories());
        // a: (1 + 3 + 8) / 3; v[0]: (1 + 3 + 5 + 7) / 4; v[1]: (2 + 6 + 8) / 3; one-hot inputs are never filled
        double[] fill = {4, 4, 16.0 / 3, 0, 0, 0};
        assertArrayEquals(fill, prep.featureFill(), 1e-15);
        assertArrayEquals(fill, prep.featureMean(), 1e-15, "standardised by the same means");
        // a's population std over its present values: deviations -3, -1, 4
        assertEquals(1 / Math.sqrt(26.0 / 3), prep.featureScale()[0], 1e-15);

        Preprocessing raw = PreprocessingFitter.fit(gaps(), GAP_COLUMNS, GAP_NET, false, MissingValues.IMPUTE, null)
                .preprocessing();
        assertArrayEquals(fill, raw.featureFill(), 1e-15, "without standardization the pass still finds the means");
        assertNull(raw.featureMean());
        try (TrainingData data = TrainingData.fromDataFrame(gaps(), "the data", raw, GAP_NET, 3, null,
                Precision.FLOAT64)) {
            assertEquals(5, data.rows(), "every row is kept");
            List<double[]> rows = rows(data);
            // The row with nothing but a label: every input filled, colour is <missing>
            assertArrayEquals(new double[] {4, 4, 16.0 / 3, 0, 0, 1, 0, 1, 1}, rows.get(2), 1e-15);
            // NaN in a and in the vector's second entry are filled too
            assertArrayEquals(new double[] {3, 3, 16.0 / 3, 1, 0, 0, 1, 0, 1}, rows.get(1), 1e-15);
            assertArrayEquals(new double[] {4, 5, 6, 0, 1, 0, 0, 1, 1}, rows.get(3), 1e-15);
        }
    }

    @Test
    void droppedRowsAreLeftOutOfStatisticsAndBlocksAndCountedPerColumn() {
        NetworkSpec net = NetworkSpec.parse("5,4:tanh,2:softmax", "cross_entropy");
        Preprocessing prep = PreprocessingFitter.fit(gaps(), GAP_COLUMNS, net, true, MissingValues.DROP, null)
                .preprocessing();
        assertEquals(List.of("blue", "red"), prep.features().get(2).categories(), "no category for missing values");
        assertNull(prep.featureFill());
        // Only the first row is complete
        assertArrayEquals(new double[] {1, 1, 2, 0, 0}, prep.featureMean(), 1e-15);
        try (TrainingData data = TrainingData.fromDataFrame(gaps(), "the data", prep, net, 3, null,
                Precision.FLOAT64)) {
            assertEquals(1, data.rows());
            assertEquals(4, data.droppedRows());
            assertEquals(Map.of("a", 2L, "v", 2L, "colour", 2L), data.droppedByColumn());
            String line = data.droppedSummary("rows");
            assertTrue(line.startsWith("left out 4 of 5 rows for a missing or non-finite feature (data.missing ="
                    + " \"drop\"): "), line);
        }
    }

    @Test
    void classWeightsReplaceRowWeights() {
        Dataset<Row> df = frame(NUMERIC, new Object[] {1.0, 1, 0.0, 1.0}, new Object[] {2.0, 1, 1.0, 1.0},
                new Object[] {3.0, 1, 2.0, 1.0});
        DataColumns noWeight = new DataColumns(List.of("a", "b"), List.of("label"), null, List.of());
        Preprocessing prep = PreprocessingFitter.fit(df, noWeight, CLASSIFIER, false).preprocessing();
        try (TrainingData data = TrainingData.fromDataFrame(df, "the data", prep, CLASSIFIER, 3, new double[] {1, 2, 4},
                Precision.FLOAT64)) {
            assertEquals(7, data.weightSum(), 0);
            double[] weights = rows(data).stream().mapToDouble(r -> r[5]).toArray();
            assertArrayEquals(new double[] {1, 2, 4}, weights, 0);
        }
    }
}
