package dev.sparkprop.driver.ml;

import dev.sparkprop.driver.config.ConfigException;
import dev.sparkprop.driver.config.JobConfig;
import dev.sparkprop.driver.config.JobConfigLoader;
import dev.sparkprop.driver.job.Checkpoints;
import dev.sparkprop.driver.job.OutputPaths;
import dev.sparkprop.driver.job.ProgressLine;
import dev.sparkprop.driver.job.Resumption;
import dev.sparkprop.driver.job.Training;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.train.DataColumns;
import dev.sparkprop.driver.train.InvalidDataException;
import dev.sparkprop.driver.train.TrainingDivergedException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an estimator trains: its params become the job config a job file with the same keys
 * would give (validated by the same loader), its columns become the data keys, and
 * {@link Training#run} does the rest, exactly as for {@code sparkprop train}.
 */
final class EstimatorTraining {

    private EstimatorTraining() {
    }

    /**
     * The job config of {@code estimator}'s params: every training key, plus the data keys its
     * column params stand for. The I/O keys record that the data was a DataFrame and that
     * {@code fit} writes nothing.
     */
    static JobConfig config(SparkpropParams estimator, String featuresCol, String labelCol) {
        Map<String, Object> values = new LinkedHashMap<>(estimator.trainingParams().values(estimator));
        String name = estimator.getClass().getSimpleName();
        values.put("data.path", "(a DataFrame given to " + name + ".fit)");
        values.put("data.features", List.of(Columns.ofParam("featuresCol", featuresCol)));
        values.put("data.label", List.of(Columns.ofParam("labelCol", labelCol)));
        values.put("data.weight", weightColumn(estimator) == null ? "" : weightColumn(estimator));
        if (estimator.isDefined(estimator.validationIndicatorCol())) {
            // Said with the params' names: the config's check names data.validation_path, which the user never set
            Object fraction = values.get("data.validation_fraction");
            if (fraction instanceof Number f && f.doubleValue() > 0) {
                throw new IllegalArgumentException("validationIndicatorCol and validationFraction (" + fraction
                        + ") both choose the validation rows; set only one");
            }
            // The config's own checks (early stopping on validation metrics) then know there is validation data
            values.put("data.validation_path", "(the rows where " + estimator.getValidationIndicatorCol()
                    + " is true)");
        }
        values.put("output.model_path", "(not written by fit: save with model.write().save(path))");
        JobConfig config = JobConfigLoader.fromValues(values, name + " params");
        config.requireColumnsApart();
        return config;
    }

    /**
     * Runs {@code train} with its errors in the estimator's words: where a message names a job key
     * that a param stands for, it names the param (validationFraction, not
     * data.validation_fraction), as the user set params, not keys. The config, the data checks and
     * training are the CLI's, whose messages name the keys.
     */
    static <T> T inParamNames(SparkpropParams estimator, Supplier<T> train) {
        try {
            return train.get();
        } catch (ConfigException e) {
            throw new ConfigException(e.problems().stream().map(p -> paramNames(estimator, p)).toList());
        } catch (TrainingDivergedException e) {
            // The CLI's advice resumes with sparkprop train; here the estimator's resumeFrom does
            throw e.told(paramNames(estimator, e.fault()), "set resumeFrom to it and a lower learningRate to continue"
                    + " from there");
        } catch (IllegalArgumentException e) {
            String named = paramNames(estimator, e.getMessage());
            if (named == null || named.equals(e.getMessage())
                    || e.getClass() != IllegalArgumentException.class && e.getClass() != InvalidDataException.class) {
                throw e;
            }
            IllegalArgumentException renamed = e instanceof InvalidDataException
                    ? new InvalidDataException(named) : new IllegalArgumentException(named, e.getCause());
            renamed.setStackTrace(e.getStackTrace());
            throw renamed;
        }
    }

    /** {@code message} with each job key that has a param, or a column param, replaced by the param's name. */
    static String paramNames(SparkpropParams estimator, String message) {
        if (message == null) {
            return null;
        }
        // A training param's name is its job key; users set it by its accessor's name
        Map<String, String> names = new LinkedHashMap<>(ParamTable.attributeNames(estimator));
        names.keySet().removeIf(key -> !key.contains("."));
        names.put("data.features", "featuresCol");
        names.put("data.label", "labelCol");
        names.put("data.weight", "weightCol");
        names.put("data.validation_path", "validationIndicatorCol");
        // Outside quotes only: a quoted column name or path ('x.csv', not the checkpoint's) is the
        // user's text, whatever it holds
        StringBuilder named = new StringBuilder();
        Matcher quoted = QUOTED.matcher(message);
        int from = 0;
        while (quoted.find()) {
            named.append(keysToParams(message.substring(from, quoted.start()), names)).append(quoted.group());
            from = quoted.end();
        }
        return named.append(keysToParams(message.substring(from), names)).toString();
    }

    /** A span in single quotes: an opening quote after no letter, a closing one before none. */
    private static final Pattern QUOTED = Pattern.compile("(?<!\\w)'[^']*'(?!\\w)");

    private static String keysToParams(String text, Map<String, String> names) {
        String named = text;
        for (Map.Entry<String, String> name : names.entrySet()) {
            // Whole keys only: not data.label inside data.labels, nor a key inside a longer one
            named = named.replaceAll("(?<![\\w.])" + Pattern.quote(name.getKey()) + "(?![\\w.])",
                    Matcher.quoteReplacement(name.getValue()));
        }
        return named;
    }

    /**
     * @param config  {@link #config} of the estimator
     * @param classes the class names in index order, or null for regression
     */
    static Training.Result fit(SparkpropParams estimator, JobConfig config, Dataset<?> dataset,
                               List<String> classes) {
        Dataset<Row> rows = dataset.toDF();
        // The checkpoint and its path before any pass over the data, as the CLI checks them
        Configuration hadoop = rows.sparkSession().sparkContext().hadoopConfiguration();
        Checkpoints.Checkpoint resume = estimator.isDefined(estimator.resumeFrom())
                ? Checkpoints.read(estimator.getResumeFrom(), hadoop) : null;
        if (resume != null) {
            config = JobConfigLoader.fromEffective(config.effective(), Resumption.kept(resume, config));
            Resumption.check(resume, Resumption.checkpointed(resume), config);
        }
        long resumedAt = resume == null ? -1 : resume.state().iteration();
        config.training().checkpoint().path().ifPresent(path -> {
            // Writing would find a path inside a file only at the first checkpoint
            OutputPaths.checkCanBeDirectory(path, "checkpointPath", hadoop);
            // A tuner fits the one estimator's params many times: its second fit finds the first's checkpoints
            Checkpoints.checkPath(path, resumedAt, false, new Checkpoints.PathNames("checkpointPath",
                    "set resumeFrom to", "delete them (to tune, with CrossValidator or TrainValidationSplit, leave"
                    + " checkpointPath unset: each fit would need its own)"), hadoop);
        });
        Dataset<Row> validation = null;
        if (estimator.isDefined(estimator.validationIndicatorCol())) {
            String indicator = Columns.ofParam("validationIndicatorCol", estimator.getValidationIndicatorCol());
            if (!Arrays.asList(rows.columns()).contains(indicator)) {
                throw new IllegalArgumentException("validationIndicatorCol '" + indicator + "' is not in the data; its"
                        + " columns are " + Arrays.asList(rows.columns()));
            }
            if (!(rows.schema().apply(indicator).dataType() instanceof BooleanType)) {
                throw new IllegalArgumentException("validationIndicatorCol '" + indicator + "' must be a boolean"
                        + " column (true: validate on the row), got " + rows.schema().apply(indicator).dataType()
                        .simpleString());
            }
            // One pass counts both sides and the nulls, which neither where() below would keep
            Row counts = rows.agg(functions.count(functions.when(Columns.col(indicator), 1)),
                    functions.count(functions.when(functions.not(Columns.col(indicator)), 1)),
                    functions.count(functions.when(Columns.col(indicator).isNull(), 1))).first();
            long validating = counts.getLong(0);
            long training = counts.getLong(1);
            long unset = counts.getLong(2);
            if (unset > 0) {
                throw new IllegalArgumentException("validationIndicatorCol '" + indicator + "' is null in " + unset
                        + " of " + (validating + training + unset) + " rows; set it in every row: true to validate on"
                        + " the row, false to train on it");
            }
            validation = rows.where(Columns.col(indicator));
            rows = rows.where(functions.not(Columns.col(indicator)));
            // Said here, where the param is known: training would only find its data, or its validation data, empty
            if (training == 0 && validating > 0) {
                throw new IllegalArgumentException("validationIndicatorCol '" + indicator + "' is true in every row,"
                        + " which leaves none to train on; set it true only in the rows to validate on");
            }
            if (training > 0 && validating == 0) {
                throw new IllegalArgumentException("validationIndicatorCol '" + indicator + "' is false in every row,"
                        + " so there is nothing to validate on; set it true in the rows to validate on, or leave the"
                        + " param unset");
            }
        }
        String weight = weightColumn(estimator);
        if (weight != null) {
            requireParamColumn(Columns.names(rows), weight, "weight", "weightCol", "non-negative row weights");
        }
        DataColumns columns = new DataColumns(config.data().features(), config.data().labels(), weight, List.of());
        Logger log = LoggerFactory.getLogger(estimator.getClass());
        return Training.run(rows.sparkSession(), config, rows, validation, columns, classes, resume,
                ProgressLine.log(log));
    }

    /**
     * Fails, with the CLI's message, unless the data has the features column, of ml Vectors, and
     * the label column, of numbers: before Spark's schema checks ({@code transformSchema}), whose
     * errors are Spark's own.
     *
     * @param labels what the estimator's labels are and how to get them, e.g. "regression targets are numbers"
     */
    static void checkColumns(Dataset<?> dataset, String featuresCol, String labelCol, String labels) {
        Dataset<Row> df = dataset.toDF();
        String features = Columns.ofParam("featuresCol", featuresCol);
        String label = Columns.ofParam("labelCol", labelCol);
        List<String> columns = Columns.names(df);
        requireParamColumn(columns, features, "features", "featuresCol", "feature vectors");
        requireParamColumn(columns, label, "label", "labelCol", "labels");
        DataType featuresType = df.schema().apply(features).dataType();
        if (!(featuresType instanceof VectorUDT)) {
            throw new IllegalArgumentException("features column " + Columns.named(features) + " holds "
                    + featuresType.simpleString() + ", not vectors; assemble the feature columns with"
                    + " VectorAssembler");
        }
        DataType labelType = df.schema().apply(label).dataType();
        if (!(labelType instanceof NumericType)) {
            String held = labelType instanceof StringType ? "strings"
                    : labelType instanceof BooleanType ? "booleans" : "values of type " + labelType.simpleString();
            throw new IllegalArgumentException("label column " + Columns.named(label) + " holds " + held + "; "
                    + labels);
        }
    }

    /** As {@link Columns#requireAll}, naming the param that names the column. */
    private static void requireParamColumn(List<String> columns, String name, String role, String param,
                                           String holding) {
        Columns.requireAll(columns, List.of(new Columns.Wanted(role, name)), "the data",
                absent -> "set " + param + " to the column of " + holding);
    }

    /**
     * The data with the label column cast to double, its ml attribute kept: what Spark's
     * {@code Predictor.fit} hands to {@code train}. {@code Predictor.fit} finds the column with
     * {@code schema.apply(labelCol)}, which takes the param literally, where Spark's schema
     * checks read it as an attribute reference ({@link Columns#ofParam}): a backtick-quoted
     * {@code `y.1`} would pass the checks and then not be found.
     */
    static Dataset<Row> labelAsDouble(Dataset<?> dataset, String labelCol) {
        Dataset<Row> df = dataset.toDF();
        String label = Columns.ofParam("labelCol", labelCol);
        Metadata attribute = df.schema().apply(label).metadata();
        return df.withColumn(label, Columns.col(label).cast(DataTypes.DoubleType), attribute);
    }

    private static String weightColumn(SparkpropParams estimator) {
        if (!estimator.isDefined(estimator.weightCol())) {
            return null;
        }
        String weight = estimator.getWeightCol();
        return weight.isEmpty() ? null : Columns.ofParam("weightCol", weight);
    }
}
