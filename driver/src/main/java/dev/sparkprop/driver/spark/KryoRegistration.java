package dev.sparkprop.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import dev.sparkprop.driver.train.ShippedClasses;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.ExactSum;
import dev.sparkprop.nn.GradientSum;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;

/** Registers the classes sparkprop ships between JVMs, so Kryo writes ids rather than class names. */
public final class KryoRegistration implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(Block.class);
        kryo.register(GradientSum.class);
        // One-item arrays of sums, as mapPartitions(...).treeAggregate and Spark's own collect ship them
        kryo.register(GradientSum[].class);
        kryo.register(ExactSum.class);
        kryo.register(long[].class);
        kryo.register(int[].class);
        kryo.register(double[].class);
        kryo.register(double[][].class);
        // NumericTable's chunks of floats, and its value counts
        kryo.register(float[].class);
        kryo.register(java.util.HashMap.class);
        // DataProblems' lists
        kryo.register(java.util.ArrayList.class);
        // TrainingData.Totals' source partition sizes
        kryo.register(java.util.TreeMap.class);
        ShippedClasses.all().forEach(kryo::register);
        // Spark classes that sparkprop jobs and pipelines ship (reading a DataFrame, loading a saved
        // stage such as a StringIndexerModel, Spark ML's evaluators) but Spark leaves unregistered;
        // listed so spark.kryo.registrationRequired=true works for them.
        for (String name : SPARK_CLASSES) {
            try {
                kryo.register(Class.forName(name, false, Thread.currentThread().getContextClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Spark class " + name + " is missing; is this Spark 4.2?", e);
            }
        }
    }

    private static final String[] SPARK_CLASSES = {
        // evaluation metrics (AUC) and DataFrame reads
        "[Lorg.apache.spark.mllib.evaluation.binary.BinaryLabelCounter;",
        "org.apache.spark.mllib.evaluation.binary.BinaryLabelCounter",
        "org.apache.spark.sql.types.NullType$",
        // a Parquet dataset's schema, which a job reads from its files' footers: any column type it can hold,
        // whether or not the job reads that column
        "org.apache.spark.sql.types.BooleanType$",
        "org.apache.spark.sql.types.ByteType$",
        "org.apache.spark.sql.types.ShortType$",
        "org.apache.spark.sql.types.IntegerType$",
        "org.apache.spark.sql.types.LongType$",
        "org.apache.spark.sql.types.FloatType$",
        "org.apache.spark.sql.types.DoubleType$",
        "org.apache.spark.sql.types.DecimalType",
        "org.apache.spark.sql.types.StringType$",
        "org.apache.spark.sql.types.StringType",
        "org.apache.spark.sql.types.CharType",
        "org.apache.spark.sql.types.VarcharType",
        "org.apache.spark.sql.types.BinaryType$",
        "org.apache.spark.sql.types.DateType$",
        "org.apache.spark.sql.types.TimestampType$",
        "org.apache.spark.sql.types.TimestampNTZType$",
        "org.apache.spark.sql.types.TimeType",
        "org.apache.spark.sql.types.DayTimeIntervalType",
        "org.apache.spark.sql.types.YearMonthIntervalType",
        "org.apache.spark.sql.types.CalendarIntervalType$",
        "org.apache.spark.sql.types.VariantType$",
        "org.apache.spark.sql.types.ArrayType",
        "org.apache.spark.sql.types.MapType",
        "org.apache.spark.sql.types.StructType",
        "org.apache.spark.sql.types.StructField",
        "[Lorg.apache.spark.sql.types.StructField;",
        "[Lorg.apache.spark.sql.types.DataType;",
        "org.apache.spark.sql.types.Metadata",
        "[Lorg.apache.spark.sql.types.Metadata;",
        "org.apache.spark.ml.linalg.VectorUDT",
        // Spark ML's Summarizer, which RegressionEvaluator and StandardScaler aggregate
        "org.apache.spark.ml.stat.SummarizerBuffer",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeL1$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2n$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMean$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeWeightSum$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$Mean$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL1$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL2$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$Variance$",
    };

    /** Kryo as the serializer, with these registrations. */
    public static SparkConf configure(SparkConf conf) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", KryoRegistration.class.getName());
    }
}
