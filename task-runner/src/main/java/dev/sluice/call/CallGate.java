package dev.sluice.call;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.sluice.breaker.SharedBreaker;
import dev.sluice.config.Durations;
import dev.sluice.ratelimit.ApiLimitHeaders;
import dev.sluice.ratelimit.LimitExhaustedException;
import dev.sluice.ratelimit.SharedLimits;
import dev.sluice.retry.Retries;
import dev.sluice.retry.RetryConfig;
import dev.sluice.retry.RetryableFailure;
import dev.sluice.source.ApiCalls;
import dev.sluice.source.MalformedResponseException;
import dev.sluice.source.SourceRejectedException;
import dev.sluice.source.SourceUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every API call of a run goes through here. Per attempt (retries included): the shared breaker
 * must be closed (or this attempt is its probe), a permit is taken from every shared limit, the
 * request goes out with the run's {@code traceparent}, and the answer is sorted:
 *
 * <ul>
 *   <li>2xx: parsed; a malformed body counts as a failed attempt;
 *   <li>429: the API's word: its Retry-After pauses every process sharing the limits, and this
 *       call retries no sooner;
 *   <li>408, 5xx, network errors, timeouts: the breaker counts them; retried with backoff;
 *   <li>other 4xx: the request itself is wrong: no retry ({@link SourceRejectedException}).
 * </ul>
 *
 * Headers that say no call is left until the window resets pause everyone before the API has to
 * say no.
 */
public final class CallGate implements ApiCalls {
    private final HttpClient client;
    private final CallStats stats;
    private final String traceparent;
    private final SharedLimits limits;
    private final SharedBreaker breaker;
    private final RetryConfig retry;
    private final Clock clock;
    private final FailsafeExecutor<Object> failsafe;

    public CallGate(
            HttpClient client,
            CallStats stats,
            String traceparent,
            SharedLimits limits,
            SharedBreaker breaker,
            RetryConfig retry,
            Clock clock) {
        this.client = client;
        this.stats = stats;
        this.traceparent = traceparent;
        this.limits = limits;
        this.breaker = breaker;
        this.retry = retry;
        this.clock = clock;
        this.failsafe = Failsafe.with(Retries.forCalls(retry, stats::retry));
    }

    /**
     * A gate built on the first call: registering limits and creating breaker rows are writes,
     * which must not happen before the run has checked everything it can (rule 5), and never on
     * runs that make no call (an already complete partition).
     */
    static ApiCalls lazy(Supplier<CallGate> build) {
        return new ApiCalls() {
            private CallGate gate;

            @Override
            public synchronized <T> T send(HttpRequest request, ResponseParser<T> parser) {
                if (gate == null) {
                    gate = build.get();
                }
                return gate.send(request, parser);
            }
        };
    }

    @Override
    public <T> T send(HttpRequest request, ResponseParser<T> parser) {
        HttpRequest traced = HttpRequest.newBuilder(request, (name, value) -> true)
                .header("traceparent", traceparent)
                .build();
        try {
            return failsafe.get(() -> attempt(traced, parser));
        } catch (RetryableFailure e) {
            throw new SourceUnavailableException(
                    e.getMessage() + " (gave up after " + retry.maxAttempts() + " attempts or "
                            + Durations.format(retry.maxDuration()) + ")",
                    e);
        } catch (FailsafeException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private <T> T attempt(HttpRequest request, ResponseParser<T> parser) {
        SharedBreaker.Permission permission = breaker.allow();
        stats.waitedForPermit(limits.acquire());
        HttpResponse<byte[]> response = exchange(request, permission);
        ApiLimitHeaders headers = ApiLimitHeaders.of(response.headers(), clock.instant());
        if (headers.exhausted()) {
            limits.pause(headers.reset().orElseThrow(), "the API said 0 calls are left until its window resets");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return parsed(response, parser, permission, request);
        }
        if (status == 429) {
            throw rateLimited(request, headers, permission);
        }
        if (status == 408 || status >= 500) {
            breaker.failure(permission, status + " from " + where(request.uri()));
            Optional<Duration> wait = headers.retryAfter();
            wait.ifPresent(d -> limits.pause(
                    d, status + " with Retry-After " + Durations.format(d) + " from " + where(request.uri())));
            throw new RetryableFailure(
                    "the API answered " + status + " to GET " + where(request.uri()), wait.orElse(null), false, null);
        }
        breaker.success(permission);
        throw new SourceRejectedException(
                status,
                "the API refused GET " + where(request.uri()) + " with " + status + excerpt(response.body())
                        + "; check the source section of the job spec (URL, parameters, credentials)");
    }

    private <T> T parsed(
            HttpResponse<byte[]> response,
            ResponseParser<T> parser,
            SharedBreaker.Permission permission,
            HttpRequest request) {
        try {
            T value = parser.parse(response);
            breaker.success(permission);
            return value;
        } catch (MalformedResponseException e) {
            stats.failure();
            breaker.failure(permission, "malformed body from " + where(request.uri()));
            throw new RetryableFailure(e.getMessage(), null, false, e);
        }
    }

    private RuntimeException rateLimited(
            HttpRequest request, ApiLimitHeaders headers, SharedBreaker.Permission permission) {
        stats.failure();
        stats.rateLimited();
        breaker.success(permission); // a 429 means the API is up
        Duration wait = headers.retryAfter().or(headers::reset).orElse(null);
        String why = "429 from " + where(request.uri())
                + (wait == null ? "" : " with Retry-After " + Durations.format(wait));
        if (wait != null) {
            limits.pause(wait, why);
            Duration patience = limits.isEmpty() ? retry.maxDuration() : limits.maxWait();
            if (wait.compareTo(patience) > 0) {
                return new LimitExhaustedException(
                        limits.isEmpty() ? request.uri().getHost() : String.join(", ", limits.names()),
                        clock.instant().plus(wait),
                        why + ", longer than this run waits");
            }
        }
        return new RetryableFailure(why, wait, true, null);
    }

    private HttpResponse<byte[]> exchange(HttpRequest request, SharedBreaker.Permission permission) {
        stats.call();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            stats.failure();
            breaker.failure(permission, "timeout calling " + where(request.uri()));
            throw new RetryableFailure("GET " + where(request.uri()) + " timed out", null, false, e);
        } catch (IOException e) {
            stats.failure();
            breaker.failure(permission, e.getClass().getSimpleName() + " calling " + where(request.uri()));
            throw new RetryableFailure("GET " + where(request.uri()) + " failed: " + e, null, false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceUnavailableException("interrupted while calling " + where(request.uri()), e);
        }
    }

    /** Host and path only: query strings may carry API keys. */
    static String where(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    }

    private static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ")
                .strip();
        return ": " + text + (body.length > 300 ? "…" : "");
    }
}
