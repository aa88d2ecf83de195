package dev.sluice.telemetry;

import dev.sluice.http.Request;
import java.time.Duration;
import java.util.List;

/**
 * What the call gate tells whoever watches its calls (spans and metrics here; other listeners may
 * hook in the same way). The gate only reports; every method does nothing by default, and
 * {@link #NONE} is what a run without an exporter gets, so plain runs pay nothing for it.
 *
 * <p>{@code limits} are the names of the shared limits the call went through (empty without
 * limits), as in the spec.
 */
public interface CallObserver {
    /** Watches nothing. */
    CallObserver NONE = new CallObserver() {};

    /**
     * One attempt of a call is about to go out: the breaker let it through and its permits are
     * taken. The returned attempt sees how it ends and must be closed when it has.
     *
     * @param attempt         1 for the first attempt, 2 for the first retry, ...
     * @param permitWaitNanos how long this attempt waited for its permits
     */
    default Attempt sending(Request request, List<String> limits, int attempt, long permitWaitNanos) {
        return Attempt.NONE;
    }

    /** The gate will retry after {@code delay}: attempt {@code next} follows. */
    default void retrying(List<String> limits, int next, Duration delay, String why) {}

    /** Everyone sharing {@code limits} pauses for {@code length} (a Retry-After, exhausted quota headers). */
    default void paused(List<String> limits, Duration length, String why) {}

    /**
     * The state of the shared breaker as this process found it when asking to call: {@code closed},
     * {@code half_open} (this call probes) or {@code open} (refused).
     */
    default void breakerSeen(String breaker, String state) {}

    /** The API said how many calls are left in its window (rate-limit headers). */
    default void quotaRemaining(List<String> limits, long remaining) {}

    /** One HTTP request of a call. */
    interface Attempt extends AutoCloseable {
        /** Watches nothing; sends the run's traceparent. */
        Attempt NONE = new Attempt() {};

        /** The {@code traceparent} header of this request: its own span's, or {@code runs} when untraced. */
        default String traceparent(String runs) {
            return runs;
        }

        /** The API answered with {@code status}. */
        default void answered(int status) {}

        /** The answer was a 429; {@code retryAfter} is null when the API gave no wait. */
        default void rateLimited(Duration retryAfter) {}

        /** The attempt failed (no answer, a bad body, a rejection, an interrupt). */
        default void failed(Throwable failure) {}

        @Override
        default void close() {}
    }
}
