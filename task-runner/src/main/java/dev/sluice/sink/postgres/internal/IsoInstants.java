package dev.sluice.sink.postgres.internal;

import java.time.DateTimeException;
import java.time.LocalDateTime;

/**
 * A fast check for the timestamps APIs send most: {@code 2026-11-01T10:00:00Z} and
 * {@code 2026-11-01T10:00:00.123456Z} (UTC, up to nanoseconds). Checking them by hand costs a
 * fraction of {@code Instant.parse}; anything else takes the full parser.
 */
final class IsoInstants {
    private static final int[] DIGITS = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};

    private IsoInstants() {}

    static boolean canonical(String t) {
        int n = t.length();
        if (n < 20
                || n > 30
                || t.charAt(n - 1) != 'Z'
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':') {
            return false;
        }
        if (n > 20 && (t.charAt(19) != '.' || n == 21)) {
            return false;
        }
        for (int i : DIGITS) {
            if (!digit(t.charAt(i))) {
                return false;
            }
        }
        for (int i = 20; i < n - 1; i++) {
            if (!digit(t.charAt(i))) {
                return false;
            }
        }
        if (num(t, 0, 4) < Values.MIN_YEAR) {
            return false; // year 0000: PostgreSQL refuses it; the full parser explains
        }
        try {
            LocalDateTime.of(num(t, 0, 4), num(t, 5, 7), num(t, 8, 10), num(t, 11, 13), num(t, 14, 16), num(t, 17, 19));
            return true;
        } catch (DateTimeException e) {
            return false; // 2026-02-30: not a date; the full parser explains
        }
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int num(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (t.charAt(i) - '0');
        }
        return v;
    }
}
