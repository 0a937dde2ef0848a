package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** A model directory read back, with its network and the job config it was trained with. */
record LoadedModel(SavedModel model, NetworkSpec spec, JobConfig config) {

    static LoadedModel read(String path, Configuration conf) {
        SavedModel model = ModelDirectory.read(path, conf);
        List<String> settings = new ArrayList<>();
        model.metadata().config().forEach((key, value) -> settings.add(key + "=" + value));
        JobConfig config = JobConfigLoader.load(null, settings);
        return new LoadedModel(model, NetworkSpec.parse(model.metadata().layers(), model.metadata().loss()), config);
    }
}
