package dev.sluice.call;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.sluice.StartupTrace;
import dev.sluice.breaker.BreakerOpenException;
import dev.sluice.breaker.SharedBreaker;
import dev.sluice.config.Durations;
import dev.sluice.http.ExchangeFailedException;
import dev.sluice.http.HttpExchange;
import dev.sluice.http.Request;
import dev.sluice.http.Response;
import dev.sluice.http.Urls;
import dev.sluice.ratelimit.ApiLimitHeaders;
import dev.sluice.ratelimit.LimitExhaustedException;
import dev.sluice.ratelimit.PermitCost;
import dev.sluice.ratelimit.SharedLimits;
import dev.sluice.retry.Retries;
import dev.sluice.retry.RetryConfig;
import dev.sluice.retry.RetryableFailure;
import dev.sluice.source.ApiCalls;
import dev.sluice.source.MalformedResponseException;
import dev.sluice.source.SourceRejectedException;
import dev.sluice.source.SourceUnavailableException;
import dev.sluice.telemetry.CallObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every API call of a run goes through here. Per attempt (retries included): the shared breaker
 * must be closed (or this attempt is its probe), the call's cost is taken from every shared limit
 * (one permit, or its units, e.g. tokens), the request goes out as one bounded exchange (see
 * {@link HttpExchange}) with a {@code traceparent}: its own call span's when calls are traced
 * ({@link CallObserver}), else the run's. The answer is sorted by the request's status rules:
 *
 * <ul>
 *   <li>done (default 2xx): parsed; a malformed body counts as a failed attempt;
 *   <li>429: the API's word: its Retry-After pauses every process sharing the limits, and this
 *       call retries no sooner;
 *   <li>408, 5xx, network errors, an exchange past its time bound: the breaker counts them;
 *       retried with backoff;
 *   <li>rejected (default: other 4xx): the request itself is wrong: no retry
 *       ({@link SourceRejectedException}).
 * </ul>
 *
 * Headers that say no call is left until the window resets pause everyone before the API has to
 * say no. A body over the size bound (exit 65) and a refused redirect (exit 78) end the call at
 * once. An interrupt (SIGTERM) ends it at once too, wherever it waits: for a permit, a backoff or
 * the API's answer.
 */
public final class CallGate implements ApiCalls {
    private final CallStats stats;
    private final String traceparent;
    private final SharedLimits limits;
    private final SharedBreaker breaker;
    private final RetryConfig retry;
    private final Clock clock;
    private final CallObserver observer;
    private final FailsafeExecutor<Object> failsafe;

    public CallGate(
            CallStats stats,
            String traceparent,
            SharedLimits limits,
            SharedBreaker breaker,
            RetryConfig retry,
            Clock clock) {
        this(stats, traceparent, limits, breaker, retry, clock, CallObserver.NONE);
    }

    /** @param observer hears of every attempt, retry, pause and breaker state (spans, metrics) */
    public CallGate(
            CallStats stats,
            String traceparent,
            SharedLimits limits,
            SharedBreaker breaker,
            RetryConfig retry,
            Clock clock,
            CallObserver observer) {
        this.stats = stats;
        this.traceparent = traceparent;
        this.limits = limits;
        this.breaker = breaker;
        this.retry = retry;
        this.clock = clock;
        this.observer = observer;
        this.failsafe = Failsafe.with(Retries.forCalls(
                retry,
                stats::retry,
                (next, delay, last) -> observer.retrying(limits.names(), next, delay, last.getMessage())));
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
            public <T> T send(HttpExchange http, Request request, ResponseParser<T> parser) {
                return gate().send(http, request, parser);
            }

            @Override
            public <T> T send(HttpExchange http, Request request, ResponseParser<T> parser, Runnable onAttempt) {
                return gate().send(http, request, parser, onAttempt);
            }

            @Override
            public <T> T send(
                    HttpExchange http, Request request, ResponseParser<T> parser, Runnable onAttempt, PermitCost cost) {
                return gate().send(http, request, parser, onAttempt, cost);
            }

            @Override
            public synchronized void close() {
                if (gate != null) {
                    gate.close();
                }
            }

            private synchronized CallGate gate() {
                if (gate == null) {
                    gate = build.get();
                }
                return gate;
            }
        };
    }

    @Override
    public <T> T send(HttpExchange http, Request request, ResponseParser<T> parser) {
        return send(http, request, parser, () -> {});
    }

    @Override
    public <T> T send(HttpExchange http, Request request, ResponseParser<T> parser, Runnable onAttempt) {
        return send(http, request, parser, onAttempt, PermitCost.ONE);
    }

    @Override
    public <T> T send(
            HttpExchange http, Request request, ResponseParser<T> parser, Runnable onAttempt, PermitCost cost) {
        try {
            return failsafe.get(ctx -> attempt(http, request, parser, onAttempt, cost, ctx.getAttemptCount() + 1));
        } catch (RetryableFailure e) {
            throw new SourceUnavailableException(
                    e.getMessage() + " (gave up after " + retry.maxAttempts() + " attempts or "
                            + Durations.format(retry.maxDuration()) + ")",
                    e);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new SourceUnavailableException("interrupted in the backoff before retrying " + request, e);
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Hands back the shared-limit permits this run took and did not use. */
    @Override
    public void close() {
        limits.close();
    }

    private <T> T attempt(
            HttpExchange http,
            Request request,
            ResponseParser<T> parser,
            Runnable onAttempt,
            PermitCost cost,
            int number) {
        SharedBreaker.Permission permission = allow();
        try {
            long waited = limits.acquire(cost);
            stats.waitedForPermit(waited);
            stats.spent(limits.names(), cost);
            onAttempt.run();
            try (CallObserver.Attempt watched = observer.sending(request, limits.names(), number, waited)) {
                try {
                    // A per-record call brings its own call span's traceparent (the one its ledger and sink
                    // row keep); other requests carry this attempt's span, or the run's.
                    Request traced = request.traceparent() != null
                            ? request
                            : request.withTraceparent(watched.traceparent(traceparent));
                    return answer(http, traced, parser, permission, watched);
                } catch (RuntimeException e) {
                    watched.failed(e);
                    throw e;
                }
            }
        } catch (RuntimeException | Error e) {
            abandonIfUndecided(permission, e);
            throw e;
        }
    }

    /**
     * A probe that ends in an exception may have given no verdict (interrupted while waiting for the
     * answer or for a permit): hand it back so the breaker is not stuck half-open. After a verdict
     * the breaker is no longer half-open under this owner and this changes nothing.
     */
    private void abandonIfUndecided(SharedBreaker.Permission permission, Throwable failure) {
        if (!permission.probe()) {
            return;
        }
        try {
            breaker.abandon(permission);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The breaker's permission, its state as found reported to the observer. */
    private SharedBreaker.Permission allow() {
        try {
            SharedBreaker.Permission permission = breaker.allow();
            observer.breakerSeen(breaker.name(), permission.probe() ? "half_open" : "closed");
            return permission;
        } catch (BreakerOpenException e) {
            observer.breakerSeen(breaker.name(), "open");
            throw e;
        }
    }

    private <T> T answer(
            HttpExchange http,
            Request request,
            ResponseParser<T> parser,
            SharedBreaker.Permission permission,
            CallObserver.Attempt watched) {
        Response response = exchange(http, request, permission);
        int status = response.status();
        watched.answered(status);
        ApiLimitHeaders headers = ApiLimitHeaders.of(response.headers(), clock.instant());
        headers.remaining().ifPresent(left -> observer.quotaRemaining(limits.names(), left));
        if (headers.exhausted()) {
            pause(headers.reset().orElseThrow(), "the API said 0 calls are left until its window resets");
        }
        return switch (request.statuses().verdict(status)) {
            case DONE -> parsed(response, parser, permission, request);
            case RATE_LIMITED -> throw rateLimited(request, headers, permission, watched);
            case RETRY -> {
                breaker.failure(permission, status + " from " + where(request));
                Optional<Duration> wait = headers.retryAfter();
                wait.ifPresent(
                        d -> pause(d, status + " with Retry-After " + Durations.format(d) + " from " + where(request)));
                throw new RetryableFailure(
                        "the API answered " + status + " to " + request, wait.orElse(null), false, null);
            }
            case REJECT -> {
                breaker.success(permission);
                String excerpt = response.body().excerpt(300);
                throw new SourceRejectedException(
                        status,
                        "the API refused " + request + " with " + status + (excerpt.isEmpty() ? "" : ": " + excerpt)
                                + "; check the job spec (URL, parameters, credentials)");
            }
        };
    }

    /** Pauses everyone sharing the limits, and says so to the observer. */
    private void pause(Duration length, String why) {
        observer.paused(limits.names(), length, why);
        limits.pause(length, why);
    }

    private <T> T parsed(
            Response response, ResponseParser<T> parser, SharedBreaker.Permission permission, Request request) {
        try {
            T value = parser.parse(response);
            breaker.success(permission);
            return value;
        } catch (MalformedResponseException e) {
            stats.failure();
            breaker.failure(permission, "malformed body from " + where(request));
            throw new RetryableFailure(e.getMessage(), null, false, e);
        }
    }

    private RuntimeException rateLimited(
            Request request,
            ApiLimitHeaders headers,
            SharedBreaker.Permission permission,
            CallObserver.Attempt watched) {
        stats.failure();
        stats.rateLimited();
        breaker.success(permission); // a 429 means the API is up
        Duration wait = headers.retryAfter().or(headers::reset).orElse(null);
        watched.rateLimited(wait);
        String why = "429 from " + where(request) + (wait == null ? "" : " with Retry-After " + Durations.format(wait));
        if (wait != null) {
            pause(wait, why);
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

    /** One bounded exchange; past its time bound or broken, it is a failed attempt worth retrying. */
    private Response exchange(HttpExchange http, Request request, SharedBreaker.Permission permission) {
        stats.call();
        StartupTrace.firstCall();
        try {
            return http.send(request);
        } catch (ExchangeFailedException e) {
            stats.failure();
            breaker.failure(permission, (e.timedOut() ? "timeout" : "failure") + " calling " + where(request));
            throw new RetryableFailure(e.getMessage(), null, false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceUnavailableException("interrupted while waiting for the answer to " + request, e);
        } catch (RuntimeException e) { // too large (65), a refused redirect (78): the API did answer
            breaker.success(permission);
            throw e;
        }
    }

    private static String where(Request request) {
        return Urls.where(request.uri());
    }
}
