package dev.sluice.ratelimit;

import dev.sluice.config.Durations;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "N per period", as written in specs: {@code 50/1s}, {@code 100/10s}, {@code 15000/1d}; a bare
 * unit means one of it ({@code 50/s}, {@code 1000/m}).
 *
 * @param amount how many calls
 * @param period per how long
 */
public record Rate(long amount, Duration period) {
    private static final Pattern FORM = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d*)\\s*(ms|s|m|h|d)\\s*");

    public Rate {
        if (amount < 1) {
            throw new IllegalArgumentException("the amount must be at least 1");
        }
        if (!period.isPositive()) {
            throw new IllegalArgumentException("the period must be more than 0s");
        }
    }

    /** Parses {@code N/period}, or explains the form. */
    public static Rate parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("expected N/period like 50/1s, 100/10s, 1000/1m or 15000/1d");
        }
        String count = m.group(2).isEmpty() ? "1" : m.group(2);
        return new Rate(Long.parseLong(m.group(1)), Durations.parse(count + m.group(3)));
    }

    /** Calls per second, for utilisation figures. */
    public double perSecond() {
        return amount * 1_000_000_000.0 / period.toNanos();
    }

    @Override
    public String toString() {
        return amount + "/" + Durations.format(period);
    }
}
