package dev.sparkprop.driver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkprop.driver.model.StrictJson.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code metadata.json}, a model's {@link ModelMetadata}: written in format version
 * {@link ModelMetadata#FORMAT_VERSION}, read in versions 1 and 2.
 * <pre>
 * {
 *   "formatVersion" : 2,
 *   "createdBy" : "sparkprop 0.1.0",
 *   "createdAt" : "2025-06-01T12:00:00Z",
 *   "network" : { "layers" : "6,16:relu,3:softmax", "loss" : "cross_entropy", "parameters" : 163 },
 *   "preprocessing" : {
 *     "features" : [ { "name" : "color", "categorical" : true, "categories" : [ "red", "blue" ],
 *                      "vectorSize" : 0 }, … ],
 *     "featureMean" : [ … ] | null,   "featureScale" : [ … ] | null,
 *     "labels" : [ "species" ],       "classes" : [ "a", "b", "c" ] | null,
 *     "targetMean" : [ … ] | null,    "targetScale" : [ … ] | null,
 *     "weight" : "w" | null,
 *     "missing" : "error" | "drop" | "impute",
 *     "featureFill" : [ … ] | null
 *   },
 *   "config" : { "key" : "value", … },
 *   "history" : [ { "epoch" : 1, "metrics" : { "train_loss" : 0.53, … },
 *                   "seconds" : 1.9, "trainRowsPerSecond" : 41000.0 }, … ],
 *   "droppedRows" : { "column" : 3, … }
 * }
 * </pre>
 * Format version 1 is the same without {@code missing}, {@code featureFill} and
 * {@code droppedRows}; it reads as {@code "error"}, null and none.
 * The fields are those of {@link ModelMetadata}, {@link Preprocessing}, {@link FeatureColumn} and
 * {@link EpochRecord} ({@code vectorSize} is 0 except for an ml Vector column). Every key shown is
 * required, null only where shown, except an epoch's {@code seconds} and
 * {@code trainRowsPerSecond}: finite numbers, absent from models saved before they were recorded
 * (and where not measured), which read as NaN. Unknown keys are an error, not ignored (except inside the
 * free-form {@code config} and {@code metrics}), so a tampered or hand-mangled file is refused
 * rather than half-read ({@link StrictJson}). Doubles are written in a form that parses back to
 * the identical value; a metric that is not finite is the string {@code "NaN"}, {@code "Infinity"}
 * or {@code "-Infinity"}.
 */
final class MetadataJson {

    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");

    private MetadataJson() {
    }

    // ---- writing ----

    static byte[] write(ModelMetadata m) {
        ObjectNode root = StrictJson.object();
        root.put("formatVersion", ModelMetadata.FORMAT_VERSION);
        root.put("createdBy", m.createdBy());
        root.put("createdAt", m.createdAt());
        ObjectNode network = root.putObject("network");
        network.put("layers", m.layers());
        network.put("loss", m.loss());
        network.put("parameters", m.parameters());

        Preprocessing p = m.preprocessing();
        ObjectNode pre = root.putObject("preprocessing");
        ArrayNode features = pre.putArray("features");
        for (FeatureColumn f : p.features()) {
            ObjectNode feature = features.addObject();
            feature.put("name", f.name());
            feature.put("categorical", f.categorical());
            putStrings(feature, "categories", f.categories());
            feature.put("vectorSize", f.vectorSize());
        }
        putDoubles(pre, "featureMean", p.featureMean());
        putDoubles(pre, "featureScale", p.featureScale());
        putStrings(pre, "labels", p.labels());
        putStrings(pre, "classes", p.classes());
        putDoubles(pre, "targetMean", p.targetMean());
        putDoubles(pre, "targetScale", p.targetScale());
        pre.put("weight", p.weight());
        pre.put("missing", p.missing().setting());
        putDoubles(pre, "featureFill", p.featureFill());

        ObjectNode config = root.putObject("config");
        m.config().forEach(config::put);
        ArrayNode history = root.putArray("history");
        for (EpochRecord r : m.history()) {
            ObjectNode epoch = history.addObject();
            epoch.put("epoch", r.epoch());
            ObjectNode metrics = epoch.putObject("metrics");
            r.metrics().forEach(metrics::put);
            if (Double.isFinite(r.seconds()) && Double.isFinite(r.trainRowsPerSecond())) {
                epoch.put("seconds", r.seconds());
                epoch.put("trainRowsPerSecond", r.trainRowsPerSecond());
            }
        }
        ObjectNode dropped = root.putObject("droppedRows");
        m.droppedRows().forEach(dropped::put);
        return StrictJson.bytes(root);
    }

    private static void putStrings(ObjectNode parent, String key, List<String> values) {
        if (values == null) {
            parent.putNull(key);
        } else {
            ArrayNode array = parent.putArray(key);
            values.forEach(array::add);
        }
    }

    private static void putDoubles(ObjectNode parent, String key, double[] values) {
        if (values == null) {
            parent.putNull(key);
        } else {
            ArrayNode array = parent.putArray(key);
            for (double v : values) {
                array.add(v);
            }
        }
    }

    // ---- reading ----

    /**
     * Parses metadata, as far as the JSON itself goes (not yet checked against the network: see
     * {@link ModelConsistency}); every problem becomes an IllegalArgumentException starting with
     * {@code source}.
     */
    static ModelMetadata read(byte[] json, String source) {
        return StrictJson.parse(json, source, MetadataJson::metadata);
    }

    private static ModelMetadata metadata(Fields top) {
        // The version first: another version may legitimately have other fields.
        int version = top.read("formatVersion", StrictJson::whole);
        if (version != 1 && version != ModelMetadata.FORMAT_VERSION) {
            throw new IllegalArgumentException("model format version " + version + " is not supported by this"
                    + " sparkprop (reads 1 and " + ModelMetadata.FORMAT_VERSION + "); retrain or use a matching"
                    + " sparkprop");
        }
        boolean v1 = version == 1;
        List<String> topFields = new ArrayList<>(List.of("formatVersion", "createdBy", "createdAt", "network",
                "preprocessing", "config", "history"));
        if (!v1) {
            topFields.add("droppedRows");
        }
        top.allowOnly(topFields);

        Fields network = top.read("network", Fields::of);
        network.allowOnly("layers", "loss", "parameters");

        Fields p = top.read("preprocessing", Fields::of);
        List<String> preprocessingFields = new ArrayList<>(List.of("features", "featureMean", "featureScale", "labels",
                "classes", "targetMean", "targetScale", "weight"));
        if (!v1) {
            preprocessingFields.addAll(List.of("missing", "featureFill"));
        }
        p.allowOnly(preprocessingFields);
        List<FeatureColumn> features = new ArrayList<>();
        for (Fields f : p.read("features", StrictJson::objects)) {
            features.add(featureColumn(f));
        }
        Preprocessing preprocessing = new Preprocessing(features,
                p.readOrNull("featureMean", StrictJson::finiteNumbers),
                p.readOrNull("featureScale", StrictJson::finiteNumbers),
                p.read("labels", StrictJson::texts),
                p.readOrNull("classes", StrictJson::texts),
                p.readOrNull("targetMean", StrictJson::finiteNumbers),
                p.readOrNull("targetScale", StrictJson::finiteNumbers),
                p.readOrNull("weight", StrictJson::text),
                v1 ? MissingValues.ERROR : p.read("missing", MetadataJson::missingValues),
                v1 ? null : p.readOrNull("featureFill", StrictJson::finiteNumbers));

        List<EpochRecord> history = new ArrayList<>();
        for (Fields epoch : top.read("history", StrictJson::objects)) {
            epoch.allowOnly("epoch", "metrics", "seconds", "trainRowsPerSecond");
            history.add(new EpochRecord(epoch.read("epoch", StrictJson::whole),
                    epoch.read("metrics", Fields::of).map(MetadataJson::metric),
                    epoch.readOrAbsent("seconds", StrictJson::finite, Double.NaN),
                    epoch.readOrAbsent("trainRowsPerSecond", StrictJson::finite, Double.NaN)));
        }

        return new ModelMetadata(ModelMetadata.FORMAT_VERSION,
                network.read("layers", StrictJson::text),
                network.read("loss", StrictJson::text),
                network.read("parameters", StrictJson::whole),
                preprocessing,
                top.read("config", Fields::of).map(StrictJson::text),
                history,
                v1 ? Map.of() : top.read("droppedRows", Fields::of).map(StrictJson::count),
                top.read("createdBy", StrictJson::text),
                top.read("createdAt", StrictJson::text));
    }

    private static FeatureColumn featureColumn(Fields f) {
        f.allowOnly("name", "categorical", "categories", "vectorSize");
        boolean categorical = f.read("categorical", StrictJson::bool);
        List<String> categories = f.read("categories", StrictJson::texts);
        if (!categorical && !categories.isEmpty()) {
            throw new IllegalArgumentException(f.path("categories") + " must be empty for a column that is not"
                    + " categorical");
        }
        return new FeatureColumn(f.read("name", StrictJson::text), categorical, categories,
                f.read("vectorSize", StrictJson::whole));
    }

    private static MissingValues missingValues(JsonNode v, String at) {
        try {
            return MissingValues.of(StrictJson.text(v, at));
        } catch (IllegalArgumentException e) {
            throw StrictJson.mustBe(at, "\"error\", \"drop\" or \"impute\"", v);
        }
    }

    private static double metric(JsonNode v, String at) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual() && NON_FINITE.contains(v.textValue())) {
            return Double.parseDouble(v.textValue());
        }
        throw StrictJson.mustBe(at, "a number, \"NaN\", \"Infinity\" or \"-Infinity\"", v);
    }
}
