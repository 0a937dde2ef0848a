package dev.sparkprop.driver.cli;

import dev.sparkprop.driver.job.PredictJob;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sparkprop predict}: a saved model's predictions written as Parquet or CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a saved model's predictions, as Parquet or CSV.",
                "Each row has the id columns (data.id_columns of the training job, or the --keep",
                "columns), then prediction and probability_<class> per class for classification,",
                "prediction (or prediction_<label> per output) for regression. Rows with a",
                "missing or non-finite feature get null predictions (the last line counts them);",
                "unseen categories count as none."})
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "The model directory train wrote.")
    String model;

    @Option(names = "--data", required = true, description = {"Rows to predict, with the training feature",
            "columns."})
    String data;

    @Option(names = "--format", description = {"csv, parquet, json or libsvm (default: the",
            "training job's)."})
    String format;

    @Option(names = "--delimiter", description = {"The CSV field delimiter, one character (\\t for a",
            "tab; default: the training job's",
            "data.csv.delimiter)."})
    String delimiter;

    @Option(names = "--keep", split = ",", paramLabel = "<column>", description = {"Input columns to copy into each output",
            "row before its predictions, for example an id to",
            "join on (default: the training job's",
            "data.id_columns)."})
    List<String> keep;

    @Option(names = "--output", required = true, description = "The directory to write the predictions to.")
    String output;

    @Option(names = "--output-format", defaultValue = "parquet", description = "parquet or csv (default"
            + " ${DEFAULT-VALUE}).")
    String outputFormat;

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Override
    public Integer call() {
        PredictJob.checkOutputFormat(outputFormat);
        Sessions.run("sparkprop predict", spark -> PredictJob.run(spark, model, data, format, delimiter, keep, output,
                outputFormat, overwrite, System.out));
        return 0;
    }
}
