package dev.sparkprop.driver.job;

import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.model.ModelDirectory;
import dev.sparkprop.driver.model.SavedModel;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.nn.NetworkSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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

    /** What to do when the data for a saved model lacks a column of each role. */
    private static final Map<String, String> FIX_OF_ROLE = Map.of(
            "feature", "the model reads its features from the columns of those names, as in its training data; give"
                    + " --data with them",
            "label", "evaluate compares predictions with the labels (predict scores rows without them)",
            "id", "predict copies the training job's data.id_columns unless told otherwise; name the columns to copy"
                    + " with --keep",
            "--keep", "name columns of --data in --keep");

    /**
     * Fails unless {@code df} has every {@code wanted} column (of the roles feature, label, id or
     * --keep), naming all that are absent at once and what to do: before any pass over the data.
     */
    static void requireColumns(Dataset<Row> df, List<Columns.Wanted> wanted) {
        Columns.requireAll(Columns.names(df), wanted, "--data", absent -> String.join("; ",
                absent.stream().map(w -> FIX_OF_ROLE.get(w.role())).filter(Objects::nonNull).distinct().toList()));
    }

    /** The job config the model was trained with, with {@code overrides} ({@code key=value}) applied after it. */
    static JobConfig config(SavedModel model, List<String> overrides) {
        return JobConfigLoader.fromEffective(model.metadata().config(), overrides);
    }
}
