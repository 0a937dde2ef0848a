package dev.sparkprop.driver.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputPathsTest {

    @TempDir
    Path dir;

    private final Configuration conf = new Configuration();

    private void checkReportApart(String report, String model) {
        OutputPaths.checkReportApart(report, "output.report_path", model, "output.model_path", conf);
    }

    @Test
    void aReportDirectoryThatIsOrContainsTheModelDirectoryIsRefusedAndOneInsideItOrApartIsNot() {
        String model = dir.resolve("model").toString();
        String fix = "; the report's files would mix with the model's: set output.report_path = \"\" (the default,"
                + " the model's report subdirectory) or a directory apart from the model's";
        // One directory however written: a trailing slash, or the relative path from the working directory
        String relative = Path.of("").toAbsolutePath().relativize(dir.resolve("model")).toString();
        for (String same : new String[] {model, model + "/", relative}) {
            assertEquals("output.report_path '" + same + "' is output.model_path '" + model + "'" + fix,
                    assertThrows(IllegalArgumentException.class, () -> checkReportApart(same, model)).getMessage());
        }
        assertEquals("output.report_path '" + dir + "' contains output.model_path '" + model + "'" + fix,
                assertThrows(IllegalArgumentException.class, () -> checkReportApart(dir.toString(), model))
                        .getMessage());
        // Inside the model directory, as the default <model_path>/report is, or beside it
        assertDoesNotThrow(() -> checkReportApart(model + "/report", model));
        assertDoesNotThrow(() -> checkReportApart(dir.resolve("report").toString(), model));
        assertDoesNotThrow(() -> checkReportApart(model + "-report", model));
    }
}
