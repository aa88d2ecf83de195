package dev.sluice.sandbox;

/** How a sandbox limit counts requests. */
public enum LimitMode {
    /** At most {@code count} requests per window; windows are aligned to the epoch (1 s windows start on whole seconds). */
    WINDOW,
    /** Token bucket: holds up to {@code capacity} tokens, refilled greedily at {@code count} per period. */
    BUCKET;

    /** Lower-case name used in limit specs, e.g. {@code bucket:50/1s}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@code window} or {@code bucket} (any case). */
    public static LimitMode parse(String text) {
        for (LimitMode mode : values()) {
            if (mode.label().equalsIgnoreCase(text.trim())) {
                return mode;
            }
        }
        throw new SandboxConfigException("limit mode = \"" + text + "\": must be window or bucket");
    }
}
