package dev.sparkprop.driver.config;

import java.util.List;
import java.util.Optional;

/**
 * The checkpoint keys ({@code training.checkpoint.*}). What each key means, its "" or 0
 * included, is in {@code reference.conf}.
 *
 * @param path            empty for ""
 * @param everyIterations its 0 is handled by {@link #due}
 */
public record CheckpointSection(Optional<String> path, int everyIterations, int keep) {

    public static final Setting<Optional<String>> PATH = Setting.optionalString("training.checkpoint.path").param();
    public static final Setting<Integer> EVERY_ITERATIONS = Setting.integer("training.checkpoint.every_iterations", 0,
            Integer.MAX_VALUE).param();
    public static final Setting<Integer> KEEP = Setting.integer("training.checkpoint.keep", 1, Integer.MAX_VALUE)
            .param();

    static final List<Setting<?>> SETTINGS = List.of(PATH, EVERY_ITERATIONS, KEEP);

    static CheckpointSection read(ConfigReader r) {
        return new CheckpointSection(PATH.read(r), EVERY_ITERATIONS.read(r), KEEP.read(r));
    }

    /**
     * Whether a checkpoint is due after the optimizer step that makes {@code iteration} steps:
     * at the end of every epoch, and every {@code everyIterations} steps unless that is 0.
     * Always false without a path.
     */
    public boolean due(long iteration, boolean epochEnded) {
        return due(iteration - 1, iteration, epochEnded);
    }

    /**
     * Whether a checkpoint is due after the optimizer steps that take the count from
     * {@code before} to {@code after} (several in a round of local steps): at the end of every
     * epoch, and when they reach a multiple of {@code everyIterations} unless that is 0.
     */
    public boolean due(long before, long after, boolean epochEnded) {
        return path.isPresent()
                && (epochEnded || everyIterations > 0 && after / everyIterations > before / everyIterations);
    }
}
