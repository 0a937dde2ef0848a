package dev.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkprop.driver.config.TrainingSection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochLoopTest {

    private static final TrainingSettings SKIPPING = TrainingSettings.builder("2,2:softmax", "cross_entropy")
            .optimizer("sgd").epochs(1).batchRows(1).set(TrainingSection.ON_NON_FINITE, "skip").build();

    private static EpochLoop.Outcome stepped(double loss) {
        return new EpochLoop.Outcome(1, loss, 0.1, 1, 1, null, 0, null);
    }

    private static final EpochLoop.Outcome FAULT = new EpochLoop.Outcome(1, Double.NaN, 0.1, 0, 0, "a NaN", 0, null);
    private static final EpochLoop.Outcome NO_WEIGHT = EpochLoop.Outcome.noStep(1, 0.1);

    /** The epoch's training loss when its one-step jobs come out so, and the steps counted as skipped. */
    private static double[] epochLoss(EpochLoop.Outcome... outcomes) {
        Iterator<EpochLoop.Outcome> next = List.of(outcomes).iterator();
        List<Double> losses = new ArrayList<>();
        DistributedTrainer.Result result = new EpochLoop(SparkTestSession.sc(), SKIPPING, "test", outcomes.length, 1)
                .run(TrainerState.start(new double[6], new double[0]), (p, s, epoch, step, n, iteration) -> next.next(),
                        (record, perEpoch) -> { }, (epoch, p, loss, accuracy) -> losses.add(loss),
                        (state, ended) -> { });
        return new double[] {losses.get(0), result.skipped()};
    }

    @Test
    void theEpochsLossIsTheMeanOfTheStepsTakenWhateverWasSkippedOrWeighedNothing() {
        assertEquals(3.0, epochLoss(stepped(2), FAULT, NO_WEIGHT, stepped(4))[0]);
        assertEquals(1.0, epochLoss(stepped(2), FAULT, NO_WEIGHT, stepped(4))[1], "only the fault is skipped");
        // Jobs that took no step before the first that did
        assertEquals(3.0, epochLoss(NO_WEIGHT, FAULT, stepped(5), stepped(1))[0]);
        assertEquals(3.0, epochLoss(stepped(3), stepped(3), stepped(3), stepped(3))[0]);
        assertTrue(Double.isNaN(epochLoss(FAULT, NO_WEIGHT)[0]), "no step taken: no loss, not 0");
    }
}
