package dev.sparkprop.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import dev.sparkprop.driver.train.FeatureStatistics;
import dev.sparkprop.driver.train.Standardizer;
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
        kryo.register(FeatureStatistics.class);
        kryo.register(Standardizer.class);
        kryo.register(double[].class);
        kryo.register(double[][].class);
    }

    /** Kryo as the serializer, with these registrations. */
    public static SparkConf configure(SparkConf conf) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", KryoRegistration.class.getName());
    }
}
