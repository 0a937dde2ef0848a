package dev.sparkprop.nn.optim;

/** The learning rate as a function of the iteration; see {@link LearningRateSchedules}. */
public interface LearningRateSchedule {

    /**
     * The learning rate of 0-based {@code iteration}.
     *
     * @throws IllegalArgumentException when {@code iteration} is negative
     */
    double rate(long iteration);

    /**
     * The canonical spec, every argument written out, that {@link LearningRateSchedules#parse}
     * reads back to an equal schedule when given this schedule's base rate: the base rate is
     * not part of the name, it travels separately (the trainer's learning-rate option).
     */
    String name();
}
