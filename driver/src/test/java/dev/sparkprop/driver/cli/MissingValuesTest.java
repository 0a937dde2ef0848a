package dev.sparkprop.driver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.MissingValues;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.train.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** data.missing = "drop" and "impute" through train, evaluate and predict. */
class MissingValuesTest {

    @TempDir
    Path dir;

    /** 60 pets; every 7th has no size, every 11th a NaN size, every 13th no colour. */
    private static final int ROWS = 60;

    private static String size(int i) {
        return i % 7 == 3 ? "" : i % 11 == 5 ? "NaN" : Double.toString(sizeValue(i));
    }

    private static double sizeValue(int i) {
        return new Random(i).nextInt(1000) / 100.0;
    }

    private static String colour(int i) {
        return i % 13 == 4 ? "" : List.of("red", "green", "blue").get(i % 3);
    }

    private Path pets() throws IOException {
        List<String> lines = new ArrayList<>(List.of("id,colour,size,label"));
        for (int i = 0; i < ROWS; i++) {
            double size = sizeValue(i) + (i % 3 == 0 ? 2 : 0);
            lines.add(i + "," + colour(i) + "," + size(i) + "," + (size > 5 ? "big" : "small"));
        }
        return Files.write(dir.resolve("pets.csv"), lines);
    }

    private MainTest.Run train(Path data, String missing, int inputs) {
        MainTest.Run r = MainTest.run("train", "--set", "data.path=" + data, "--set", "data.missing=" + missing,
                "--set", "data.categorical=[colour]", "--set", "data.id_columns=[id]",
                "--set", "network.layers=" + inputs + ",6:tanh,2:softmax", "--set", "network.loss=cross_entropy",
                "--set", "optimizer.learning_rate=0.05", "--set", "training.epochs=20",
                "--set", "output.model_path=" + dir.resolve(missing));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return r;
    }

    private MainTest.Run evaluate(String model, Path data) {
        MainTest.Run r = MainTest.run("evaluate", "--model", dir.resolve(model).toString(), "--data", data.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return r;
    }

    private List<Row> predict(String model, Path data) {
        String out = dir.resolve(model + "-predictions").toString();
        MainTest.Run r = MainTest.run("predict", "--model", dir.resolve(model).toString(), "--data", data.toString(),
                "--output", out);
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return SparkTestSession.spark().read().parquet(out).orderBy(functions.col("id")).collectAsList();
    }

    @Test
    void droppedRowsAreLeftOutOfTrainingAndEvaluationCountedAndSaved() throws IOException {
        Path data = pets();
        long noSize = 0;
        long noColour = 0;
        long dropped = 0;
        for (int i = 0; i < ROWS; i++) {
            noSize += size(i).isEmpty() || size(i).equals("NaN") ? 1 : 0;
            noColour += colour(i).isEmpty() ? 1 : 0;
            dropped += size(i).isEmpty() || size(i).equals("NaN") || colour(i).isEmpty() ? 1 : 0;
        }
        String line = "left out " + dropped + " of " + ROWS + " training rows for a missing or non-finite feature"
                + " (data.missing = \"drop\"): ";
        MainTest.Run trained = train(data, "drop", 4);
        String sizes = "'size' in " + noSize;
        String colours = "'colour' in " + noColour;
        assertTrue(trained.out().lines().anyMatch(l -> l.startsWith(line) && l.contains(sizes) && l.contains(colours)),
                trained.out());
        assertTrue(trained.out().contains("on " + (ROWS - dropped) + " rows"), trained.out());
        SavedModel model = ModelDirectory.read(dir.resolve("drop").toString(), new Configuration());
        assertEquals(Map.of("size", noSize, "colour", noColour), model.metadata().droppedRows());

        MainTest.Run evaluated = evaluate("drop", data);
        assertTrue(evaluated.out().contains("left out " + dropped + " of " + ROWS + " rows for a missing"), evaluated.out());
        assertTrue(evaluated.out().contains("on " + (ROWS - dropped) + " rows of"), evaluated.out());

        List<Row> predictions = predict("drop", data);
        assertEquals(ROWS, predictions.size(), "predict keeps every row, so ids still join");
        for (int i = 0; i < ROWS; i++) {
            boolean incomplete = size(i).isEmpty() || size(i).equals("NaN") || colour(i).isEmpty();
            assertEquals(incomplete, predictions.get(i).isNullAt(1), "row " + i);
        }
    }

    @Test
    void imputedValuesAreTheTrainingMeansSavedAndUsedByEvaluateAndPredict() throws IOException {
        Path data = pets();
        double sum = 0;
        int present = 0;
        for (int i = 0; i < ROWS; i++) {
            if (!size(i).isEmpty() && !size(i).equals("NaN")) {
                sum += sizeValue(i);
                present++;
            }
        }
        double mean = sum / present;
        train(data, "impute", 5);
        Preprocessing prep = ModelDirectory.read(dir.resolve("impute").toString(), new Configuration()).metadata()
                .preprocessing();
        assertEquals(MissingValues.IMPUTE, prep.missing());
        assertEquals(List.of("blue", "green", "red", FeatureColumn.MISSING_CATEGORY), prep.features().get(0).categories());
        // The statistics pass sums in another order than this loop: equal to a few ulps
        assertArrayEquals(new double[] {0, 0, 0, 0, mean}, prep.featureFill(), 1e-12);

        assertTrue(evaluate("impute", data).out().contains("on " + ROWS + " rows of"), "every row is evaluated");

        // A row without a size is predicted as the same row with the training mean as its size
        String fill = Double.toString(prep.featureFill()[4]);
        Path pairs = Files.write(dir.resolve("pairs.csv"), List.of("id,colour,size", "1,red,", "2,red," + fill,
                "3,,NaN", "4,," + fill, "5,purple,1.5"));
        List<Row> predictions = predict("impute", pairs);
        assertEquals(predictions.get(0).getString(1), predictions.get(1).getString(1));
        assertEquals(predictions.get(0).getDouble(2), predictions.get(1).getDouble(2));
        assertEquals(predictions.get(2).getDouble(2), predictions.get(3).getDouble(2));
        assertFalse(predictions.get(4).isNullAt(1), "an unseen colour is no colour, as without imputing");
    }

    @Test
    void aMissingLabelIsAnErrorWhateverDataMissingSays() throws IOException {
        Path data = Files.write(dir.resolve("nolabel.csv"), List.of("a,b,label", "1,2,0", "2,,1", "3,3,", "4,1,1"));
        for (String missing : List.of("drop", "impute")) {
            MainTest.Run r = MainTest.run("train", "--set", "data.path=" + data, "--set", "data.missing=" + missing,
                    "--set", "network.layers=2,4:tanh,2:softmax", "--set", "network.loss=cross_entropy",
                    "--set", "output.model_path=" + dir.resolve("model"));
            assertEquals(2, r.exitCode(), r.out() + r.err());
            assertEquals("error: in the training data, label column 'label' has missing values in 1 row. Drop such"
                    + " rows: data.missing fills or drops features, never labels or weights.", r.err().strip());
        }
    }
}
