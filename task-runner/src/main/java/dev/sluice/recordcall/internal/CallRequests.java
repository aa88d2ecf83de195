package dev.sluice.recordcall.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.sluice.Json;
import dev.sluice.http.Request;
import dev.sluice.http.StatusRules;
import dev.sluice.partition.Partition;
import dev.sluice.recordcall.CallSpec;
import dev.sluice.recordcall.RecordTemplate;
import dev.sluice.telemetry.Telemetry;
import io.opentelemetry.api.trace.Span;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds a record's request from the call's templates, and its idempotency key: a hash of the job,
 * the record key and a hash of the request (method, URL, body). The same record makes the same
 * request byte for byte, so the key is the same in every attempt and every process, and an API
 * that honours keys applies it once; a changed request (the record or the spec changed) gets a new
 * key, as an API that compares bodies requires.
 */
public final class CallRequests {
    private static final UnaryOperator<String> PATH =
            v -> URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
    private static final UnaryOperator<String> QUERY = v -> URLEncoder.encode(v, StandardCharsets.UTF_8);

    private static final ObjectWriter SORTED = Json.MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);

    private final CallSpec spec;
    private final String job;
    private final Partition partition;
    private final StatusRules gateStatuses;

    public CallRequests(CallSpec spec, String job, Partition partition, StatusRules gateStatuses) {
        this.spec = spec;
        this.job = job;
        this.partition = partition;
        this.gateStatuses = gateStatuses;
    }

    /** A request and its idempotency key (null when keys are off). */
    public record Built(Request request, String idempotencyKey) {}

    /**
     * The record's request, with the span's traceparent.
     *
     * @throws RecordTemplate.MissingFieldException when the record lacks a value a template uses
     */
    public Built build(JsonNode record, String recordKey, Span span) {
        URI uri = uri(spec.url(), spec.query(), record);
        byte[] body = spec.body() == null ? null : bytes(RecordTemplate.renderBody(spec.body(), record, partition));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        spec.headers().forEach((name, template) -> headers.put(name, headerValue(name, template, record)));
        String key = spec.idempotency().isPresent() ? key(recordKey, spec.method(), uri, body) : null;
        if (key != null) {
            headers.put(spec.idempotency().get(), key);
        }
        Request request = new Request(
                spec.method(), uri, headers, Map.of(), Telemetry.traceparent(span), body, gateStatuses, null, null);
        return new Built(request, key);
    }

    /** The {@code in_doubt: check} GET for a record. */
    public Request check(JsonNode record, Span span) {
        return Request.get(uri(spec.check().url(), Map.of(), record))
                .withTraceparent(Telemetry.traceparent(span))
                .withStatuses(new StatusRules(
                        new java.util.HashSet<>(
                                concat(spec.check().applied(), spec.check().absent())),
                        null));
    }

    private static java.util.List<Integer> concat(java.util.List<Integer> a, java.util.List<Integer> b) {
        java.util.List<Integer> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private URI uri(String template, Map<String, String> query, JsonNode record) {
        StringBuilder url = new StringBuilder(RecordTemplate.render(template, record, partition, PATH));
        String separator = "?";
        for (Map.Entry<String, String> param : query.entrySet()) {
            url.append(separator)
                    .append(QUERY.apply(param.getKey()))
                    .append('=')
                    .append(RecordTemplate.render(param.getValue(), record, partition, QUERY));
            separator = "&";
        }
        return URI.create(url.toString());
    }

    private String headerValue(String name, String template, JsonNode record) {
        String value = RecordTemplate.render(template, record, partition, UnaryOperator.identity());
        if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            throw new RecordTemplate.MissingFieldException(
                    "header " + name + " would hold a control character from the record; it cannot be sent");
        }
        return value;
    }

    /**
     * The body with every object's fields sorted by name: the same record makes the same bytes (and
     * key) whatever order its fields were read in, also when a replay reads it back from a dead
     * letter's jsonb, which reorders them.
     */
    private static byte[] bytes(JsonNode body) {
        try {
            return SORTED.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always writes", e);
        }
    }

    private String key(String recordKey, String method, URI uri, byte[] body) {
        MessageDigest request = sha256();
        request.update((method + " " + uri + "\n").getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            request.update(body);
        }
        MessageDigest key = sha256();
        key.update((job + "\0" + recordKey + "\0").getBytes(StandardCharsets.UTF_8));
        key.update(request.digest());
        return "sluice-" + HexFormat.of().formatHex(key.digest(), 0, 24);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
