package dev.sluice.sink.postgres.internal;

import java.time.LocalDate;

/**
 * A checked UTC timestamp, {@code 2026-11-01T10:00:00Z} or with a fraction of 1-9 digits (what
 * the sink's conversion leaves of every timestamp), as PostgreSQL's internal value: microseconds
 * since 2000-01-01 00:00:00 UTC. The fraction is rounded exactly as {@code timestamptz_in} does it
 * ({@code rint(strtod(".fraction") * 1000000)}: the same double arithmetic, half to even), so a
 * value sent this way is the value the text would have become.
 */
final class IsoMicros {
    private static final long Y2K_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private IsoMicros() {}

    static long sinceY2k(String t) {
        if (t.length() < 20 || t.charAt(t.length() - 1) != 'Z' || t.charAt(10) != 'T') {
            throw new IllegalArgumentException("not a checked UTC timestamp: " + t);
        }
        long days = LocalDate.of(num(t, 0, 4), num(t, 5, 7), num(t, 8, 10)).toEpochDay() - Y2K_EPOCH_DAY;
        long seconds = days * 86_400L + num(t, 11, 13) * 3_600L + num(t, 14, 16) * 60L + num(t, 17, 19);
        long fraction = 0;
        if (t.length() > 20) {
            fraction = (long) Math.rint(Double.parseDouble("0" + t.substring(19, t.length() - 1)) * MICROS_PER_SECOND);
        }
        return seconds * MICROS_PER_SECOND + fraction;
    }

    private static int num(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a checked UTC timestamp: " + t);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
