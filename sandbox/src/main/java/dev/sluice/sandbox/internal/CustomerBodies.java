package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.CustomerProfile;
import dev.sluice.sandbox.Enrichment;
import dev.sluice.sandbox.MalformedKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON bodies of the per-record endpoints, well-formed or broken as a {@link MalformedKind} says. */
final class CustomerBodies {
    private static final byte[] NOT_JSON = ("<html><head><title>502 Bad Gateway</title></head>"
                    + "<body><h1>502 Bad Gateway</h1><p>enrichment backend unavailable</p></body></html>")
            .getBytes(StandardCharsets.UTF_8);

    private CustomerBodies() {}

    /** An application of {@code id}'s enrichment: its deterministic fields, when and by which request. */
    static Map<String, Object> enrichment(String id, long appliedAtMillis, long seq) {
        Enrichment e = Enrichment.expected(id);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("region", e.region());
        attributes.put("tags", e.tags());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customer_id", e.customerIdValue());
        body.put("segment", e.segment());
        body.put("score", e.score());
        body.put("lifetime_value", e.lifetimeValue().toPlainString());
        body.put("active", e.active());
        body.put("attributes", attributes);
        body.put("enriched_at", Instant.ofEpochMilli(appliedAtMillis).toString());
        body.put("request_id", "req_%016x".formatted(Mix.of(seq)));
        return body;
    }

    static Map<String, Object> profile(String id) {
        CustomerProfile p = CustomerProfile.of(id);
        Map<String, Object> preferences = new LinkedHashMap<>();
        preferences.put("channels", p.channels());
        preferences.put("newsletter", p.newsletter());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customer_id", p.customerIdValue());
        body.put("name", p.name());
        body.put("email", p.email());
        body.put("country", p.country());
        body.put("created_at", p.createdAt().toString());
        body.put("vip", p.vip());
        body.put("credit_limit", p.creditLimit().toPlainString());
        body.put("orders_count", p.ordersCount());
        body.put("rating", p.rating());
        body.put("preferences", preferences);
        return body;
    }

    /** The body's bytes; broken as {@code kind} says unless it is null. */
    static byte[] render(Map<String, Object> body, MalformedKind kind) {
        if (kind == null) {
            return Replies.bytes(body);
        }
        return switch (kind) {
            case NOT_JSON -> NOT_JSON.clone();
            case MISSING_FIELDS -> Replies.bytes(Map.of("customer_id", body.get("customer_id")));
            case WRONG_TYPE -> Replies.bytes(wrongTypes(body));
            case MIXED -> throw new IllegalArgumentException("resolve MIXED per id first");
        };
    }

    /** Every number and boolean but {@code customer_id} as a string. */
    private static Map<String, Object> wrongTypes(Map<String, Object> body) {
        Map<String, Object> out = new LinkedHashMap<>();
        body.forEach((k, v) -> out.put(
                k,
                k.equals("customer_id")
                        ? v
                        : v instanceof Number ? "n/a" : v instanceof Boolean b ? (b ? "yes" : "no") : v));
        return out;
    }
}
