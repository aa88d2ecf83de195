package dev.sluice.bench.internal;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * CPU time spent by a pass, on both sides: this JVM (every thread) and the PostgreSQL server
 * (every process {@code pg_stat_activity} lists: backends, WAL writer, checkpointer). CPU time
 * survives a loaded machine far better than wall time: 4 other builds on 2 cores stretch a pass's
 * wall time several-fold, its CPU time hardly. The server's side reads {@code /proc/PID/stat}, so
 * it is measured only where the server runs on this machine (the bench's embedded one); elsewhere
 * it is NaN.
 */
public final class CpuMeter {
    /** Linux's USER_HZ: /proc reports CPU time in ticks of 10 ms on every common build. */
    private static final double TICK_NANOS = 10_000_000;

    private final Jdbi jdbi;
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public CpuMeter(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** CPU nanoseconds so far: this process, and the server (NaN when its processes cannot be read). */
    public record Reading(long clientNanos, double serverNanos) {
        /** The CPU spent from {@code earlier} to this reading. */
        public Reading since(Reading earlier) {
            return new Reading(clientNanos - earlier.clientNanos, serverNanos - earlier.serverNanos);
        }
    }

    public Reading read() {
        return new Reading(os.getProcessCpuTime(), serverNanos());
    }

    private double serverNanos() {
        List<Integer> pids = jdbi.withHandle(h -> h.createQuery("SELECT pid FROM pg_stat_activity")
                .mapTo(Integer.class)
                .list());
        double ticks = 0;
        for (int pid : pids) {
            try {
                ticks += ticks(Files.readString(Path.of("/proc", Integer.toString(pid), "stat")));
            } catch (IOException | RuntimeException e) {
                return Double.NaN; // another machine's server, or no /proc: not measured rather than wrong
            }
        }
        return ticks * TICK_NANOS;
    }

    /** utime + stime: fields 14 and 15, counted after the command name's closing parenthesis. */
    static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
