package dev.sparkprop.driver.cli;

import dev.sparkprop.driver.job.EvaluateJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkprop evaluate}: a saved model's metrics on labelled data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints a saved model's metrics on labelled data.",
                "The data is prepared exactly as in training. The last line,",
                "'metrics name=value ...', is for scripts."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "The model directory train wrote.")
    String model;

    @Option(names = "--data", required = true, description = "Labelled data with the training columns.")
    String data;

    @Option(names = "--format", description = {"csv, parquet, json or libsvm (default: the",
            "training job's)."})
    String format;

    @Option(names = "--delimiter", description = {"The CSV field delimiter, one character (\\t for a",
            "tab; default: the training job's",
            "data.csv.delimiter)."})
    String delimiter;

    @Override
    public Integer call() {
        Sessions.run("sparkprop evaluate", spark -> EvaluateJob.run(spark, model, data, format, delimiter, System.out));
        return 0;
    }
}
