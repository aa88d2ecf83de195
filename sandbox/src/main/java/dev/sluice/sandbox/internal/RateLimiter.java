package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.LimitSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Every limit at once, exact under concurrency: one lock, and the time is read inside it, so
 * admissions happen in time order and no window ever admits more than its count.
 *
 * <p>A refusal announces {@code Retry-After}, rounded up to whole seconds (and to at least the
 * floor), and remembers the deadline it set; it does not consume quota. Any request before the
 * latest deadline is early: it is refused with the time left, and it does not move the deadline,
 * so clients that each honour their own {@code Retry-After} cannot lock each other out.
 *
 * <p>Unit limits (e.g. tokens per minute) sit beside the request limits: a request takes one from
 * every request limit and its cost from every unit limit, all or nothing, under the same lock and
 * the same deadline.
 */
final class RateLimiter {
    private static final long SECOND = 1_000_000_000L;

    private final List<Bandwidth> bandwidths;
    private final List<String> names;
    private final int requestLimits;
    private final long maxCost;
    private final LimitUsage usage;
    private final long floorNanos;
    private final InstantSource clock;
    private final String policyHeader;
    private long last = Long.MIN_VALUE;
    private long deadline = Long.MIN_VALUE;

    RateLimiter(List<LimitSpec> limits, Duration retryAfterFloor, InstantSource clock) {
        this(limits, List.of(), retryAfterFloor, clock, LimitUsage.NONE);
    }

    /** Request limits and unit limits; {@code usage} hears every admission, in time order. */
    RateLimiter(
            List<LimitSpec> limits,
            List<LimitSpec> unitLimits,
            Duration retryAfterFloor,
            InstantSource clock,
            LimitUsage usage) {
        this.clock = clock;
        long now = nanos(clock.instant());
        List<LimitSpec> all =
                Stream.concat(limits.stream(), unitLimits.stream()).toList();
        this.bandwidths = all.stream().map(spec -> Bandwidth.of(spec, now)).toList();
        this.requestLimits = limits.size();
        this.names = IntStream.range(0, all.size())
                .mapToObj(i -> i < limits.size() ? name(all.get(i), i) : unitName(all.get(i), i - limits.size()))
                .toList();
        this.maxCost = unitLimits.stream().mapToLong(LimitSpec::capacity).min().orElse(Long.MAX_VALUE);
        this.usage = usage;
        this.floorNanos = retryAfterFloor.toNanos();
        this.policyHeader = IntStream.range(0, limits.size())
                .mapToObj(i -> "\"%s\";q=%d;w=%d"
                        .formatted(
                                names.get(i),
                                limits.get(i).count(),
                                seconds(limits.get(i).period())))
                .collect(Collectors.joining(", "));
    }

    /** The {@code RateLimit-Policy} header value; empty when there are no limits. */
    String policyHeader() {
        return policyHeader;
    }

    /** The largest cost any request can ever be admitted with: the smallest unit limit's capacity. */
    long maxCost() {
        return maxCost;
    }

    synchronized Decision acquire() {
        return acquire(0);
    }

    /** Admits a request that costs {@code cost} units (0 for none, at most {@link #maxCost()}). */
    synchronized Decision acquire(long cost) {
        long now = Math.max(last, nanos(clock.instant()));
        last = now;
        if (now < deadline) {
            return refuse(now, ceilSeconds(deadline - now), tightest(now), true);
        }
        int gating = -1;
        long wait = 0;
        for (int i = 0; i < bandwidths.size(); i++) {
            long w = bandwidths.get(i).waitNanos(now, amount(i, cost));
            if (w > wait) {
                wait = w;
                gating = i;
            }
        }
        if (gating < 0) {
            for (int i = 0; i < bandwidths.size(); i++) {
                admit(i, now, amount(i, cost));
            }
            int t = tightest(now);
            return new Decision(
                    now,
                    true,
                    false,
                    0,
                    t < 0 ? null : quota(t, now, bandwidths.get(t).resetNanos(now)));
        }
        long retryAfter = ceilSeconds(Math.max(wait, floorNanos));
        deadline = now + retryAfter * SECOND;
        return refuse(now, retryAfter, gating, false);
    }

    private long amount(int limit, long cost) {
        return limit < requestLimits ? 1 : cost;
    }

    private void admit(int limit, long now, long amount) {
        Bandwidth b = bandwidths.get(limit);
        b.consume(now, amount);
        if (amount > 0) {
            usage.admitted(names.get(limit), limit < requestLimits ? "requests" : "units", b.spec(), now, amount);
        }
    }

    private Decision refuse(long now, long retryAfter, int limit, boolean early) {
        Quota q = limit < 0
                ? null
                : new Quota(
                        names.get(limit),
                        bandwidths.get(limit).spec().count(),
                        seconds(bandwidths.get(limit).spec().period()),
                        0,
                        retryAfter);
        return new Decision(now, false, early, retryAfter, q);
    }

    private Quota quota(int i, long now, long resetNanos) {
        Bandwidth b = bandwidths.get(i);
        return new Quota(
                names.get(i), b.spec().count(), seconds(b.spec().period()), b.remaining(now), ceilSeconds(resetNanos));
    }

    private int tightest(long now) {
        int best = -1;
        for (int i = 0; i < requestLimits; i++) {
            if (best < 0
                    || bandwidths.get(i).remaining(now) < bandwidths.get(best).remaining(now)) {
                best = i;
            }
        }
        return best;
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * SECOND + t.getNano();
    }

    private static long ceilSeconds(long nanos) {
        return Math.max(1, Math.ceilDiv(nanos, SECOND));
    }

    private static long seconds(Duration period) {
        return Math.max(1, Math.ceilDiv(period.toNanos(), SECOND));
    }

    private static String name(LimitSpec spec, int index) {
        return spec.name() != null ? spec.name() : index == 0 ? "default" : "limit" + (index + 1);
    }

    private static String unitName(LimitSpec spec, int index) {
        return spec.name() != null ? spec.name() : index == 0 ? "units" : "units" + (index + 1);
    }
}
