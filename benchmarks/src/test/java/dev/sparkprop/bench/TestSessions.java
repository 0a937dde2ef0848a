package dev.sparkprop.bench;

import dev.sparkprop.driver.spark.KryoRegistration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** A local[2] session on loopback for one benchmark test; the test stops it. */
final class TestSessions {

    private TestSessions() {
    }

    static SparkSession local(String appName) {
        SparkConf conf = KryoRegistration.configure(new SparkConf())
                .setMaster("local[2]")
                .setAppName(appName)
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
