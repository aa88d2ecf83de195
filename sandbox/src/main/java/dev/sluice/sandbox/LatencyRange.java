package dev.sluice.sandbox;

import java.time.Duration;

/**
 * A delay drawn uniformly from [min, max]. Text form: one duration ({@code 100ms}: always that) or
 * a range {@code 80ms~120ms}.
 *
 * @param min the shortest delay (&gt;= 0)
 * @param max the longest delay (&gt;= min)
 */
public record LatencyRange(Duration min, Duration max) {
    /** No delay. */
    public static final LatencyRange NONE = new LatencyRange(Duration.ZERO, Duration.ZERO);

    public LatencyRange {
        min = min == null ? Duration.ZERO : min;
        max = max == null ? min : max;
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new SandboxConfigException("latency range = " + DurationText.format(min) + "~"
                    + DurationText.format(max) + ": needs 0 <= min <= max");
        }
    }

    /** Parses {@code 100ms} or {@code 80ms~120ms}. */
    public static LatencyRange parse(String what, String text) {
        String t = text == null ? "" : text.trim();
        int tilde = t.indexOf('~');
        if (tilde < 0) {
            Duration d = DurationText.parse(what, t);
            return new LatencyRange(d, d);
        }
        Duration min = DurationText.parse(what, t.substring(0, tilde));
        Duration max = DurationText.parse(what, t.substring(tilde + 1));
        if (max.compareTo(min) < 0) {
            throw new SandboxConfigException(what + " = \"" + text + "\": the range must be MIN~MAX with MIN <= MAX");
        }
        return new LatencyRange(min, max);
    }

    /** The delay at {@code u} in [0, 1): min + u * (max - min). */
    public Duration at(double u) {
        long span = max.toNanos() - min.toNanos();
        return min.plusNanos((long) (span * u));
    }

    /** The text form, e.g. {@code 100ms} or {@code 80ms~120ms}. */
    @Override
    public String toString() {
        return min.equals(max) ? DurationText.format(min) : DurationText.format(min) + "~" + DurationText.format(max);
    }
}
