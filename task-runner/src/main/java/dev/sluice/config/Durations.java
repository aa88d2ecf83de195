package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in specs: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h},
 * {@code 1d}, and compounds with units from largest to smallest, each at most once: {@code 1h30m},
 * {@code 2m30s}, {@code 1d12h}. Spaces, tabs and newlines are allowed around the whole text only;
 * {@code 0s} is a duration; the longest is {@link #MAX}. The DAGs parse the same grammar
 * ({@code dags/sluice_airflow/spec.py}); both are tested with the vectors in
 * {@code src/test/resources/durations.txt}.
 */
public final class Durations {
    /** The longest duration a spec may give: 3650 days. */
    public static final Duration MAX = Duration.ofDays(3650);

    private static final Pattern FORM = Pattern.compile("[ \\t\\r\\n]*((?:[0-9]+(?:ms|s|m|h|d))+)[ \\t\\r\\n]*");
    private static final Pattern TERM = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");
    private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};

    private Durations() {}

    /** Parses a duration, or explains the rule it breaks. */
    public static Duration parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("expected a duration like 500ms, 30s, 5m, 1h30m or 1d");
        }
        long total = 0;
        int last = -1;
        Matcher term = TERM.matcher(m.group(1));
        while (term.find()) {
            int unit = UNITS.indexOf(term.group(2));
            if (unit <= last) {
                throw new IllegalArgumentException(
                        "expected units from largest to smallest, each at most once: 1h30m, not 30m1h");
            }
            last = unit;
            total = add(total, term.group(1), UNIT_MILLIS[unit]);
        }
        return Duration.ofMillis(total);
    }

    // Compares before multiplying, so that no number of digits can overflow.
    private static long add(long total, String digits, long unitMillis) {
        String significant = digits.replaceFirst("^0+(?=.)", "");
        long room = (MAX.toMillis() - total) / unitMillis;
        if (significant.length() > 15 || Long.parseLong(significant) > room) {
            throw new IllegalArgumentException("expected a duration of at most " + MAX.toDays() + "d");
        }
        return total + Long.parseLong(significant) * unitMillis;
    }

    /**
     * The shortest way to write a duration with a single unit (for messages and summaries): {@code
     * 90m}, {@code 1500ms}. Every result parses back to the same duration.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1_000 == 0) return ms / 1_000 + "s";
        return ms + "ms";
    }
}
