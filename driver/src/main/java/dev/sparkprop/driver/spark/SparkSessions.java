package dev.sparkprop.driver.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession a command runs in. */
public final class SparkSessions {

    private SparkSessions() {
    }

    /**
     * The session spark-submit configured (its master comes in as {@code spark.master}), or a
     * {@code local[*]} one when run directly; Kryo with sparkprop's registrations either way.
     */
    public static SparkSession getOrCreate(String appName) {
        SparkConf conf = KryoRegistration.configure(new SparkConf().setAppName(appName));
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
