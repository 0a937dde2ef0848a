package dev.sparkprop.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import dev.sparkprop.driver.train.ShippedClasses;
import dev.sparkprop.nn.Block;
import dev.sparkprop.nn.GradientSum;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;

/** Registers the classes sparkprop ships between JVMs, so Kryo writes ids rather than class names. */
public final class KryoRegistration implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(Block.class);
        kryo.register(GradientSum.class);
        kryo.register(double[].class);
        kryo.register(double[][].class);
        ShippedClasses.all().forEach(kryo::register);
        // Spark SQL classes that reading and repartitioning a DataFrame (or loading a saved Spark ML
        // stage, such as a StringIndexerModel) ships but Spark leaves unregistered; listed so
        // spark.kryo.registrationRequired=true works for sparkprop jobs and pipelines.
        for (String name : SPARK_SQL_CLASSES) {
            try {
                kryo.register(Class.forName(name, false, Thread.currentThread().getContextClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Spark class " + name + " is missing; is this Spark 4.1?", e);
            }
        }
    }

    private static final String[] SPARK_SQL_CLASSES = {
        "[Lorg.apache.spark.mllib.evaluation.binary.BinaryLabelCounter;",
        "org.apache.spark.mllib.evaluation.binary.BinaryLabelCounter",
        "org.apache.spark.sql.types.NullType$",
        "[Lorg.apache.spark.sql.types.DataType;",
        "org.apache.spark.sql.types.ArrayType",
        "[Lorg.apache.spark.sql.types.Metadata;",
        "org.apache.spark.ml.linalg.VectorUDT",
    };

    /** Kryo as the serializer, with these registrations. */
    public static SparkConf configure(SparkConf conf) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", KryoRegistration.class.getName());
    }
}
