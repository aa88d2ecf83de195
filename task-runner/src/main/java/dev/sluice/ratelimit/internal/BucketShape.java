package dev.sluice.ratelimit.internal;

import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.ratelimit.Rate;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where a limit's spec becomes the token bucket stored in its {@code sluice_limit}
 * row: one bandwidth per paced rate and per quota.
 *
 * <p>A paced rate N/W, with headroom h, becomes a bucket of capacity c refilled smoothly at
 * r = (N·(1 − h) − c) / (W + d), where d = max(W / 50, permit_validity) (default 20 ms) is how long a
 * granted permit stays usable. Any
 * span of W + d then grants at most c + r·(W + d) = N·(1 − h), and since every permit is used
 * within d of its grant, any window of W sees at most N·(1 − h) calls (README, "Batched permits").
 * c is the spec's {@code burst}, or what the rate refills within the standard d (max(W / 50, 20 ms))
 * when that is more (so a process can take a batch at high rates; below about 50/s it is the burst). A quota N/P is a bucket of N
 * refilled at every multiple of P since the epoch; permits never outlive the period they were
 * granted in.
 *
 * @param capacity    tokens each bandwidth holds at most
 * @param refillPerMs tokens a paced rate adds per millisecond (0 for quotas)
 * @param quotaMs     a quota's period in ms (0 for paced rates)
 * @param validityMs  d of a paced rate, in ms (0 for quotas)
 */
public record BucketShape(
        List<Double> capacity, List<Double> refillPerMs, List<Long> quotaMs, List<Double> validityMs) {
    /** d as a share of the rate's period: the share of the rate that batching costs. */
    public static final double VALIDITY_SHARE = 0.02;

    public static BucketShape of(LimitConfig limit) {
        List<Double> capacity = new ArrayList<>();
        List<Double> refill = new ArrayList<>();
        List<Long> quota = new ArrayList<>();
        List<Double> validity = new ArrayList<>();
        for (Rate rate : limit.parsedRates()) {
            double periodMs = rate.period().toNanos() / 1e6;
            double standard = Math.max(periodMs * VALIDITY_SHARE, LimitConfig.MIN_PERMIT_VALIDITY.toMillis());
            double d = Math.max(standard, limit.permitValidity().toNanos() / 1e6);
            double budget = rate.amount() * (1 - limit.headroom());
            // c from the standard d: a longer permit_validity (for late wakers) must not also grow
            // the bucket, which would cost pace twice; the proof holds for any c >= 1
            double c = Math.max(limit.burst(), Math.floor(budget * standard / (periodMs + standard)));
            capacity.add(c);
            refill.add((budget - c) / (periodMs + d));
            quota.add(0L);
            validity.add(d);
        }
        for (Rate q : limit.parsedQuotas()) {
            capacity.add((double) q.amount());
            refill.add(0.0);
            quota.add(q.period().toMillis());
            validity.add(0.0);
        }
        return new BucketShape(List.copyOf(capacity), List.copyOf(refill), List.copyOf(quota), List.copyOf(validity));
    }
}
