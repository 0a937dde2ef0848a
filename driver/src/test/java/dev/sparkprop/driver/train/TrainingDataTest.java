package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TrainingDataTest {

    private static final NetworkSpec CLASSIFIER = NetworkSpec.parse("2,4:tanh,3:softmax", "cross_entropy");
    private static final StructType NUMERIC = new StructType()
            .add("a", DataTypes.DoubleType).add("b", DataTypes.IntegerType)
            .add("label", DataTypes.DoubleType).add("w", DataTypes.DoubleType);

    private static Dataset<Row> frame(StructType schema, Object[]... rows) {
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(RowFactory.create(r));
        }
        return SparkTestSession.spark().createDataFrame(list, schema).repartition(2);
    }

    private static List<Block> blocks(TrainingData data) {
        return data.blocks().collect();
    }

    @Test
    void numericColumnsBecomeStandardisedBlocksWithOneHotTargetsAndWeights() {
        Dataset<Row> df = frame(NUMERIC, new Object[] {1.0, 10, 0.0, 1.0}, new Object[] {3.0, 20, 2.0, 0.5},
                new Object[] {5.0, 30, 1.0, 2.0}, new Object[] {7.0, 40, 2.0, 1.0});
        try (TrainingData data = TrainingData.fromDataFrame(df, new DataColumns(List.of("a", "b"), List.of("label"), "w"),
                CLASSIFIER, 3, true)) {
            assertEquals(4, data.rows());
            assertEquals(4.5, data.weightSum(), 0);
            assertArrayEquals(new double[] {4, 25}, data.scaling().features().mean(), 1e-12);
            // Population std of (1,3,5,7) is √5, of (10,20,30,40) is √125.
            assertArrayEquals(new double[] {1 / Math.sqrt(5), 1 / Math.sqrt(125)},
                    data.scaling().features().scale(), 1e-12);
            assertEquals(null, data.scaling().targets(), "class targets are not standardised");
            int rows = 0;
            for (Block b : blocks(data)) {
                assertTrue(b.rows() <= 3);
                for (int r = 0; r < b.rows(); r++, rows++) {
                    double a = b.features()[2 * r] * Math.sqrt(5) + 4;
                    int label = java.util.Map.of(1L, 0, 3L, 2, 5L, 1, 7L, 2).get(Math.round(a));
                    double sum = 0;
                    for (int k = 0; k < 3; k++) {
                        sum += b.targets()[3 * r + k];
                    }
                    assertEquals(1, sum, 0, "one-hot");
                    assertEquals(1, b.targets()[3 * r + label], 0, "class of a=" + a);
                }
            }
            assertEquals(4, rows);
        }
    }

    @Test
    void vectorFeatureColumnAndRegressionTargetsAreStandardised() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("y", DataTypes.DoubleType);
        Dataset<Row> df = frame(schema, new Object[] {Vectors.dense(1, 2), 100.0},
                new Object[] {Vectors.dense(3, 2), 300.0});
        NetworkSpec regressor = NetworkSpec.parse("2,3:relu,1:identity", "mse");
        try (TrainingData data = TrainingData.fromDataFrame(df, DataColumns.of(List.of("features"), "y"), regressor, 8,
                true)) {
            assertArrayEquals(new double[] {200}, data.scaling().targets().mean(), 1e-12);
            double[] targets = blocks(data).stream().flatMapToDouble(b -> java.util.Arrays.stream(b.targets()))
                    .sorted().toArray();
            assertArrayEquals(new double[] {-1, 1}, targets, 1e-12);
            double[] constantFeature = blocks(data).stream()
                    .flatMapToDouble(b -> java.util.stream.IntStream.range(0, b.rows()).mapToDouble(r -> b.features()[2 * r + 1]))
                    .toArray();
            assertArrayEquals(new double[] {0, 0}, constantFeature, 0, "a constant feature is only centred");
        }
    }

    @Test
    void severalLabelColumnsAreOneTargetPerOutput() {
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y1", DataTypes.DoubleType)
                .add("y2", DataTypes.LongType);
        Dataset<Row> df = frame(schema, new Object[] {1.0, 5.0, 7L});
        NetworkSpec twoOutputs = NetworkSpec.parse("1,3:tanh,2:identity", "huber");
        try (TrainingData data = TrainingData.fromDataFrame(df, new DataColumns(List.of("x"), List.of("y1", "y2"), null),
                twoOutputs, 4, false)) {
            Block b = blocks(data).stream().filter(k -> k.rows() > 0).findFirst().orElseThrow();
            assertArrayEquals(new double[] {5, 7}, java.util.Arrays.copyOf(b.targets(), 2), 0);
        }
        assertTrue(error(df, new DataColumns(List.of("x"), List.of("y1"), null), twoOutputs)
                .contains("1 label columns [y1] but the network has 2 outputs"));
    }

    private static String error(Dataset<Row> df, DataColumns columns, NetworkSpec spec) {
        return assertThrows(IllegalArgumentException.class,
                () -> TrainingData.fromDataFrame(df, columns, spec, 4, true).close()).getMessage();
    }

    @Test
    void badInputFailsWithOneMessageNamingTheColumn() {
        Dataset<Row> ok = frame(NUMERIC, new Object[] {1.0, 1, 0.0, 1.0});
        DataColumns ab = new DataColumns(List.of("a", "b"), List.of("label"), "w");

        assertTrue(error(ok, DataColumns.of(List.of("a", "c"), "label"), CLASSIFIER)
                .contains("column 'c' is not in the data"));
        assertTrue(error(frame(NUMERIC, new Object[] {Double.NaN, 1, 0.0, 1.0}), ab, CLASSIFIER)
                .contains("column 'a' has the value NaN"));
        assertTrue(error(frame(NUMERIC, new Object[] {null, 1, 0.0, 1.0}), ab, CLASSIFIER)
                .contains("feature column 'a' has a missing value"));
        assertTrue(error(frame(NUMERIC, new Object[] {1.0, 1, 3.0, 1.0}), ab, CLASSIFIER)
                .contains("label column 'label' has value 3.0"));
        assertTrue(error(frame(NUMERIC, new Object[] {1.0, 1, 0.5, 1.0}), ab, CLASSIFIER)
                .contains("needs class indices 0..2"));
        assertTrue(error(frame(NUMERIC, new Object[] {1.0, 1, 0.0, -1.0}), ab, CLASSIFIER)
                .contains("weight column 'w' has negative weight"));
        assertTrue(error(frame(NUMERIC, new Object[] {1.0, 1, 0.0, 0.0}), ab, CLASSIFIER)
                .contains("every training row has weight 0"));
        assertTrue(error(ok.limit(0), ab, CLASSIFIER).contains("no rows"));
        assertTrue(error(ok, DataColumns.of(List.of("a"), "label"), CLASSIFIER)
                .contains("1 feature columns but the network's input width is 2"));
        StructType text = new StructType().add("a", DataTypes.StringType).add("b", DataTypes.DoubleType)
                .add("label", DataTypes.DoubleType);
        assertTrue(error(frame(text, new Object[] {"x", 1.0, 0.0}), DataColumns.of(List.of("a", "b"), "label"),
                CLASSIFIER).contains("feature column 'a' has type string"));
    }
}
