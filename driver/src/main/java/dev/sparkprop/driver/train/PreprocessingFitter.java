package dev.sparkprop.driver.train;

import dev.sparkprop.driver.Prose;
import dev.sparkprop.driver.model.FeatureColumn;
import dev.sparkprop.driver.model.MissingValues;
import dev.sparkprop.driver.model.Preprocessing;
import dev.sparkprop.driver.spark.Columns;
import dev.sparkprop.driver.spark.PartitionJob;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.NetworkSpec;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.Task;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Learns a {@link Preprocessing} from training rows with Spark: the categories of each
 * categorical column, the classes of a classification label (with their counts, for balanced
 * class weights), and the mean and std of every numeric input and regression target, which are
 * also the fill values of data.missing = "impute".
 */
public final class PreprocessingFitter {

    /** More categories than this in one column is almost surely an id column listed by mistake. */
    public static final int MAX_CATEGORIES = 10_000;

    /** The learned preprocessing and, for classification, the training row count of each class. */
    public record Fitted(Preprocessing preprocessing, long[] classCounts) {
    }

    private PreprocessingFitter() {
    }

    /**
     * @throws IllegalArgumentException naming the column or setting at fault: missing column,
     *         string feature not listed as categorical, too few classes, classes not matching
     *         the output layer, inputs not matching the network's input width, no rows
     */
    public static Fitted fit(Dataset<Row> df, DataColumns columns, NetworkSpec spec, boolean standardize) {
        return fit(df, columns, spec, standardize, MissingValues.ERROR, null);
    }

    /**
     * As {@link #fit(Dataset, DataColumns, NetworkSpec, boolean)}, with what a missing feature
     * value gets, and the classes fixed by the caller (e.g. Spark ML's label indices "0".."k-1")
     * instead of found in the rows: every label must be one of them, and a class without
     * training rows counts 0.
     *
     * @param missing      data.missing
     * @param knownClasses the class names in index order, or null to take those in the rows
     */
    public static Fitted fit(Dataset<Row> df, DataColumns columns, NetworkSpec spec, boolean standardize,
                             MissingValues missing, List<String> knownClasses) {
        return fit(df, columns, features(df, columns, missing), spec, standardize, missing, knownClasses);
    }

    /**
     * The feature columns of {@code df} as the network reads them: numeric, Vector (with its size)
     * or categorical (with the categories in the rows, and one for missing values when imputing
     * and there are any). Their {@link #width} is the network's input width.
     *
     * @throws IllegalArgumentException for a missing column, no rows, or a column that cannot be a feature
     */
    public static List<FeatureColumn> features(Dataset<Row> df, DataColumns columns, MissingValues missing) {
        return features(df, new DataFrameRows(df), columns, missing);
    }

    /**
     * As {@link #features(Dataset, DataColumns, MissingValues)}, with the column types and the
     * categories from {@code df} and the rows from {@code rows}.
     */
    public static List<FeatureColumn> features(Dataset<Row> df, TrainingRows rows, DataColumns columns,
                                               MissingValues missing) {
        Columns.requireAll(Columns.names(df), columns.wanted(), "the data", absent -> null);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the training data has no rows");
        }
        Dataset<Row> wellFormed = wellFormed(df);
        List<FeatureColumn> features = new ArrayList<>();
        DataProblems text = new DataProblems();
        for (String name : columns.features()) {
            features.add(featureColumn(wellFormed, name, columns.categorical().contains(name), missing, text));
        }
        text.check("the training data");
        return features;
    }

    /** The network inputs {@code features} encode to. */
    public static int width(List<FeatureColumn> features) {
        return features.stream().mapToInt(FeatureColumn::width).sum();
    }

    /** Categories and classes come from whole lines; the statistics pass reports the malformed ones. */
    private static Dataset<Row> wellFormed(Dataset<Row> df) {
        return Columns.hasMalformed(df) ? df.where(Columns.col(Columns.MALFORMED).isNull()) : df;
    }

    /**
     * As {@link #fit(Dataset, DataColumns, NetworkSpec, boolean, MissingValues, List)}, with the
     * feature columns already found by {@link #features}.
     */
    public static Fitted fit(Dataset<Row> df, DataColumns columns, List<FeatureColumn> features, NetworkSpec spec,
                             boolean standardize, MissingValues missing, List<String> knownClasses) {
        return fit(new DataFrameRows(df), columns, features, spec, standardize, missing, knownClasses);
    }

    /** As {@link #fit(Dataset, DataColumns, List, NetworkSpec, boolean, MissingValues, List)}, for rows of any source. */
    public static Fitted fit(TrainingRows rows, DataColumns columns, List<FeatureColumn> features, NetworkSpec spec,
                             boolean standardize, MissingValues missing, List<String> knownClasses) {
        int width = width(features);
        if (width != spec.inputWidth()) {
            throw new IllegalArgumentException("the data encodes to " + width + " inputs (" + describe(features)
                    + ") but network.layers starts with " + spec.inputWidth() + "; start it with " + width + " (or auto)");
        }
        Task task = spec.task();
        if (task.kind() == Task.Kind.REGRESSION && standardize) {
            checkReachesStandardized(spec.layers().get(spec.depth() - 1).activation());
        }
        boolean softmax = task.kind() == Task.Kind.MULTICLASS;
        List<String> classes = null;
        long[] counts = null;
        if (task.hasClasses()) {
            if (columns.labels().size() != 1) {
                throw new IllegalArgumentException("classification (a softmax output, or one sigmoid output) takes one"
                        + " label column, of class values, got " + columns.labels() + "; give data.label one column, or,"
                        + " for one target per label column, end network.layers with one output per column: sigmoid"
                        + " outputs with binary_cross_entropy for 0/1 targets (multi-label), or a regression loss (mse,"
                        + " huber) for numbers");
            }
            Map<String, Long> byClass = classCounts(rows, columns.labels().get(0));
            if (knownClasses != null) {
                byClass = countsOf(knownClasses, byClass, columns.labels().get(0));
            }
            classes = new ArrayList<>(byClass.keySet());
            checkSpacedClasses(classes, columns.labels().get(0));
            int expected = task.classes();
            if (classes.size() < 2 || classes.size() != expected) {
                rows.checkWellFormed("the training data");
            }
            if (classes.size() < 2) {
                throw new ClassCountMismatch("label column '" + columns.labels().get(0) + "' has only the class "
                        + classes + "; classification needs at least two classes");
            }
            if (classes.size() != expected) {
                String head = "label column '" + columns.labels().get(0) + "' has " + classes.size() + " classes "
                        + Prose.abbreviated(classes, "classes") + " but the output layer " + (softmax ? "has " + expected
                        + " softmax units" : "is one sigmoid unit, which takes exactly 2 classes");
                String asClasses = softmax ? "give it " + classes.size() : "use softmax with " + classes.size() + " units";
                // Classes given by the caller (a classifier's indices up to the largest label) are not the rows'
                // values: a label out of range shows among the classes that rows hold
                Map<String, Long> held = byClass;
                List<String> inRows = classes.stream().filter(c -> held.get(c) > 0).toList();
                // A classifier's known classes run up to the largest label: the rows' own values tell a quantity
                String regression = knownClasses == null
                        ? "train a regression (end network.layers with 1:identity and set network.loss = mse)"
                        : "train a regression with SparkpropRegressor";
                throw new ClassCountMismatch(aQuantity(inRows)
                        ? head + "; its values are numbers, " + inRows.size() + " of them: if it is a quantity to"
                        + " predict, " + regression + "; if it holds classes, " + asClasses
                        : head + "; " + asClasses + notAnIndex(inRows, expected));
            }
            counts = classes.stream().mapToLong(byClass::get).toArray();
        }
        // Imputing, the statistics pass fills missing values with NaN, which the statistics leave out.
        double[] unknownFill = null;
        if (missing == MissingValues.IMPUTE) {
            unknownFill = new double[width];
            Arrays.fill(unknownFill, Double.NaN);
        }
        Preprocessing raw = new Preprocessing(features, null, null, columns.labels(), classes, null, null,
                columns.weight(), missing, unknownFill);
        if (!standardize && missing != MissingValues.IMPUTE) {
            // No statistics to learn: the pass that caches the blocks checks the rows (TrainingData)
            return new Fitted(raw, counts);
        }
        return new Fitted(withStatistics(rows, raw, spec, standardize), counts);
    }

    /** @param text where a numeric column with text in some rows is recorded, for every such column at once */
    private static FeatureColumn featureColumn(Dataset<Row> df, String name, boolean categorical,
                                               MissingValues missing, DataProblems text) {
        StructField field = df.schema().apply(name);
        DataType type = field.dataType();
        if (categorical) {
            if (type instanceof VectorUDT) {
                throw new IllegalArgumentException("feature column '" + name + "' holds vectors and cannot be"
                        + " categorical; remove it from data.categorical");
            }
            if (!(type instanceof AtomicType)) {
                // Every row of an array or struct column would be a category of its own
                throw new IllegalArgumentException("feature column '" + name + "' holds " + type.simpleString()
                        + ", which are not categories; remove it from data.categorical, and " + asNumbers(type));
            }
            List<Row> values = df.select(Columns.col(name)).distinct().limit(MAX_CATEGORIES + 2).collectAsList();
            List<String> categories = new ArrayList<>(values.stream().filter(r -> !r.isNullAt(0))
                    .map(r -> RowEncoder.key(r.get(0))).distinct().sorted().toList());
            if (categories.size() > MAX_CATEGORIES) {
                throw new IllegalArgumentException("categorical column '" + name + "' has more than " + MAX_CATEGORIES
                        + " distinct values; it looks like an id: exclude it");
            }
            if (categories.isEmpty()) {
                throw new IllegalArgumentException("categorical column '" + name + "' has no values");
            }
            // Only a column with missing values gets their category: one that no training row has would
            // be an input that is always 0, whose weights training never moves from their random start.
            if (missing == MissingValues.IMPUTE && values.stream().anyMatch(r -> r.isNullAt(0))) {
                categories.add(FeatureColumn.MISSING_CATEGORY);
            }
            return FeatureColumn.categorical(name, categories);
        }
        if (type instanceof VectorUDT) {
            List<Row> first = df.select(Columns.col(name)).where(Columns.col(name).isNotNull()).takeAsList(1);
            if (first.isEmpty()) {
                throw new IllegalArgumentException("the training data has no rows");
            }
            return FeatureColumn.vector(name, ((Vector) first.get(0).get(0)).size());
        }
        if (!(type instanceof NumericType)) {
            TextColumnValues values = type instanceof StringType ? TextColumnValues.of(df, name) : null;
            if (values == null || !values.mostlyNumbers()) {
                throw new IllegalArgumentException("feature column '" + name + "' has type " + type.simpleString()
                        + "; " + (type instanceof StringType || type instanceof BooleanType
                        ? "list it in data.categorical to one-hot encode it, or " + LEAVE_OUT
                        + decimalCommas(values)
                        : asNumbers(type)));
            }
            if (values.texts() > 0) {
                text.add(DataProblems.Role.FEATURE, name, DataProblems.Kind.TEXT, values.example(), null,
                        values.texts());
            } else {
                // Every value parses (a JSON column of quoted numbers), but the rows hold strings
                text.add(DataProblems.Role.FEATURE, name, DataProblems.Kind.NUMBERS_AS_TEXT, values.numberExample(),
                        null, values.numbers());
            }
        }
        return FeatureColumn.numeric(name);
    }

    /** How a column of {@code type}, which is neither numbers nor categories, becomes features. */
    private static String asNumbers(DataType type) {
        if (type instanceof DateType || type instanceof TimestampType || type instanceof TimestampNTZType) {
            return "turn it into numbers first (e.g. its unix time, or its year, month and day as columns of their"
                    + " own), or " + LEAVE_OUT;
        }
        if (type instanceof ArrayType array && array.elementType() instanceof NumericType) {
            return "turn it into an ml Vector first (array_to_vector in org.apache.spark.ml.functions and"
                    + " pyspark.ml.functions), or " + LEAVE_OUT;
        }
        if (type instanceof StructType) {
            return "select its fields as columns of their own, or " + LEAVE_OUT;
        }
        return LEAVE_OUT;
    }

    /**
     * The classes of {@code label} in {@code validation} that no row of {@code train} has, as
     * class keys in class order; missing labels are not a class. Reads at most
     * {@link #MAX_CATEGORIES} + 1 classes of each.
     */
    public static List<String> classesOnlyIn(TrainingRows validation, TrainingRows train, String label) {
        Set<String> trained = new HashSet<>(classKeys(train, label));
        List<String> only = classKeys(validation, label).stream().filter(key -> !trained.contains(key)).toList();
        return only.stream().sorted(classOrder(only)).toList();
    }

    private static List<String> classKeys(TrainingRows rows, String label) {
        return rows.valueCounts(label, MAX_CATEGORIES + 1).stream()
                .filter(group -> group.getKey() != null && !RowEncoder.isNonFinite(group.getKey()))
                .map(group -> RowEncoder.key(group.getKey())).toList();
    }

    /**
     * The training rows hold fewer than two classes, or not as many as the output layer takes
     * (the message says which and how to fix it).
     */
    public static final class ClassCountMismatch extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        ClassCountMismatch(String message) {
            super(message);
        }
    }

    /** Class key → row count, in class order: numerically when every key is a number, else by string. */
    private static Map<String, Long> classCounts(TrainingRows rows, String label) {
        Map<String, Long> counts = new java.util.HashMap<>();
        DataProblems problems = new DataProblems();
        for (Map.Entry<Object, Long> group : rows.valueCounts(label, MAX_CATEGORIES + 1)) {
            Object value = group.getKey();
            if (value == null) {
                problems.add(DataProblems.Role.LABEL, label, DataProblems.Kind.MISSING, null, null, group.getValue());
            } else if (RowEncoder.isNonFinite(value)) {
                // NaN or ±Infinity in a numeric label column is no class, as it is no regression target
                problems.add(DataProblems.Role.LABEL, label, DataProblems.Kind.NON_FINITE, value.toString(), null,
                        group.getValue());
            } else {
                counts.merge(RowEncoder.key(value), group.getValue(), Long::sum);
            }
        }
        problems.check("the training data");
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("the training data has no rows");
        }
        if (counts.size() > MAX_CATEGORIES) {
            throw new IllegalArgumentException("label column '" + label + "' has more than " + MAX_CATEGORIES
                    + " classes; is it a regression target? Use mse or huber for numeric targets");
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.keySet().stream().sorted(classOrder(counts.keySet())).forEach(k -> sorted.put(k, counts.get(k)));
        return sorted;
    }

    /** The order of class keys: numerically when every key is a number, else by string. */
    private static Comparator<String> classOrder(Collection<String> keys) {
        return keys.stream().allMatch(PreprocessingFitter::isNumber) ? Comparator.comparingDouble(Double::parseDouble)
                : Comparator.naturalOrder();
    }

    /** {@code found}'s counts over {@code known} classes, in their order; a label outside them is an error. */
    private static Map<String, Long> countsOf(List<String> known, Map<String, Long> found, String label) {
        for (String value : found.keySet()) {
            if (!known.contains(value)) {
                throw new IllegalArgumentException("label column '" + label + "' holds " + value + ", which is not one"
                        + " of the classes " + Prose.abbreviated(known, "classes") + "; give class indices 0, 1, ..., k-1 (index"
                        + " string labels with StringIndexer)");
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        known.forEach(c -> counts.put(c, found.getOrDefault(c, 0L)));
        return counts;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The statistics pass: mean and 1/std of each numeric input (one-hot inputs stay 0/1) and
     * regression target, and the fill values of data.missing = "impute" (the inputs' means).
     * It reads every training row, so it is also where the training rows are checked: what it
     * finds comes back with the statistics and is raised here, once (the caching pass checks
     * the same rows again and finds nothing new).
     */
    private static Preprocessing withStatistics(TrainingRows rows, Preprocessing raw, NetworkSpec spec,
                                                boolean standardize) {
        TrainingRows.Selected selected = rows.select(raw);
        RowEncoder encoder = new RowEncoder(raw, spec, null, Precision.FLOAT64, false, selected.malformedAt());
        int in = spec.inputWidth();
        int out = spec.outputWidth();
        // A regression's target statistics: its standardisation, and whether the targets vary at all
        boolean targets = spec.task().kind() == Task.Kind.REGRESSION;
        // Merged in partition order (PartitionJob keeps it) rather than task completion order, so the
        // statistics, and the model trained on them, are the same to the last bit every run.
        Statistics stats = PartitionJob.collect(selected.rows(), "sparkprop statistics", (Iterator<Row> it) -> {
            Statistics s = new Statistics(in, out);
            double[] x = new double[in];
            double[] y = new double[out];
            double[] w = new double[1];
            while (it.hasNext()) {
                if (encoder.encode(it.next(), x, y, 0, w, 0, s.problems) != RowEncoder.UNUSABLE) {
                    s.inputs.add(x, 0);
                    if (targets) {
                        s.targets.add(y, 0);
                    }
                }
            }
            return s;
        }).stream().reduce(Statistics::merge).orElseThrow();
        stats.problems.check("the training data");
        if (stats.inputs.count() == 0) {
            throw new IllegalArgumentException(stats.problems.droppedRows() == 0 ? "the training data has no rows"
                    : "every training row has a missing or non-finite feature, and data.missing = \"drop\" left"
                    + " them all out");
        }
        double[] mean = stats.inputs.mean();
        double[] std = stats.inputs.std();
        double[] scale = inverse(std);
        double[] fill = raw.missing() == MissingValues.IMPUTE ? mean.clone() : null;
        int at = 0;
        for (FeatureColumn column : raw.features()) {
            for (int i = at; i < at + column.width(); i++) {
                if (column.categorical()) {
                    mean[i] = 0;
                    scale[i] = 1;
                    if (fill != null) {
                        fill[i] = 0;
                    }
                } else if (stats.inputs.count(i) == 0) {
                    throw new IllegalArgumentException("feature column '" + column.name() + "' has no values in the"
                            + " training rows to fill missing ones with; exclude it (data.exclude)");
                } else if (!Double.isFinite(mean[i]) || standardize && !Double.isFinite(std[i])) {
                    throw tooLarge("feature column '" + column.name() + "'", standardize);
                }
            }
            at += column.width();
        }
        double[] targetMean = targets ? stats.targets.mean() : null;
        double[] targetStd = targets ? stats.targets.std() : null;
        for (int i = 0; targets && standardize && i < out; i++) {
            if (!Double.isFinite(targetMean[i]) || !Double.isFinite(targetStd[i])) {
                throw tooLarge("label column '" + raw.labels().get(raw.labels().size() == out ? i : 0) + "'", true);
            }
        }
        if (targets && Arrays.stream(targetStd).allMatch(s -> s == 0)) {
            // As a classification of one class is refused: nothing to learn (and R² is undefined)
            throw new IllegalArgumentException((out == 1 ? "label column '" + raw.labels().get(0) + "' has the one"
                    + " value " + targetMean[0] + " in every training row" : "label columns " + raw.labels()
                    + " each hold one value in every training row") + "; a regression needs targets that vary:"
                    + " check data.label and the rows of the training data");
        }
        boolean standardized = targets && standardize;
        return new Preprocessing(raw.features(), standardize ? mean : null, standardize ? scale : null, raw.labels(),
                raw.classes(), standardized ? targetMean : null, standardized ? inverse(targetStd) : null,
                raw.weight(), raw.missing(), fill);
    }

    /** A column whose mean or std overflows a double: standardizing or imputing it would make NaN. */
    private static IllegalArgumentException tooLarge(String column, boolean standardize) {
        return new IllegalArgumentException(column + " holds values so large that their mean"
                + (standardize ? " or standard deviation" : "") + " overflows a double (beyond ±1.8e308), so "
                + (standardize ? "standardizing" : "imputing") + " it would give NaN; rescale or log-transform it,"
                + " or exclude it (data.exclude)");
    }

    /** 1/std, and 1 for a constant input: dividing by 0 would turn it into NaN. */
    private static double[] inverse(double[] std) {
        double[] scale = new double[std.length];
        for (int i = 0; i < std.length; i++) {
            scale[i] = std[i] > 0 ? 1 / std[i] : 1;
        }
        return scale;
    }

    /** One partition's statistics pass: the inputs' and targets' statistics, and what was wrong with rows. */
    static final class Statistics implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final FeatureStatistics inputs;
        final FeatureStatistics targets;
        final DataProblems problems = new DataProblems();

        Statistics(int inputs, int targets) {
            this.inputs = new FeatureStatistics(inputs);
            this.targets = new FeatureStatistics(targets);
        }

        Statistics merge(Statistics later) {
            inputs.merge(later.inputs);
            targets.merge(later.targets);
            problems.merge(later.problems);
            return this;
        }
    }

    private static String describe(List<FeatureColumn> features) {
        long numeric = features.stream().filter(f -> !f.categorical() && !f.isVector()).count();
        StringBuilder sb = new StringBuilder(numeric + " numeric");
        for (FeatureColumn f : features) {
            if (f.categorical() || f.isVector()) {
                sb.append(", '").append(f.name()).append("' ").append(f.width())
                        .append(f.categorical() ? " categories" : " vector values");
            }
        }
        return sb.toString();
    }

    /**
     * Fails when the output activation cannot reach standardized targets: with mean 0 and
     * population std 1, some are negative (out of reach of an output that is never negative:
     * relu, leaky_relu with slope 0, sigmoid, softplus) and some at least 1 in size (out of reach
     * of tanh's (-1, 1)), so training could never fit them and would end quietly bad. The range is
     * read off the activation at ±1e3, where each of these has reached its bound.
     */
    private static void checkReachesStandardized(Activation f) {
        double[] z = {-1e3, 1e3};
        double[] a = new double[2];
        f.apply(z, a, 2, 1);
        String range = a[0] >= 0 ? "are never negative" : Math.max(-a[0], a[1]) <= 1 ? "lie within (-1, 1)" : null;
        if (range != null) {
            throw new IllegalArgumentException("network.layers ends with " + f.name() + ", whose outputs " + range
                    + ", but a regression's targets are standardized to mean 0 and std 1 (data.standardize = true),"
                    + " and some of those lie outside that; end network.layers with identity (e.g. 1:identity), or"
                    + " set data.standardize = false to train on the targets (and inputs) as they are");
        }
    }

    /** A hint when a text column's values are numbers written with a comma, else "". */
    private static String decimalCommas(TextColumnValues values) {
        String example = values == null ? null : values.example();
        return example != null && example.strip().matches("[-+]?[0-9]*,[0-9]+")
                ? "; its values look like numbers written with a comma (e.g. '" + example.strip() + "': a decimal"
                + " comma or a thousands separator), which sparkprop does not read: write them as plain numbers with"
                + " a decimal point"
                : "";
    }

    /** More distinct labels than classes usually come in, all of them numbers: a regression's target, likely. */
    private static boolean aQuantity(List<String> classes) {
        return classes.size() > QUANTITY_LEVELS && classes.stream().allMatch(c -> c.matches(NUMBER));
    }

    private static final int QUANTITY_LEVELS = 20;
    /** How a column that cannot be a feature stops being one. */
    private static final String LEAVE_OUT = "leave it out of the features (data.exclude, or data.features when it"
            + " lists them)";
    private static final String NUMBER = "-?[0-9.]+(E-?[0-9]+)?";

    /**
     * When the class names are numbers and one is not a class index (a whole number from 0), or
     * they are whole numbers with a gap and some lie past the {@code units} output classes: the
     * clause that names them, since such values are more likely typos than classes. Else "".
     */
    private static String notAnIndex(List<String> classes, int units) {
        if (!classes.stream().allMatch(c -> c.matches(NUMBER))) {
            return "";
        }
        Optional<String> notWhole = classes.stream().filter(c -> !c.matches("[0-9]+")).findFirst();
        if (notWhole.isPresent()) {
            return "; or, if the labels are class indices, correct the label " + notWhole.get() + ", which is not one";
        }
        // Whole numbers with a gap (0 to 9, and 12): those past the output layer's last index are the likely typos
        List<String> beyond = classes.stream().filter(c -> atLeast(c, units)).toList();
        boolean gap = classes.stream().anyMatch(c -> atLeast(c, classes.size()));
        if (!gap || beyond.isEmpty() || beyond.size() == classes.size()) {
            return "";
        }
        return "; or, if the labels are class indices 0 to " + (units - 1) + ", correct "
                + (beyond.size() == 1 ? "the label " + beyond.get(0) + ", which is" : "the labels " + Prose.abbreviated(beyond, "labels")
                + ", which are") + " out of range";
    }

    /** Whether the whole number {@code c}, of any length, is {@code n} or more. */
    private static boolean atLeast(String c, int n) {
        return new BigInteger(c).compareTo(BigInteger.valueOf(n)) >= 0;
    }

    /**
     * Fails when two class names differ only in spaces around them ("b" and "b "): one class
     * written two ways, which a CSV reader keeps apart (a number's spaces are trimmed as it is
     * parsed, a string's are not), and which would train as two classes.
     */
    static void checkSpacedClasses(List<String> classes, String label) {
        Map<String, String> byStripped = new HashMap<>();
        for (String c : classes) {
            String other = byStripped.putIfAbsent(c.strip(), c);
            if (other != null) {
                throw new IllegalArgumentException("label column '" + label + "' has classes that differ only in"
                        + " spaces around them, '" + other + "' and '" + c + "': one class written two ways, which"
                        + " would train as two; remove the spaces around the labels in the data");
            }
        }
    }

}
