package dev.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualityBenchmarkTest {

    @Test
    void unknownDatasetIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QualityBenchmark.Options.parse("--datasets", "iris"));
        assertTrue(e.getMessage().contains("unknown dataset 'iris'"), e.getMessage());
    }

    @Test
    void everyDatasetHasAJobFile() {
        QualityBenchmark.Options options = QualityBenchmark.Options.parse("--conf-dir",
                Path.of("..", "conf", "examples", "quality").toString());
        assertEquals(QualityBenchmark.DATASETS, options.datasets());
        assertEquals(List.of("spam"), QualityBenchmark.Options.parse("--conf-dir", "../conf/examples/quality",
                "--datasets", "spam").datasets());
    }
}
