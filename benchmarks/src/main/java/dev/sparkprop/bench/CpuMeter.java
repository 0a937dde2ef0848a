package dev.sparkprop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU that processes other than the benchmark's took while a measurement ran, in cores: on a
 * 2-core machine any other work slows every figure, so the tables say when there was some. The
 * benchmark is this JVM, or a list of pids: on a standalone cluster on this machine the
 * executors are separate JVMs, and their work is the benchmark's, not a disturbance. Linux only
 * (reads /proc); NaN elsewhere.
 */
final class CpuMeter {

    /** /proc counts in USER_HZ ticks, 100 per second on Linux. */
    private static final double NANOS_PER_TICK = 1e7;

    private final List<Long> pids;
    private final long wall;
    private final double machine;
    private final double ours;

    private CpuMeter(List<Long> pids) {
        this.pids = List.copyOf(pids);
        this.wall = System.nanoTime();
        this.machine = machineBusyTicks();
        this.ours = processTicks(this.pids);
    }

    /** Starts measuring; {@code pids} are the benchmark's own processes (driver and executors). */
    static CpuMeter start(List<Long> pids) {
        return new CpuMeter(pids);
    }

    /** Starts measuring, with this JVM as the benchmark's only process. */
    static CpuMeter start() {
        return start(List.of(ProcessHandle.current().pid()));
    }

    /** Cores' worth of CPU used by processes not in the list since {@link #start}. */
    double otherCores() {
        double other = (machineBusyTicks() - machine) - (processTicks(pids) - ours);
        return Math.max(0, other) * NANOS_PER_TICK / (System.nanoTime() - wall);
    }

    /** Busy ticks of all CPUs: the first line of /proc/stat without idle and iowait. */
    private static double machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal ...
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** utime + stime of the processes; one that has gone counts as NaN, so the figure is not a guess. */
    private static double processTicks(List<Long> pids) {
        double ticks = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // The command name, in parentheses, may hold spaces: count fields after the last ')'.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }
        return ticks;
    }
}
