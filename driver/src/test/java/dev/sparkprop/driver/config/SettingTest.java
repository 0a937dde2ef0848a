package dev.sparkprop.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java declarations ({@link JobConfig#SETTINGS}) and reference.conf (defaults and docs) agree key for key. */
class SettingTest {

    private static final Config REFERENCE = JobConfigLoader.reference();

    @Test
    void theDeclarationsAreTheReferenceKeysInTheReferenceOrder() {
        List<String> declared = JobConfig.SETTINGS.stream().map(Setting::key).toList();
        List<String> reference = JobConfigLoader.keys(REFERENCE).stream()
                .sorted(Comparator.comparingInt(key -> REFERENCE.getValue(key).origin().lineNumber())).toList();
        assertEquals(reference, declared);
    }

    @Test
    void eachDeclaredTypeIsTheTypeOfItsDefault() {
        Map<Setting.Type, ConfigValueType> written = Map.of(Setting.Type.STRING, ConfigValueType.STRING,
                Setting.Type.STRINGS, ConfigValueType.LIST, Setting.Type.BOOLEAN, ConfigValueType.BOOLEAN,
                Setting.Type.INT, ConfigValueType.NUMBER, Setting.Type.LONG, ConfigValueType.NUMBER,
                Setting.Type.DOUBLE, ConfigValueType.NUMBER);
        for (Setting<?> setting : JobConfig.SETTINGS) {
            assertEquals(written.get(setting.type()), REFERENCE.getValue(setting.key()).valueType(), setting.key());
        }
    }

    @Test
    void eachDefaultPassesItsOwnChecksAndOnlyRequiredKeysHaveNone() {
        for (Setting<?> setting : JobConfig.SETTINGS) {
            String problem = JobConfigLoader.problemWith(setting.key(), JobConfigLoader.defaultValue(setting.key()));
            if (setting.required()) {
                assertEquals("", JobConfigLoader.defaultValue(setting.key()), setting.key());
                assertEquals(setting.key() + ": is required and has no default", problem);
            } else {
                assertNull(problem, setting.key());
            }
        }
    }

    @Test
    void eachKeyIsDocumented() {
        for (Setting<?> setting : JobConfig.SETTINGS) {
            assertFalse(JobConfigLoader.documentation(setting.key()).isBlank(), setting.key());
        }
    }

    @Test
    void checkpointsAreDueAtEpochEndsAndEveryNIterationsOnlyWithAPath() {
        CheckpointSection everyThree = checkpoint(Map.of("training.checkpoint.path", "ckpt",
                "training.checkpoint.every_iterations", 3));
        assertTrue(everyThree.due(6, false));
        assertFalse(everyThree.due(7, false));
        assertTrue(everyThree.due(7, true));
        CheckpointSection epochEnds = checkpoint(Map.of("training.checkpoint.path", "ckpt"));
        assertFalse(epochEnds.due(6, false));
        assertTrue(epochEnds.due(7, true));
        assertFalse(checkpoint(Map.of("training.checkpoint.every_iterations", 3)).due(6, true));
    }

    @Test
    void withLocalStepsACheckpointIsDueAfterTheJobWhoseStepsReachAMultiple() {
        CheckpointSection everyThree = checkpoint(Map.of("training.checkpoint.path", "ckpt",
                "training.checkpoint.every_iterations", 3));
        // jobs of 4 steps: 0-4 passes 3, 4-8 passes 6, 8-12 ends on 9 and 12, 12-16 passes 15
        assertTrue(everyThree.due(0, 4, false));
        assertTrue(everyThree.due(4, 8, false));
        assertTrue(everyThree.due(8, 12, false));
        assertTrue(everyThree.due(12, 16, false));
        assertFalse(everyThree.due(9, 11, false));
        assertTrue(everyThree.due(11, 11, true));
    }

    private static CheckpointSection checkpoint(Map<String, Object> values) {
        Map<String, Object> job = new java.util.HashMap<>(values);
        job.put("network.layers", "2,2:softmax");
        job.put("network.loss", "cross_entropy");
        return JobConfigLoader.trainingOnly(job, "test").training().checkpoint();
    }
}
