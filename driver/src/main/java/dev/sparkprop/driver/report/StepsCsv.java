package dev.sparkprop.driver.report;

import dev.sparkprop.driver.train.DistributedTrainer.Iteration;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-step record of a training run as CSV, one row per optimizer step: {@code iteration}
 * (from 1), {@code epoch} (from 1, as in history.csv), {@code step} (in the epoch, from 1),
 * {@code rows} of its batch, its mean {@code loss} before the step, the {@code learning_rate} it
 * took, its wall time in {@code seconds}, and whether it was {@code skipped} as non-finite. With
 * training.local_steps > 1, one row per job, numbered by its last step, with the rows, mean loss
 * and time of all its steps and the learning rate of its first.
 * Numbers are written in a form that parses back to the identical value, so a checkpoint can
 * carry the record and a resumed run's report still has the steps before the checkpoint.
 */
public final class StepsCsv {

    static final String HEADER = "iteration,epoch,step,rows,loss,learning_rate,seconds,skipped";

    private StepsCsv() {
    }

    public static String format(List<Iteration> steps) {
        StringBuilder csv = new StringBuilder(HEADER.length() + 1 + 64 * steps.size()).append(HEADER).append('\n');
        for (Iteration s : steps) {
            csv.append(s.iteration()).append(',').append(s.epoch() + 1).append(',').append(s.step()).append(',')
                    .append(s.rows()).append(',').append(s.loss()).append(',').append(s.learningRate()).append(',')
                    .append(s.seconds()).append(',').append(s.skipped()).append('\n');
        }
        return csv.toString();
    }

    /**
     * Reads what {@link #format} wrote: consecutive iterations.
     *
     * @throws IllegalArgumentException naming {@code source}, the line and the problem
     */
    public static List<Iteration> parse(String text, String source) {
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new IllegalArgumentException(source + ": the first line must be " + HEADER);
        }
        List<Iteration> steps = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty() && i == lines.length - 1) {
                break;
            }
            String[] f = lines[i].split(",", -1);
            try {
                if (f.length != 8 || !(f[7].equals("true") || f[7].equals("false"))) {
                    throw new NumberFormatException("expected " + HEADER);
                }
                Iteration step = new Iteration(Long.parseLong(f[0]), Integer.parseInt(f[1]) - 1,
                        Integer.parseInt(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[4]),
                        Double.parseDouble(f[5]), Double.parseDouble(f[6]), Boolean.parseBoolean(f[7]));
                // Consecutive at training.local_steps = 1; k apart (a record per job) at k > 1
                if (!steps.isEmpty() && step.iteration() <= steps.get(steps.size() - 1).iteration()) {
                    throw new NumberFormatException("iteration " + step.iteration() + " does not come after "
                            + steps.get(steps.size() - 1).iteration());
                }
                steps.add(step);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + " is not a step record: "
                        + e.getMessage());
            }
        }
        return steps;
    }
}
