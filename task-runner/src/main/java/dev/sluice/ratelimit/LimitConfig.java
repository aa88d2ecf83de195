package dev.sluice.ratelimit;

import dev.sluice.config.Durations;
import dev.sluice.config.SpecCheck;
import dev.sluice.ratelimit.internal.BucketShape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code limits:}: a named budget that every partition, run and job naming it shares,
 * across processes and machines (it lives in PostgreSQL).
 *
 * <ul>
 *   <li>{@code rates}: paced limits, {@code N/period}. Never more than N calls in ANY window of that
 *       length: a bucket of {@code burst} tokens (default 1) refilled smoothly at
 *       (N - burst)/period, so a full bucket plus a period's refill is exactly N. Periods up to 1h.
 *   <li>{@code quotas}: budgets per fixed period aligned to UTC ({@code 15000/1d} resets at 00:00
 *       UTC), usable at any pace. When one runs out, runs checkpoint and exit 75 with
 *       {@code resume_at} = the reset.
 * </ul>
 *
 * @param name     the shared budget's name, e.g. {@code crm-prod}: bucket key, span attribute,
 *                 metric label
 * @param rates    paced limits
 * @param quotas   fixed-period budgets
 * @param burst    tokens a paced limit may hand out at once (default 1: evenly spaced calls)
 * @param maxWait  the longest a call waits for a permit (default 5m); longer means exit 75
 * @param headroom fraction of each paced rate left unused (default 0.01), absorbing the jitter
 *                 between taking a permit and the request reaching the API
 */
public record LimitConfig(
        String name, List<String> rates, List<String> quotas, Integer burst, Duration maxWait, Double headroom) {
    static final Duration MAX_RATE_PERIOD = Duration.ofHours(1);

    public LimitConfig {
        rates = rates == null ? List.of() : List.copyOf(rates);
        quotas = quotas == null ? List.of() : List.copyOf(quotas);
        burst = burst == null ? 1 : burst;
        maxWait = maxWait == null ? Duration.ofMinutes(5) : maxWait;
        headroom = headroom == null ? 0.01 : headroom;
    }

    /** The parsed paced rates (call after {@link #check}). */
    public List<Rate> parsedRates() {
        return rates.stream().map(Rate::parse).toList();
    }

    /** The parsed quotas (call after {@link #check}). */
    public List<Rate> parsedQuotas() {
        return quotas.stream().map(Rate::parse).toList();
    }

    /**
     * The most units one call may cost (call after {@link #check}): the smallest capacity of its
     * bandwidths, the most its bucket ever grants at once. A paced rate's capacity is its
     * {@code burst}, or what the rate refills within a permit's validity when that is more (about
     * 2% of the rate); a quota's is its amount. Raise {@code burst} for calls that cost more.
     */
    public long maxCost() {
        double least = BucketShape.of(this).capacity().stream()
                .mapToDouble(Double::doubleValue)
                .min()
                .orElse(Integer.MAX_VALUE);
        return (long) Math.min(Math.floor(least), Integer.MAX_VALUE);
    }

    /** Checks the entry; {@code check} is positioned at it. */
    public void check(SpecCheck check) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_.-]{0,62}")) {
            check.fail("name", "is required: lower-case letters, digits, _ . - (e.g. crm-prod)");
        }
        if (rates.isEmpty() && quotas.isEmpty()) {
            check.fail("rates", "give at least one rate (e.g. rates: [50/1s]) or quota (e.g. quotas: [15000/1d])");
        }
        List<Rate> parsed = new ArrayList<>();
        for (int i = 0; i < rates.size(); i++) {
            Rate rate = parse(check, "rates/" + i, rates.get(i));
            if (rate == null) {
                continue;
            }
            if (rate.period().compareTo(MAX_RATE_PERIOD) > 0) {
                check.fail(
                        "rates/" + i,
                        "a budget per " + Durations.format(rate.period())
                                + " is a quota: move it under quotas (paced rates are for periods up to 1h)");
            } else if (burst >= rate.amount() * (1 - headroom)) {
                check.fail(
                        "burst",
                        "must be less than every rate's amount after headroom (" + rate + " with headroom " + headroom
                                + " leaves " + rate.amount() * (1 - headroom) + ")");
            }
            parsed.add(rate);
        }
        for (int i = 0; i < quotas.size(); i++) {
            parse(check, "quotas/" + i, quotas.get(i));
        }
        check.require(burst >= 1, "burst", "must be at least 1");
        check.require(!maxWait.isNegative(), "max_wait", "must be 0s or more");
        check.require(headroom >= 0 && headroom < 0.5, "headroom", "must be from 0 to 0.5 (a fraction, e.g. 0.02)");
    }

    private static Rate parse(SpecCheck check, String field, String text) {
        try {
            return Rate.parse(text);
        } catch (IllegalArgumentException e) {
            check.fail(field, e.getMessage());
            return null;
        }
    }
}
