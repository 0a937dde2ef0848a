package dev.sparkprop.driver.config;

import dev.sparkprop.driver.Prose;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads a job: the HOCON job file, then the {@code --set key=value} overrides, over the
 * defaults in the classpath resource {@value #REFERENCE}, which documents every key. Only these
 * three sources count: no system properties or environment variables (hence no
 * {@code ConfigFactory.load()}), so a job means the same on every machine.
 */
public final class JobConfigLoader {

    /** The reference config: every key, its default and its documentation. */
    public static final String REFERENCE = "dev/sparkprop/reference.conf";

    private static final String DEFAULTS_ORIGIN = "sparkprop defaults";

    private static final Config REFERENCE_CONFIG = reference();

    private JobConfigLoader() {
    }

    /**
     * @param filePathOrNull a HOCON job file, or null for overrides and defaults only
     * @param overrides      {@code key=value} strings, applied in order; a value starting with
     *                       [, { or " is parsed as HOCON, anything else is a literal string
     * @throws ConfigException listing every problem found
     */
    public static JobConfig load(String filePathOrNull, List<String> overrides) {
        List<String> problems = new ArrayList<>();
        Config file = filePathOrNull == null ? ConfigFactory.empty() : parseFile(filePathOrNull, problems);
        Config set = ConfigFactory.empty();
        for (String override : overrides) {
            set = applyOverride(set, override, problems);
        }
        // Unreadable input leaves nothing sensible to validate; report it alone
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return validate(set, file, problems);
    }

    /** The overrides over the file over the defaults, resolved and checked. */
    private static JobConfig validate(Config set, Config file, List<String> problems) {
        Config reference = REFERENCE_CONFIG;
        Config merged;
        try {
            merged = set.withFallback(file).withFallback(reference).resolve(ConfigResolveOptions.noSystem());
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(List.of(inOurWords(e)));
        }
        Set<String> known = keys(reference);
        Config checked = merged;
        for (String key : keys(merged).stream().sorted().toList()) {
            if (!known.contains(key)) {
                problems.add(unknownKey(key, known));
                // Back to the defaults underneath: a value set on a group (data.csv = x) is then reported once,
                // here, and not again for every key it hid
                checked = checked.withoutPath(key);
            }
        }
        ConfigReader reader = new ConfigReader(checked.withFallback(reference), DEFAULTS_ORIGIN);
        JobConfig config = new JobConfig(reader);
        config.checkAcrossKeys(reader);
        problems.addAll(reader.problems());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /**
     * A job from an effective config ({@link JobConfig#effective()}, e.g. the one a model was
     * saved with) with {@code overrides} ({@code key=value}, as {@link #load} takes them) applied
     * after it, checked again.
     */
    public static JobConfig fromEffective(Map<String, String> effective, List<String> overrides) {
        List<String> settings = new ArrayList<>();
        effective.forEach((key, value) -> settings.add(key + "=" + value));
        settings.addAll(overrides);
        return load(null, settings);
    }

    /**
     * A job from typed values (key to String, Number, Boolean or List of String), over the
     * defaults: how the Spark ML estimators turn their params into the same validated config as
     * a job file.
     *
     * @param origin names where the values came from in problem messages
     * @throws ConfigException listing every problem found
     */
    public static JobConfig fromValues(Map<String, Object> values, String origin) {
        Config set = ConfigFactory.empty();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            set = set.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(), origin));
        }
        return validate(set, ConfigFactory.empty(), new ArrayList<>());
    }

    /**
     * {@link #fromValues} for code that trains on data it reads itself (tests, benchmarks): the
     * required keys that {@code values} leaves out (the data path, the model path) get stand-ins.
     */
    public static JobConfig trainingOnly(Map<String, Object> values, String origin) {
        Map<String, Object> all = new LinkedHashMap<>(values);
        standIns(all.keySet()).forEach(all::putIfAbsent);
        return fromValues(all, origin);
    }

    /**
     * What is wrong with {@code value} for {@code key} on its own (checks across keys excepted),
     * or null when nothing is: the per-value validation of a Spark ML param.
     */
    public static String problemWith(String key, Object value) {
        Config set = ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(value, DEFAULTS_ORIGIN));
        // Required keys get stand-ins, so that only the key asked about can fail
        for (Map.Entry<String, Object> standIn : standIns(Set.of(key)).entrySet()) {
            set = set.withValue(standIn.getKey(), ConfigValueFactory.fromAnyRef(standIn.getValue()));
        }
        ConfigReader reader = new ConfigReader(set.withFallback(REFERENCE_CONFIG), DEFAULTS_ORIGIN);
        new JobConfig(reader);
        return reader.problems().stream().filter(p -> p.startsWith(key + ":")).findFirst().orElse(null);
    }

    /** A placeholder value for each required key not in {@code given}. */
    private static Map<String, Object> standIns(Set<String> given) {
        Map<String, Object> standIns = new LinkedHashMap<>();
        JobConfig.SETTINGS.stream().filter(s -> s.required() && !given.contains(s.key()))
                .forEach(s -> standIns.put(s.key(), "x"));
        return standIns;
    }

    /** A value of {@link JobConfig#effective()} (rendered HOCON) as a plain Java value, e.g. "adam" or 0.01. */
    public static Object plainValue(String rendered) {
        return ConfigFactory.parseString("value = " + rendered).getValue("value").unwrapped();
    }

    /** The default of {@code key} as a plain Java value (String, Integer, Double, Boolean, List). */
    public static Object defaultValue(String key) {
        return REFERENCE_CONFIG.getValue(key).unwrapped();
    }

    /** The reference config's comment on {@code key}: what it means, its type and range. */
    public static String documentation(String key) {
        return String.join(" ", REFERENCE_CONFIG.getValue(key).origin().comments()).trim().replaceAll("\\s+", " ");
    }

    /** The reference defaults, parsed on their own. */
    static Config reference() {
        URL url = JobConfigLoader.class.getClassLoader().getResource(REFERENCE);
        if (url == null) {
            throw new IllegalStateException(REFERENCE + " is missing from the classpath; the build is broken");
        }
        return ConfigFactory.parseURL(url, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                .setOriginDescription(DEFAULTS_ORIGIN).setAllowMissing(false)).resolve(ConfigResolveOptions.noSystem());
    }

    /** The flattened key paths of a resolved config's values. */
    static Set<String> keys(Config config) {
        return config.entrySet().stream().map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static Config parseFile(String path, List<String> problems) {
        File file = new File(path);
        if (!file.isFile() || !file.canRead()) {
            problems.add("job file " + path + ": " + (file.exists() ? "not a readable file" : "does not exist"));
            return ConfigFactory.empty();
        }
        try {
            // HOCON whatever the file's extension (JSON is HOCON too)
            return ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                    .setAllowMissing(false));
        } catch (com.typesafe.config.ConfigException e) {
            // the message starts with the path and line
            problems.add("job file " + inOurWords(e));
            return ConfigFactory.empty();
        }
    }

    /** The key of a {@code key=value} override, as {@link #load} reads it; "" when it has none. */
    public static String overrideKey(String override) {
        int eq = override.indexOf('=');
        return eq < 0 ? "" : override.substring(0, eq).trim();
    }

    private static Config applyOverride(Config set, String override, List<String> problems) {
        String key = overrideKey(override);
        if (key.isEmpty()) {
            problems.add("--set " + override + ": expected key=value, e.g. --set training.epochs=30");
            return set;
        }
        String raw = override.substring(override.indexOf('=') + 1).trim();
        String origin = "--set " + override;
        try {
            // Paths and URIs stay literal: unquoted HOCON would cut "s3a://b/x" at ':' and read "//" as a comment.
            // Numbers and booleans need no parsing, since typed reads convert strings.
            ConfigValue value = raw.startsWith("[") || raw.startsWith("{") || raw.startsWith("\"")
                    ? ConfigFactory.parseString("value = " + raw, ConfigParseOptions.defaults()
                            .setSyntax(ConfigSyntax.CONF).setOriginDescription(origin)).getValue("value")
                    : ConfigValueFactory.fromAnyRef(raw, origin);
            return set.withValue(key, value);
        } catch (com.typesafe.config.ConfigException.Parse e) {
            // the message starts with the origin, i.e. the --set
            problems.add(inOurWords(e));
        } catch (com.typesafe.config.ConfigException e) {
            problems.add(origin + ": " + inOurWords(e));
        }
        return set;
    }

    /**
     * Typesafe Config's message for {@code e}, its origin (file and line, or --set) kept, with
     * sparkprop's own problem and fix in place of the library's wording for the mistakes it words
     * for JSON or for options sparkprop does not offer (renaming the file .properties, environment
     * variables); any other message as it is.
     */
    private static String inOurWords(com.typesafe.config.ConfigException e) {
        String message = e.getMessage();
        String where = e.origin() == null ? "" : e.origin().description() + ": ";
        if (!message.startsWith(where)) {
            return message;
        }
        String what = message.substring(where.length());
        if (what.contains("JSON does not allow unescaped newline in quoted strings")) {
            return where + "a quoted string is not closed on this line: add the closing \"";
        }
        if (what.contains("End of input but string quote was still open")) {
            return where + "a quoted string is not closed: add the closing \"";
        }
        if (what.equals("expecting a close parentheses ')' here, not: end of file")) {
            // Typesafe Config calls a missing '}' a ')'
            return where + "the file ends with a '{' still open; add the '}' that closes it";
        }
        String unresolved = "Could not resolve substitution to a value: ";
        if (what.startsWith(unresolved)) {
            // resolve(ConfigResolveOptions.noSystem()): the job means the same on every machine
            return where + what.substring(unresolved.length()) + " is not a key of the job: a substitution refers"
                    + " to another key of the job file, never to an environment variable; write the value out, or"
                    + " pass it with --set";
        }
        return message;
    }

    private static String unknownKey(String key, Set<String> known) {
        List<String> inside = known.stream().filter(k -> k.startsWith(key + ".")).sorted().toList();
        if (!inside.isEmpty()) {
            // A group with a kind (optimizer.kind) is most likely what a value given to the group meant
            String example = inside.stream().filter(k -> k.equals(key + ".kind")).findFirst().orElse(inside.get(0));
            return key + ": is a group of keys, not a value; set its keys, e.g. " + example;
        }
        String closest = known.stream()
                .min(Comparator.comparingInt((String k) -> distance(key, k)).thenComparing(k -> k)).orElseThrow();
        if (key.startsWith("spark.") && distance(key, closest) > 2) {
            // spark.driver.memory, spark.master, ...: Spark's own configuration, which a job file does not hold
            return key + ": unknown key; the job's spark.* keys are " + Prose.list(known.stream()
                    .filter(k -> k.startsWith("spark.")).sorted().toList()) + ". Spark's own settings go to Spark: to spark-submit (--conf "
                    + key + "=..., --driver-memory), or to bin/sparkprop as JVM options, e.g."
                    + " SPARKPROP_JAVA_OPTS='-Xmx8g -Dspark.master=local[2]'";
        }
        String last = key.substring(key.lastIndexOf('.') + 1);
        if (!last.isEmpty() && Character.isDigit(last.charAt(0))) {
            // No key starts with a digit: the rest of an unquoted value, cut into keys at its commas
            return key + ": unknown key; a value holding commas must be quoted (e.g. network.layers ="
                    + " \"auto,16:relu,3:softmax\"), else each comma starts another key";
        }
        return key + ": unknown key; did you mean " + closest + "?";
    }

    /** How far apart a typed key and a known one are: by full path, or by last segment for a misplaced key. */
    private static int distance(String typed, String known) {
        String lastSegment = known.substring(known.lastIndexOf('.') + 1);
        return Math.min(Prose.editDistance(typed, known), Prose.editDistance(typed, lastSegment));
    }
}
