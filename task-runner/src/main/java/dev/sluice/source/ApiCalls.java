package dev.sluice.source;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The gate every API call of a run goes through. It takes a permit from the job's shared limits
 * before every attempt (retries included), retries what can be retried with backoff that honours
 * Retry-After, stops when the API's breaker is open, and reports each call to the run's metrics.
 */
public interface ApiCalls {
    /**
     * Sends a request and parses its successful (2xx) response.
     *
     * @param request what to send; messages and logs name only its scheme, host and path, never
     *                its query string (which may carry an API key)
     * @param parser  turns the response into a value; throwing {@link MalformedResponseException}
     *                makes the attempt count as failed (and retried, like a 5xx)
     * @throws SourceUnavailableException when the API cannot answer now and retries are exhausted
     * @throws SourceRejectedException    when the API refuses the request itself (4xx other than 429)
     */
    <T> T send(HttpRequest request, ResponseParser<T> parser);

    /** Turns a 2xx response into a value. */
    @FunctionalInterface
    interface ResponseParser<T> {
        T parse(HttpResponse<byte[]> response);
    }
}
