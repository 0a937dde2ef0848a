package dev.sparkprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SparkpropRaceTest {

    @Test
    void jobPartsSplitsEachJobAndLeavesTheRestToTheDriver() {
        // Two jobs of 100 and 140 ms (10 + 80 + 10, 20 + 100 + 20) in 0.3 s of training: 30 ms each between them
        List<TaskTimes.Timeline> jobs = List.of(new TaskTimes.Timeline(1000, 1010, 1090, 1100),
                new TaskTimes.Timeline(2000, 2020, 2120, 2140));
        TaskTimes.Job tasks = new TaskTimes.Job(2, 0.085, 0.002, 0.075, 0.001, 0, 1e6);
        assertEquals("2 training jobs of 120.0 ms: 15.0 before the first task, 90.0 of tasks (each running 75.0 on"
                + " average), 15.0 after the last; the driver's own 30.0 ms per job between them",
                SparkpropRace.jobParts(jobs, tasks, 0.3));
    }

    @Test
    void jobPartsSaysWhenNoJobWasTimed() {
        assertEquals("no Spark job was timed", SparkpropRace.jobParts(List.of(), null, 1));
    }
}
