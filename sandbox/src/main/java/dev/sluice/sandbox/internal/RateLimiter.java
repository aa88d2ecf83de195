package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.LimitSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Every limit at once, exact under concurrency: one lock, and the time is read inside it, so
 * admissions happen in time order and no window ever admits more than its count.
 *
 * <p>A refusal announces {@code Retry-After}, rounded up to whole seconds (and to at least the
 * floor), and remembers the deadline it set; it does not consume quota. Any request before the
 * latest deadline is early: it is refused with the time left, and it does not move the deadline,
 * so clients that each honour their own {@code Retry-After} cannot lock each other out.
 */
final class RateLimiter {
    private static final long SECOND = 1_000_000_000L;

    private final List<Bandwidth> bandwidths;
    private final List<String> names;
    private final long floorNanos;
    private final InstantSource clock;
    private final String policyHeader;
    private long last = Long.MIN_VALUE;
    private long deadline = Long.MIN_VALUE;

    RateLimiter(List<LimitSpec> limits, Duration retryAfterFloor, InstantSource clock) {
        this.clock = clock;
        long now = nanos(clock.instant());
        this.bandwidths = limits.stream().map(spec -> Bandwidth.of(spec, now)).toList();
        this.names = IntStream.range(0, limits.size())
                .mapToObj(i -> name(limits.get(i), i))
                .toList();
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

    synchronized Decision acquire() {
        long now = Math.max(last, nanos(clock.instant()));
        last = now;
        if (now < deadline) {
            return refuse(now, ceilSeconds(deadline - now), tightest(now), true);
        }
        int gating = -1;
        long wait = 0;
        for (int i = 0; i < bandwidths.size(); i++) {
            long w = bandwidths.get(i).waitNanos(now);
            if (w > wait) {
                wait = w;
                gating = i;
            }
        }
        if (gating < 0) {
            bandwidths.forEach(b -> b.consume(now));
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
        for (int i = 0; i < bandwidths.size(); i++) {
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
}
