package dev.sluice;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a process's start goes, for measuring it: with {@code SLUICE_STARTUP_TRACE=1} every
 * {@link #mark} prints {@code startup <ms since exec>, cpu <process CPU ms>: <phase>} to stderr. The launcher exports its
 * own exec time ({@code SLUICE_EXEC_AT}, bash's {@code $EPOCHREALTIME}) in that mode, so the JVM's
 * own start-up is counted too; without it, times count from the JVM's start. Off (the default),
 * a mark costs one field read.
 */
public final class StartupTrace {
    private static final boolean ON = System.getenv("SLUICE_STARTUP_TRACE") != null;
    private static final long ORIGIN_MICROS = ON ? origin() : 0;
    private static final AtomicBoolean FIRST_CALL = new AtomicBoolean();

    private StartupTrace() {}

    /** Records that {@code phase} is reached now. */
    public static void mark(String phase) {
        if (ON) {
            long cpu = ProcessHandle.current()
                    .info()
                    .totalCpuDuration()
                    .map(d -> d.toMillis())
                    .orElse(-1L);
            System.err.printf(
                    "startup %8.1f ms, cpu %5d ms: %s%n", (micros(Instant.now()) - ORIGIN_MICROS) / 1000.0, cpu, phase);
        }
    }

    /** Marks the moment the process's first API request leaves (once per process). */
    public static void firstCall() {
        if (ON && FIRST_CALL.compareAndSet(false, true)) {
            mark("first API request");
        }
    }

    private static long origin() {
        String exec = System.getenv("SLUICE_EXEC_AT");
        if (exec != null && exec.matches("[0-9]+[.,][0-9]{6}")) {
            return Long.parseLong(exec.replaceAll("[.,]", ""));
        }
        return ProcessHandle.current()
                .info()
                .startInstant()
                .map(StartupTrace::micros)
                .orElse(0L);
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }
}
