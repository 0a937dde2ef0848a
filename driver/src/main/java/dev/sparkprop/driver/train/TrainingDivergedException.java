package dev.sparkprop.driver.train;

/**
 * A step's loss or gradient was NaN or infinite and training.on_non_finite is "stop": the run
 * ends, its message naming the step and the likely cause. Not bad input (the job was valid), so
 * the CLI exits 1 with the message and no stack trace.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long iteration;
    private final String fault;
    private final String newestCheckpoint;

    public TrainingDivergedException(long iteration, String message) {
        this(iteration, message, null, null);
    }

    /** @param resume how to go on from {@code newestCheckpoint}, e.g. "sparkprop train --resume ... continues" */
    private TrainingDivergedException(long iteration, String fault, String newestCheckpoint, String resume) {
        super(newestCheckpoint == null ? fault : fault + ". The newest checkpoint, " + newestCheckpoint + ", is from"
                + " before it: " + resume);
        this.iteration = iteration;
        this.fault = fault;
        this.newestCheckpoint = newestCheckpoint;
    }

    /** This fault, with how to go on from {@code checkpoint}, a checkpoint written before it, told in the CLI's words. */
    public TrainingDivergedException resumableFrom(String checkpoint) {
        return told(fault, checkpoint, "sparkprop train --resume " + checkpoint
                + " --set optimizer.learning_rate=<lower> continues from there");
    }

    /** This fault told as {@code fault}, with {@code resume} for how to go on from its newest checkpoint, if any. */
    public TrainingDivergedException told(String fault, String resume) {
        return told(fault, newestCheckpoint, resume);
    }

    private TrainingDivergedException told(String fault, String checkpoint, String resume) {
        TrainingDivergedException e = new TrainingDivergedException(iteration, fault, checkpoint, resume);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The message without the resume advice: which step failed, why, and what to try. */
    public String fault() {
        return fault;
    }

    /** What to try, after a message naming the fault: what a diverged run's message ends with. */
    static String advice(double learningRate) {
        return "; the weights are left as they were before it. Likely causes: a learning rate too high for these"
                + " data (optimizer.learning_rate = " + learningRate + "), or inputs far from unit scale"
                + " (data.standardize). Lower the learning rate or set optimizer.clip_norm;"
                + " training.on_non_finite = \"skip\" skips such steps instead";
    }

    /** The step (1-based) that failed; the weights are those from before it. */
    public long iteration() {
        return iteration;
    }
}
