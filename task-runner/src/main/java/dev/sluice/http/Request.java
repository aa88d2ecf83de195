package dev.sluice.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.config.ByteSize;
import dev.sluice.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One API call as its caller describes it: never with a credential in it. {@link HttpExchange}
 * adds the credential, the {@code secretHeaders} and the {@code traceparent} only when the request
 * (or a redirect of it) goes to an origin its {@link OriginPolicy} trusts.
 *
 * @param method          GET, HEAD, POST, PUT, PATCH or DELETE
 * @param uri             an absolute http(s) URL without credentials
 * @param headers         headers every origin may see ({@code Accept}, {@code Content-Type},
 *                        {@code Idempotency-Key}); none of them secret
 * @param secretHeaders   the spec's headers: sent to trusted origins only, never logged
 * @param traceparent     the W3C trace context, sent to trusted origins only, or null
 * @param body            the request body, or null
 * @param statuses        how the answer's status is judged
 * @param timeout         bounds the whole exchange, redirects and body included (null: the
 *                        exchange's {@link HttpConfig#timeout()}); never more than the exchange's
 * @param maxResponseSize the largest body accepted (null: the exchange's); never more than the
 *                        exchange's
 */
public record Request(
        String method,
        URI uri,
        Map<String, String> headers,
        Map<String, Secret> secretHeaders,
        String traceparent,
        byte[] body,
        StatusRules statuses,
        Duration timeout,
        ByteSize maxResponseSize) {
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

    public Request {
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method must be one of " + METHODS + ", not " + method);
        }
        headers = Map.copyOf(headers);
        secretHeaders = Map.copyOf(secretHeaders);
        statuses = statuses == null ? StatusRules.DEFAULT : statuses;
    }

    /** A GET of {@code uri} that accepts JSON. */
    public static Request get(URI uri) {
        return new Request("GET", uri, Map.of("Accept", "application/json"), Map.of(), null, null, null, null, null);
    }

    /** A request with a JSON body ({@code Content-Type: application/json}). */
    public static Request json(String method, URI uri, JsonNode body) {
        try {
            return new Request(
                    method,
                    uri,
                    Map.of("Accept", "application/json", "Content-Type", "application/json"),
                    Map.of(),
                    null,
                    Json.MAPPER.writeValueAsBytes(body),
                    null,
                    null,
                    null);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body cannot be written as JSON", e);
        }
    }

    /** With one more header every origin may see. */
    public Request withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Request(method, uri, more, secretHeaders, traceparent, body, statuses, timeout, maxResponseSize);
    }

    /** With the spec's headers (trusted origins only). */
    public Request withSecretHeaders(Map<String, Secret> secrets) {
        return new Request(method, uri, headers, secrets, traceparent, body, statuses, timeout, maxResponseSize);
    }

    /** With the run's trace context (trusted origins only). */
    public Request withTraceparent(String context) {
        return new Request(method, uri, headers, secretHeaders, context, body, statuses, timeout, maxResponseSize);
    }

    /** With its own status rules. */
    public Request withStatuses(StatusRules rules) {
        return new Request(method, uri, headers, secretHeaders, traceparent, body, rules, timeout, maxResponseSize);
    }

    /** With a tighter time bound than the exchange's. */
    public Request withTimeout(Duration bound) {
        return new Request(method, uri, headers, secretHeaders, traceparent, body, statuses, bound, maxResponseSize);
    }

    /** With a smaller size bound than the exchange's (a per-record answer is small). */
    public Request withMaxResponseSize(ByteSize bound) {
        return new Request(method, uri, headers, secretHeaders, traceparent, body, statuses, timeout, bound);
    }

    /** The same request to another URL with another method, for a redirect. */
    Request redirected(String newMethod, URI target, boolean keepBody) {
        Map<String, String> kept = new LinkedHashMap<>(headers);
        if (!keepBody) {
            kept.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Type"));
        }
        return new Request(
                newMethod,
                target,
                kept,
                secretHeaders,
                traceparent,
                keepBody ? body : null,
                statuses,
                timeout,
                maxResponseSize);
    }

    /** {@code GET https://api.example.com/v1/orders}: method and where, never query, headers or body. */
    @Override
    public String toString() {
        return method + " " + Urls.where(uri);
    }
}
