package dev.sluice.sandbox;

import java.util.Locale;

/** The faults the sandbox injects, as counted in {@link SandboxStats#faults()}. */
public enum FaultKind {
    /** 500 with a JSON error body (from {@link Faults#errorRate()}). */
    ERROR_500,
    /** 503 with a JSON error body (from {@link Faults#errorRate()}). */
    ERROR_503,
    /** The connection broke mid-body (from {@link Faults#resetRate()}). */
    RESET,
    /** 200 with truncated, invalid JSON (from {@link Faults#malformedRate()}). */
    MALFORMED,
    /** 503 because an outage window was active. */
    OUTAGE,
    /** 503 because the request fell in its partition's fail window (fail-first, fail-at). */
    PARTITION_FAILURE;

    /** The key in the stats JSON, e.g. {@code error_503}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
