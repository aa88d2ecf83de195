package dev.sluice.run;

import java.util.Map;

/**
 * Failpoints for crash tests: {@code SLUICE_CRASH_AT=<point>:<page>} halts the JVM (as abruptly as
 * SIGKILL: no shutdown hooks, no rollback sent, exit 137) when the run reaches {@code point} on its
 * {@code page}-th page. Points: {@code after_read} (page fetched, nothing written),
 * {@code before_commit} (a page without dead letters: its one round trip about to be sent; with dead
 * letters: sink rows and watermark written, transaction still open),
 * {@code after_commit} (committed, next page not started). Unset in production: one map lookup.
 */
final class CrashPoints {
    private final String point;
    private final long page;

    private CrashPoints(String point, long page) {
        this.point = point;
        this.page = page;
    }

    static CrashPoints from(Map<String, String> env) {
        String spec = env.get("SLUICE_CRASH_AT");
        if (spec == null || !spec.contains(":")) {
            return new CrashPoints(null, -1);
        }
        String[] parts = spec.split(":", 2);
        return new CrashPoints(parts[0], Long.parseLong(parts[1].trim()));
    }

    /** Halts if this is the configured point and page (1-based, counted within this process). */
    void reach(String here, long pageOfThisRun) {
        if (here.equals(point) && pageOfThisRun == page) {
            System.err.println("SLUICE_CRASH_AT: halting at " + here + " of page " + pageOfThisRun);
            Runtime.getRuntime().halt(137);
        }
    }
}
