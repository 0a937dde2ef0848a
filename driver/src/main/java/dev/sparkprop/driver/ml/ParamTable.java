package dev.sparkprop.driver.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The estimators' and models' params as the JVM reports them (name, Java accessor, value type,
 * documentation, whether the class has a setter, default), written as JSON into the application
 * jar by the build ({@value #RESOURCE}), so the Python wrappers define the same params at import
 * time without copying them by hand.
 *
 * <p>{@code java ParamTable OUTPUT_FILE}
 */
public final class ParamTable {

    /** Where the build puts the table in the jar; the Python package reads it from there. */
    public static final String RESOURCE = "dev/sparkprop/driver/ml/params.json";

    private ParamTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ParamTable OUTPUT_FILE");
        }
        File out = new File(args[0]);
        out.getParentFile().mkdirs();
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out, table());
    }

    /** Estimator and model class name to its params, in Spark's order (by name). */
    static Map<String, List<Map<String, Object>>> table() {
        Map<String, List<Map<String, Object>>> table = new LinkedHashMap<>();
        put(table, new SparkpropClassifier(), SparkpropClassificationModel.class);
        put(table, new SparkpropRegressor(), SparkpropRegressionModel.class);
        return table;
    }

    /**
     * The estimator's params, and its model's: the same params (a model holds what its estimator
     * was fitted with), without defaults, which a model takes from its estimator or its saved
     * form, and with the setters the model class has.
     */
    private static void put(Map<String, List<Map<String, Object>>> table, Params estimator, Class<?> model) {
        List<Map<String, Object>> rows = params(estimator);
        table.put(estimator.getClass().getName(), rows);
        List<Map<String, Object>> modelRows = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            String accessor = (String) row.get("accessor");
            try {
                model.getMethod(accessor);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(model.getSimpleName() + " lacks the accessor " + accessor + " of "
                        + estimator.getClass().getSimpleName() + "'s param " + row.get("name"), e);
            }
            Map<String, Object> modelRow = new LinkedHashMap<>(row);
            modelRow.remove("default");
            modelRow.put("setter", hasSetter(model, accessor));
            modelRows.add(modelRow);
        }
        table.put(model.getName(), modelRows);
    }

    /** Whether {@code type} has a public {@code setFoo(value)} for the accessor {@code foo}. */
    private static boolean hasSetter(Class<?> type, String accessor) {
        String setter = "set" + Character.toUpperCase(accessor.charAt(0)) + accessor.substring(1);
        return Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals(setter) && m.getParameterCount() == 1);
    }

    private static List<Map<String, Object>> params(Params owner) {
        Map<Param<?>, Method> accessors = accessors(owner);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Param<?> param : owner.params()) {
            Method accessor = accessors.get(param);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", param.name());
            row.put("accessor", accessor.getName());
            row.put("type", valueType(param, accessor));
            row.put("doc", param.doc());
            row.put("setter", hasSetter(owner.getClass(), accessor.getName()));
            if (owner.hasDefault(param)) {
                row.put("default", owner.getDefault(param).get());
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * Each param's name to the name users call it by, its accessor's: e.g. optimizer.learning_rate
     * to learningRate (setLearningRate in Java, learningRate in Python).
     */
    static Map<String, String> attributeNames(Params owner) {
        Map<String, String> names = new LinkedHashMap<>();
        accessors(owner).forEach((param, accessor) -> names.put(param.name(), accessor.getName()));
        return names;
    }

    /**
     * The public no-argument method that returns each param (Spark finds params the same way),
     * e.g. {@code learningRate} for {@code optimizer.learning_rate}: the wrappers' attribute names.
     */
    private static Map<Param<?>, Method> accessors(Params owner) {
        Map<Param<?>, Method> accessors = new LinkedHashMap<>();
        List<Method> methods = new ArrayList<>(List.of(owner.getClass().getMethods()));
        methods.sort(Comparator.comparing(Method::getName));
        for (Method m : methods) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == 0 && Param.class.isAssignableFrom(m.getReturnType())) {
                try {
                    Method previous = accessors.putIfAbsent((Param<?>) m.invoke(owner), m);
                    // A covariant override is the same accessor twice (one of them a bridge)
                    if (previous != null && !previous.getName().equals(m.getName())) {
                        throw new IllegalStateException("two accessors, " + previous.getName() + " and "
                                + m.getName() + ", return one param");
                    }
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot call " + m, e);
                }
            }
        }
        return accessors;
    }

    /** The type of the param's values: int, long, double, boolean, string, double[], string[] or int[]. */
    private static String valueType(Param<?> param, Method accessor) {
        if (param instanceof IntParam) {
            return "int";
        } else if (param instanceof LongParam) {
            return "long";
        } else if (param instanceof DoubleParam) {
            return "double";
        } else if (param instanceof BooleanParam) {
            return "boolean";
        } else if (param instanceof DoubleArrayParam) {
            return "double[]";
        } else if (param instanceof StringArrayParam) {
            return "string[]";
        } else if (param instanceof IntArrayParam) {
            return "int[]";
        } else if (accessor.getGenericReturnType() instanceof ParameterizedType p
                && p.getActualTypeArguments()[0] == String.class) {
            return "string";
        }
        throw new IllegalStateException("param " + param.name() + " (" + accessor.getGenericReturnType()
                + ") has a value type the Python wrappers do not know; add it to ParamTable and python/sparkprop");
    }
}
