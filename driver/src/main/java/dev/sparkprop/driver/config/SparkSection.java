package dev.sparkprop.driver.config;

import java.util.List;

/**
 * The Spark keys ({@code spark.*}): how the work is spread. What each key means, its 0
 * included, is in {@code reference.conf}.
 *
 * @param partitions       spark.partitions, whose 0 {@code TrainingData.forTraining} handles
 * @param aggregationDepth spark.aggregation_depth, whose 0 {@code DistributedTrainer.aggregationDepth}
 *                         handles
 */
public record SparkSection(int partitions, int aggregationDepth) {

    public static final Setting<Integer> PARTITIONS = Setting.integer("spark.partitions", 0, Integer.MAX_VALUE)
            .param();
    public static final Setting<Integer> AGGREGATION_DEPTH = Setting.integer("spark.aggregation_depth", 0,
            Integer.MAX_VALUE).param();

    static final List<Setting<?>> SETTINGS = List.of(PARTITIONS, AGGREGATION_DEPTH);

    static SparkSection read(ConfigReader r) {
        return new SparkSection(PARTITIONS.read(r), AGGREGATION_DEPTH.read(r));
    }
}
