package dev.sparkprop.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much CPU other processes took while a measurement ran, in cores: on a 2-core machine
 * any other work slows every figure, so the tables say when there was some. Linux only (reads
 * /proc/stat); NaN elsewhere.
 */
final class CpuMeter {

    /** /proc/stat counts in USER_HZ ticks, 100 per second on Linux. */
    private static final double NANOS_PER_TICK = 1e7;

    private final long wall;
    private final double busy;
    private final long process;

    private CpuMeter(long wall, double busy, long process) {
        this.wall = wall;
        this.busy = busy;
        this.process = process;
    }

    static CpuMeter start() {
        return new CpuMeter(System.nanoTime(), machineBusyNanos(), processCpuNanos());
    }

    /** Cores' worth of CPU used by other processes since {@link #start}. */
    double otherCores() {
        double machine = machineBusyNanos() - busy;
        double ours = processCpuNanos() - process;
        return Math.max(0, machine - ours) / (System.nanoTime() - wall);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Busy time of all CPUs: the first line of /proc/stat without idle and iowait. */
    private static double machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal ...
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
