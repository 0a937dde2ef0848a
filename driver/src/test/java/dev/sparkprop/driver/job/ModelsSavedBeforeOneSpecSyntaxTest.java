package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.train.SparkTestSession;
import dev.sparkprop.nn.Losses;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.optim.Optimizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model directories written before the one spec syntax (resources {@code golden/models-before-one-spec-syntax},
 * see its README), whose network reads {@code leaky_relu(0.05)}, {@code elu(0.5)},
 * {@code cross_entropy:sum} and {@code huber(0.5):sum}, still load, read as the named specs
 * those spellings stand for, and predict what they predicted when they were saved.
 */
class ModelsSavedBeforeOneSpecSyntaxTest {

    private static final String GOLDEN = "/golden/models-before-one-spec-syntax/";

    @TempDir
    Path dir;

    @Test
    void theirOldSpellingsReadAsTheNamedSpecsTheyStandFor() throws URISyntaxException {
        LoadedModel iris = LoadedModel.read(golden().resolve("iris").toString(), new Configuration());
        assertEquals("4,8:leaky_relu(0.05),6:elu(0.5),3:softmax", iris.model().metadata().layers());
        assertEquals("cross_entropy:sum", iris.model().metadata().loss());
        NetworkSpec named = NetworkSpec.parse("4,8:leaky_relu(slope=0.05),6:elu(alpha=0.5),3:softmax",
                "cross_entropy(reduction=sum)");
        assertEquals(named.layers(), iris.spec().layers());
        assertEquals(named.loss(), iris.spec().loss());
        assertEquals("\"cross_entropy:sum\"", iris.config().effective().get("network.loss"));
        assertEquals(named.loss(), iris.config().network().loss());

        LoadedModel diabetes = LoadedModel.read(golden().resolve("diabetes").toString(), new Configuration());
        assertEquals("huber(0.5):sum", diabetes.model().metadata().loss());
        assertEquals(Losses.parse("huber(delta=0.5,reduction=sum)"), diabetes.spec().loss());
        assertEquals("10,8:leaky_relu(slope=0.2),1:identity", diabetes.spec().layersSpec());
        assertEquals(Optimizers.momentum(0.8), diabetes.config().optimizer().kind());
    }

    private Path golden() throws URISyntaxException {
        return Path.of(getClass().getResource(GOLDEN).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iris", "diabetes"})
    void loadAndPredictWhatTheyPredictedWhenSaved(String job) throws IOException, URISyntaxException {
        Path golden = golden();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        long rows = PredictJob.run(SparkTestSession.spark(), golden.resolve(job).toString(),
                golden.resolve(job + "-rows.csv").toString(), null, dir.resolve("predictions").toString(), "csv",
                false, new PrintStream(console, true, StandardCharsets.UTF_8));

        List<String> expected = Files.readAllLines(golden.resolve(job + "-predictions.csv"));
        String[] columns = expected.get(0).split(",");
        assertEquals(expected.size() - 1, rows);
        List<Row> actual = SparkTestSession.spark().read().option("header", true)
                .csv(dir.resolve("predictions").toString()).collectAsList();
        Map<String, Row> byId = new HashMap<>();
        actual.forEach(r -> byId.put(r.getString(r.fieldIndex("id")), r));
        assertEquals(rows, byId.size());
        for (String line : expected.subList(1, expected.size())) {
            String[] values = line.split(",");
            Row row = byId.get(values[0]);
            for (int c = 1; c < columns.length; c++) {
                String got = row.getString(row.fieldIndex(columns[c]));
                if (columns[c].equals("prediction") && job.equals("iris")) {
                    assertEquals(values[c], got, "class of row " + values[0]);
                } else {
                    // float64 models: the products may run on another BLAS kernel than at generation
                    // time, a few ulp apart over fan-ins of at most 10; 1e-9 relative is far above
                    // that and far below what a misread activation or loss parameter would change.
                    double want = Double.parseDouble(values[c]);
                    assertTrue(Math.abs(Double.parseDouble(got) - want) <= 1e-9 * Math.max(1, Math.abs(want)),
                            columns[c] + " of row " + values[0] + ": saved " + want + ", now " + got);
                }
            }
        }
    }
}
