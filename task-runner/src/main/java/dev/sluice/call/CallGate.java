package dev.sluice.call;

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

/**
 * Sends a run's API calls: adds the run's {@code traceparent}, counts every attempt, and sorts
 * answers into success, "try later" ({@link SourceUnavailableException}: network, 408, 429, 5xx,
 * malformed body) and "the request is wrong" ({@link SourceRejectedException}: other 4xx).
 */
public final class CallGate implements ApiCalls {
    private final HttpClient client;
    private final CallStats stats;
    private final String traceparent;

    public CallGate(HttpClient client, CallStats stats, String traceparent) {
        this.client = client;
        this.stats = stats;
        this.traceparent = traceparent;
    }

    @Override
    public <T> T send(HttpRequest request, ResponseParser<T> parser) {
        HttpResponse<byte[]> response = exchange(request);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            try {
                return parser.parse(response);
            } catch (MalformedResponseException e) {
                stats.failure();
                throw new SourceUnavailableException(e.getMessage(), e);
            }
        }
        stats.failure();
        if (status == 429) {
            stats.rateLimited();
        }
        if (status == 429 || status == 408 || status >= 500) {
            throw new SourceUnavailableException("the API answered " + status + " to GET " + where(request.uri()));
        }
        throw new SourceRejectedException(status, "the API refused GET " + where(request.uri()) + " with " + status
                + excerpt(response.body()) + "; check the source section of the job spec (URL, parameters, credentials)");
    }

    private HttpResponse<byte[]> exchange(HttpRequest request) {
        HttpRequest traced = HttpRequest.newBuilder(request, (name, value) -> true).header("traceparent", traceparent).build();
        stats.call();
        try {
            return client.send(traced, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            stats.failure();
            throw new SourceUnavailableException("GET " + where(request.uri()) + " timed out", e);
        } catch (IOException e) {
            stats.failure();
            throw new SourceUnavailableException("GET " + where(request.uri()) + " failed: " + e, e);
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
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        return ": " + text + (body.length > 300 ? "…" : "");
    }
}
