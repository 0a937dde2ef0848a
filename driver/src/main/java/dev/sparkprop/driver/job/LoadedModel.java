package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.nn.NetworkSpec;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** A saved model with its network and the job config it was trained with. */
public record LoadedModel(SavedModel model, NetworkSpec spec, JobConfig config) {

    public static LoadedModel read(String path, Configuration conf) {
        return of(ModelDirectory.read(path, conf));
    }

    /** Parses the model's network and its effective config back into a {@link JobConfig}. */
    public static LoadedModel of(SavedModel model) {
        return new LoadedModel(model, NetworkSpec.parse(model.metadata().layers(), model.metadata().loss()),
                config(model, List.of()));
    }

    /** The job config the model was trained with, with {@code overrides} ({@code key=value}) applied after it. */
    static JobConfig config(SavedModel model, List<String> overrides) {
        return JobConfigLoader.fromEffective(model.metadata().config(), overrides);
    }
}
