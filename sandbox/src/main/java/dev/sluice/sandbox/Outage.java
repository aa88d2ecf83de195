package dev.sluice.sandbox;

import java.time.Duration;

/**
 * A span of time during which every API request gets 503, relative to the sandbox's start.
 * Text form {@code LENGTH@AFTER}: {@code 10s@30s} is a 10 s outage starting 30 s after start.
 *
 * @param after  how long after start the outage begins
 * @param length how long it lasts
 */
public record Outage(Duration after, Duration length) {
    public Outage {
        if (after == null || after.isNegative()) {
            throw new SandboxConfigException("outage start = " + after + ": must be zero or later");
        }
        if (length == null || length.isNegative() || length.isZero()) {
            throw new SandboxConfigException("outage length = " + length + ": must be > 0");
        }
    }

    /** Parses {@code LENGTH@AFTER}, e.g. {@code 10s@30s}; a bare {@code LENGTH} starts at once. */
    public static Outage parse(String text) {
        String t = text == null ? "" : text.trim();
        int at = t.indexOf('@');
        String length = at < 0 ? t : t.substring(0, at);
        String after = at < 0 ? "0" : t.substring(at + 1);
        return new Outage(
                DurationText.parse("outage \"" + text + "\" start", after),
                DurationText.parse("outage \"" + text + "\" length", length));
    }

    /** The text form, e.g. {@code 10s@30s}. */
    @Override
    public String toString() {
        return DurationText.format(length) + "@" + DurationText.format(after);
    }
}
