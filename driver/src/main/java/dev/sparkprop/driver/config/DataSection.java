package dev.sparkprop.driver.config;

import dev.sparkprop.driver.model.MissingValues;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The data keys ({@code data.*}): where the rows are, how they are read, and what each column
 * is. What each key means, its "" or 0 included, is in {@code reference.conf}.
 *
 * @param weight         data.weight; empty for ""
 * @param validationPath data.validation_path; empty for ""
 */
public record DataSection(String path, String format, boolean csvHeader, String csvDelimiter, List<String> labels,
                          List<String> features, List<String> exclude, List<String> categorical,
                          Optional<String> weight, List<String> idColumns, boolean standardize,
                          MissingValues missing, Optional<String> validationPath, double validationFraction) {

    public static final Setting<String> PATH = Setting.required("data.path");
    /** The formats data is read in. */
    public static final List<String> FORMATS = List.of("csv", "parquet", "json", "libsvm");
    public static final Setting<String> FORMAT = Setting.choice("data.format", FORMATS, format -> format);
    public static final Setting<Boolean> CSV_HEADER = Setting.bool("data.csv.header");
    /** What a CSV delimiter may be, as the messages refusing another say it. */
    public static final String ONE_CHARACTER = "one character (\\t for a tab)";

    public static final Setting<String> CSV_DELIMITER = Setting.spec("data.csv.delimiter", written ->
            csvDelimiter(written).orElseThrow(() -> new IllegalArgumentException("must be " + ONE_CHARACTER + ", got \""
                    + written + "\"")));
    public static final Setting<List<String>> LABEL = Setting.strings("data.label")
            .check(labels -> !labels.isEmpty(), "at least one column")
            .check(labels -> labels.stream().noneMatch(String::isBlank), "the name of the column to predict (or a list"
                    + " of names), not empty");
    public static final Setting<List<String>> FEATURES = Setting.strings("data.features");
    public static final Setting<List<String>> EXCLUDE = Setting.strings("data.exclude");
    public static final Setting<List<String>> CATEGORICAL = Setting.strings("data.categorical");
    public static final Setting<Optional<String>> WEIGHT = Setting.optionalString("data.weight");
    public static final Setting<List<String>> ID_COLUMNS = Setting.strings("data.id_columns");
    public static final Setting<Boolean> STANDARDIZE = Setting.bool("data.standardize").param();
    public static final Setting<MissingValues> MISSING = Setting.choice("data.missing",
            Arrays.stream(MissingValues.values()).map(MissingValues::setting).toList(), MissingValues::of).param();
    public static final Setting<Optional<String>> VALIDATION_PATH = Setting.optionalString("data.validation_path");
    public static final Setting<Double> VALIDATION_FRACTION = Setting.number("data.validation_fraction",
            f -> f >= 0 && f < 1, "in [0, 1)").param();

    static final List<Setting<?>> SETTINGS = List.of(PATH, FORMAT, CSV_HEADER, CSV_DELIMITER, LABEL, FEATURES, EXCLUDE,
            CATEGORICAL, WEIGHT, ID_COLUMNS, STANDARDIZE, MISSING, VALIDATION_PATH, VALIDATION_FRACTION);

    static DataSection read(ConfigReader r) {
        return new DataSection(PATH.read(r), FORMAT.read(r), CSV_HEADER.read(r), CSV_DELIMITER.read(r), LABEL.read(r),
                FEATURES.read(r), EXCLUDE.read(r), CATEGORICAL.read(r), WEIGHT.read(r), ID_COLUMNS.read(r),
                STANDARDIZE.read(r), MISSING.read(r), VALIDATION_PATH.read(r), VALIDATION_FRACTION.read(r));
    }

    /**
     * The CSV field delimiter {@code written} means, as data.csv.delimiter and the commands'
     * --delimiter read it: one character, or {@code \t} for a tab (a backslash and a t, as a shell
     * passes it unquoted and as unquoted HOCON keeps it); empty for anything else.
     */
    public static Optional<String> csvDelimiter(String written) {
        String delimiter = written.equals("\\t") ? "\t" : written;
        return delimiter.length() == 1 ? Optional.of(delimiter) : Optional.empty();
    }

    /** Whether the job has validation data, from a path or a held-out fraction. */
    public boolean hasValidation() {
        return validationPath.isPresent() || validationFraction > 0;
    }
}
