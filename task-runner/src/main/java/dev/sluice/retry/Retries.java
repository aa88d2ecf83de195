package dev.sluice.retry;

import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place where {@link RetryConfig} becomes a Failsafe policy. Only
 * {@link RetryableFailure}s are retried; everything else (a rejected request, an open breaker, an
 * exhausted limit) ends the call at once.
 *
 * <p>The delay is computed here rather than with Failsafe's jitter, which can go below the
 * computed delay and so undercut a Retry-After: backoff = initial × factor^(retries so far),
 * capped at max_delay, plus up to {@code jitter} × backoff of random extra, and never less than
 * the API's Retry-After.
 */
public final class Retries {
    private Retries() {}

    /** A policy for API calls; {@code onRetry} runs before each retry (counting, logging). */
    public static RetryPolicy<Object> forCalls(RetryConfig config, Runnable onRetry) {
        return forCalls(config, onRetry, (next, delay, last) -> {});
    }

    /** As {@link #forCalls(RetryConfig, Runnable)}; {@code scheduled} hears of each retry before its backoff. */
    public static RetryPolicy<Object> forCalls(RetryConfig config, Runnable onRetry, Scheduled scheduled) {
        return RetryPolicy.builder()
                .handle(RetryableFailure.class)
                .withMaxAttempts(config.maxAttempts())
                .withMaxDuration(config.maxDuration())
                .withDelayFn(ctx -> delay(config, ctx.getAttemptCount(), ctx.getLastException()))
                .onRetryScheduled(e -> scheduled.retrying(e.getAttemptCount() + 1, e.getDelay(), e.getLastException()))
                .onRetry(e -> onRetry.run())
                .build();
    }

    /** Hears that attempt {@code next} will follow after {@code delay}, because of {@code last}. */
    @FunctionalInterface
    public interface Scheduled {
        void retrying(int next, Duration delay, Throwable last);
    }

    /** The wait before retry number {@code attempts} (1 = the first retry). */
    static Duration delay(RetryConfig config, int attempts, Throwable last) {
        double backoff = config.initialDelay().toMillis() * Math.pow(config.factor(), Math.max(0, attempts - 1));
        double capped = Math.min(backoff, config.maxDelay().toMillis());
        double jittered = capped * (1 + ThreadLocalRandom.current().nextDouble() * config.jitter());
        Duration delay = Duration.ofMillis(Math.round(jittered));
        if (last instanceof RetryableFailure failure
                && failure.retryAfter().isPresent()
                && failure.retryAfter().get().compareTo(delay) > 0) {
            Duration floor = failure.retryAfter().get();
            return floor.plusMillis(
                    Math.round(floor.toMillis() * ThreadLocalRandom.current().nextDouble() * config.jitter() / 4));
        }
        return delay;
    }
}
