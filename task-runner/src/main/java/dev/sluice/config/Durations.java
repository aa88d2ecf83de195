package dev.sluice.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in specs: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");
    /**
     * The longest duration a spec may give. Durations become database intervals and deadlines
     * (lease expiry, breaker openings, permit waits); beyond a year they would overflow those, and
     * no setting needs one.
     */
    public static final Duration MAX = Duration.ofDays(366);

    private Durations() {}

    /** Parses a duration, or explains the accepted form. */
    public static Duration parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("expected a duration like 500ms, 30s, 5m, 2h or 1d");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("expected a duration of at most 366d");
        }
        return duration;
    }

    /** The shortest way to write a duration in that form (for messages and summaries). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1_000 == 0) return ms / 1_000 + "s";
        return ms + "ms";
    }
}
