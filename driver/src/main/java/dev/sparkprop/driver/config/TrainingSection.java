package dev.sparkprop.driver.config;

import dev.sparkprop.nn.Precision;
import dev.sparkprop.nn.optim.OuterOptimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The training keys ({@code training.*}), parsed, with early stopping and checkpoints. What
 * each key means, its 0 included, is in {@code reference.conf}.
 *
 * @param batchRows          training.batch_rows, whose 0 {@code DistributedTrainer.fit} handles
 * @param iterationsPerEpoch training.iterations_per_epoch, whose 0 {@code DistributedTrainer.fit}
 *                           handles
 * @param classWeights       training.class_weights; {@link ClassWeights#none} for ""
 * @param skipNonFinite      whether training.on_non_finite is "skip"
 * @param localSteps         training.local_steps: optimizer steps each task takes per Spark job
 * @param outerOptimizer     training.outer_optimizer, which combines a round of local steps
 */
public record TrainingSection(int epochs, int batchRows, int iterationsPerEpoch, int blockRows, Precision precision,
                              long seed, EarlyStoppingSection earlyStopping, ClassWeights classWeights,
                              boolean skipNonFinite, CheckpointSection checkpoint, int localSteps,
                              OuterOptimizer outerOptimizer) {

    public static final Setting<Integer> EPOCHS = Setting.integer("training.epochs", 1, Integer.MAX_VALUE).param();
    public static final Setting<Integer> BATCH_ROWS = Setting.integer("training.batch_rows", 0, Integer.MAX_VALUE)
            .param();
    public static final Setting<Integer> ITERATIONS_PER_EPOCH = Setting.integer("training.iterations_per_epoch", 0,
            Integer.MAX_VALUE).param();
    public static final Setting<Integer> BLOCK_ROWS = Setting.integer("training.block_rows", 1, 1_000_000).param();
    public static final Setting<Precision> PRECISION = Setting.choice("training.precision",
            List.of("float32", "float64"), Precision::parse).param();
    public static final Setting<Long> SEED = Setting.whole("training.seed").param();
    public static final Setting<ClassWeights> CLASS_WEIGHTS = Setting.spec("training.class_weights",
            ClassWeights::parse).classifierParam();
    public static final Setting<Boolean> ON_NON_FINITE = Setting.choice("training.on_non_finite",
            List.of("stop", "skip"), "skip"::equals).param();

    public static final Setting<Integer> LOCAL_STEPS = Setting.integer("training.local_steps", 1, 1_000_000).param();
    public static final Setting<OuterOptimizer> OUTER_OPTIMIZER = Setting.spec("training.outer_optimizer",
            OuterOptimizer::parse).param();

    static final List<Setting<?>> SETTINGS = settings();

    static TrainingSection read(ConfigReader r) {
        return new TrainingSection(EPOCHS.read(r), BATCH_ROWS.read(r), ITERATIONS_PER_EPOCH.read(r),
                BLOCK_ROWS.read(r), PRECISION.read(r), SEED.read(r), EarlyStoppingSection.read(r),
                CLASS_WEIGHTS.read(r), ON_NON_FINITE.read(r), CheckpointSection.read(r), LOCAL_STEPS.read(r),
                OUTER_OPTIMIZER.read(r));
    }

    /** In the reference's order, early stopping's and checkpoints' keys where their blocks are. */
    private static List<Setting<?>> settings() {
        List<Setting<?>> settings = new ArrayList<>(List.of(EPOCHS, BATCH_ROWS, ITERATIONS_PER_EPOCH, LOCAL_STEPS,
                OUTER_OPTIMIZER, BLOCK_ROWS, PRECISION, SEED));
        settings.addAll(EarlyStoppingSection.SETTINGS);
        settings.addAll(List.of(CLASS_WEIGHTS, ON_NON_FINITE));
        settings.addAll(CheckpointSection.SETTINGS);
        return List.copyOf(settings);
    }
}
