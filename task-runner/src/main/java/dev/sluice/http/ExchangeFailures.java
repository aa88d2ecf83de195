package dev.sluice.http;

import dev.sluice.config.ByteSize;
import dev.sluice.config.Durations;
import dev.sluice.http.internal.BoundedBody;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** What an exchange that did not complete becomes: messages name the request's method, host and path only. */
final class ExchangeFailures {
    private ExchangeFailures() {}

    /** The failure of one hop, from what the JDK client completed it with. */
    static RuntimeException of(Request hop, Duration bound, long limit, Throwable cause) {
        return switch (cause) {
            case BoundedBody.TooLarge big ->
                new ResponseTooLargeException(
                        "the answer to " + hop + " is larger than max_response_size " + size(limit) + " ("
                                + (big.declared()
                                        ? "Content-Length: " + big.bytes() + " bytes); it was refused unread"
                                        : "over " + big.bytes() + " bytes arrived, without Content-Length); reading"
                                                + " stopped there")
                                + ". If answers this big are expected, raise max_response_size (at most 1GB);"
                                + " otherwise ask the API for smaller pages",
                        limit);
            case HttpConnectTimeoutException e ->
                new ExchangeFailedException(
                        hop + " failed: no connection within connect_timeout; the API's host does not answer", true, e);
            case HttpTimeoutException e -> timedOut(hop, bound, e);
            case IOException e ->
                new ExchangeFailedException(
                        hop + " failed: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"),
                        false,
                        e);
            case RuntimeException e -> e;
            default -> new ExchangeFailedException(hop + " failed: " + cause, false, cause);
        };
    }

    static ExchangeFailedException timedOut(Request hop, Duration bound, Throwable cause) {
        return new ExchangeFailedException(
                hop + " timed out: no complete answer within timeout " + Durations.format(bound)
                        + " (connecting, headers, redirects and body together); the exchange was cut off",
                true,
                cause);
    }

    private static String size(long bytes) {
        return new ByteSize(bytes).toString();
    }
}
