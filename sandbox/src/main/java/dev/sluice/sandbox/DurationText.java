package dev.sluice.sandbox;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Short durations as people write them: {@code 500ms}, {@code 1s}, {@code 10s}, {@code 5m},
 * {@code 1h}, {@code 1d}. A bare {@code 0} is zero. ISO-8601 ({@code PT1.5S}) is accepted too.
 */
public final class DurationText {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private DurationText() {}

    /**
     * Parses a duration.
     *
     * @param what names the setting in the error message, e.g. {@code "latency"}
     * @throws SandboxConfigException if the text is not a duration or is negative
     */
    public static Duration parse(String what, String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            return of(Long.parseLong(m.group(1)), m.group(2));
        }
        try {
            Duration d = Duration.parse(t);
            if (!d.isNegative()) {
                return d;
            }
        } catch (RuntimeException notIso) {
            // fall through to the one message below
        }
        throw new SandboxConfigException(
                what + " = \"" + text + "\": must be a number followed by ms, s, m, h or d (e.g. 250ms, 10s, 1h)");
    }

    /** The shortest exact text for a duration: {@code 1h}, {@code 90s}, {@code 250ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        for (String unit : new String[] {"d", "h", "m", "s"}) {
            long size = of(1, unit).toMillis();
            if (ms % size == 0) {
                return ms / size + unit;
            }
        }
        return ms + "ms";
    }

    private static Duration of(long amount, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
