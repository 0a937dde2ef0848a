package dev.sparkprop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.spark.KryoRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java and Scala examples run, learn, and reload to the same predictions. */
class ExamplesTest {

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().config(KryoRegistration.configure(new SparkConf())).master("local[2]")
                .appName("sparkprop-examples-test").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static String dataset(String name) {
        Path path = Paths.get("..", "data", name).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " is missing: run bin/install-data first");
        }
        return path.toString();
    }

    @Test
    void javaExampleTunesAPipelineAndReloadsIt(@TempDir Path dir) throws Exception {
        JavaClassifierExample.Result result = JavaClassifierExample.run(spark, dataset("iris.csv"),
                dir.resolve("model").toString());
        assertTrue(result.accuracy() > 0.85, "accuracy " + result.accuracy());
        assertTrue(result.reloadAgrees());
        // A hidden layer beats a linear softmax on iris at both rates tried, and runs repeat bit for bit
        assertEquals("4,16:relu,3:softmax", result.chosenLayers());
    }

    @Test
    void scalaExampleFitsARegressionPipelineAndReloadsIt(@TempDir Path dir) {
        ScalaRegressorExample.Result result = ScalaRegressorExample.run(spark, dataset("diabetes.csv"),
                dir.resolve("model").toString());
        assertTrue(result.r2() > 0.3, "r2 " + result.r2());
        assertTrue(result.reloadAgrees());
        assertTrue(result.epochs() >= 1 && result.epochs() <= 80);
        // The targets' standard deviation is about 77: the fit must do clearly better than the mean
        assertTrue(result.rmse() < 70, "rmse " + result.rmse());
    }
}
