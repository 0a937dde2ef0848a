package dev.sparkprop.driver.job;

import dev.sparkprop.driver.Version;
import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.model.EpochRecord;
import dev.sparkprop.driver.model.ModelMetadata;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.nn.NetworkSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What every model of a run shares, its checkpoints' and the kept one's: the network, the
 * preprocessing, the effective config and the rows dropped; a model is this with weights and
 * the history so far.
 */
record ModelTemplate(JobConfig config, NetworkSpec spec, Preprocessing prep, Map<String, Long> droppedRows) {

    SavedModel with(double[] params, List<EpochRecord> history) {
        return new SavedModel(new ModelMetadata(ModelMetadata.FORMAT_VERSION, spec.layersSpec(), spec.loss().name(),
                params.length, prep, config.effective(), List.copyOf(history), droppedRows, Version.describe(), Instant.now().toString()),
                params.clone());
    }
}
