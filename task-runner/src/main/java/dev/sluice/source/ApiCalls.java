package dev.sluice.source;

import dev.sluice.http.HttpExchange;
import dev.sluice.http.Request;
import dev.sluice.http.Response;
import dev.sluice.ratelimit.PermitCost;

/**
 * The gate every API call of a run goes through. It takes a permit from the job's shared limits
 * before every attempt (retries included), retries what can be retried with backoff that honours
 * Retry-After, stops when the API's breaker is open, and reports each call to the run's metrics.
 * Each attempt is one bounded exchange of {@code http} (see {@link HttpExchange}): credentials only
 * for trusted origins, a time bound on the whole exchange, a size bound on the body.
 */
public interface ApiCalls extends AutoCloseable {
    /**
     * Sends a request and parses the answer its status rules call done (by default 2xx).
     *
     * @param http    the exchange of the spec section the request belongs to
     * @param request what to send, without credentials; messages name only its method, host and path
     * @param parser  turns the answer into a value; throwing {@link MalformedResponseException}
     *                makes the attempt count as failed (and retried, like a 5xx)
     * @throws SourceUnavailableException when the API cannot answer now and retries are exhausted
     * @throws SourceRejectedException    when the API refuses the request itself (by default, a 4xx
     *                                    other than 408 and 429)
     */
    <T> T send(HttpExchange http, Request request, ResponseParser<T> parser);

    /**
     * Like {@link #send(HttpExchange, Request, ResponseParser)}, telling {@code onAttempt} each time
     * a request actually goes out (a per-record call records its attempts in the call ledger). A
     * request that carries its own {@code traceparent} (a per-record call's span) keeps it.
     */
    default <T> T send(HttpExchange http, Request request, ResponseParser<T> parser, Runnable onAttempt) {
        onAttempt.run();
        return send(http, request, parser);
    }

    /**
     * Like {@link #send(HttpExchange, Request, ResponseParser, Runnable)}, each attempt taking
     * {@code cost} from the shared limits instead of one permit of each (a per-record call whose
     * limit counts tokens).
     */
    default <T> T send(
            HttpExchange http, Request request, ResponseParser<T> parser, Runnable onAttempt, PermitCost cost) {
        if (!cost.equals(PermitCost.ONE)) {
            throw new UnsupportedOperationException("this gate takes one permit per call, not " + cost);
        }
        return send(http, request, parser, onAttempt);
    }

    /** Ends the run's use of the gate: hands back shared-limit permits it took and did not use. */
    @Override
    default void close() {}

    /** Turns an answer into a value. */
    @FunctionalInterface
    interface ResponseParser<T> {
        T parse(Response response);
    }
}
