package dev.sparkprop.driver.train;

import java.util.List;

/** The training package's classes that Spark ships between JVMs, for Kryo registration. */
public final class ShippedClasses {

    private ShippedClasses() {
    }

    public static List<Class<?>> all() {
        return List.of(FeatureStatistics.class, PreprocessingFitter.Statistics.class, TrainingData.Totals.class, TrainingData.RowKeys.class,
                DataProblems.class, DataProblems.Tally.class, DataProblems.Role.class, DataProblems.Kind.class,
                Evaluation.Sums.class, RoundSum.class, RoundSum[].class, NumericTable.Chunk.class, TextColumnValues.class);
    }
}
