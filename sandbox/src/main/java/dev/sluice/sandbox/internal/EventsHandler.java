package dev.sluice.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/events} with an {@code Idempotency-Key}: the first request with a key is stored
 * and answered 201; a repeat gets 200 with the very same body and counts as a duplicate.
 */
final class EventsHandler {
    private static final int MAX_KEY = 255;

    private final SandboxState state;
    private final Gate gate;
    private final Delivery delivery;

    EventsHandler(SandboxState state, Gate gate, Delivery delivery) {
        this.state = state;
        this.gate = gate;
        this.delivery = delivery;
    }

    void handle(Context ctx) throws Exception {
        FaultPlan plan = gate.pass(ctx, null);
        if (plan == null) {
            return;
        }
        String key = ctx.header("Idempotency-Key");
        if (key == null || key.isBlank() || key.length() > MAX_KEY) {
            throw ApiError.badRequest(
                    "missing_idempotency_key", "header Idempotency-Key is required (1 to " + MAX_KEY + " characters)");
        }
        byte[] fresh = Replies.bytes(received(key, event(ctx)));
        byte[] stored = state.events.firstResponse(key, fresh);
        state.stats.event(stored != null);
        delivery.send(ctx, stored == null ? 201 : 200, stored == null ? fresh : stored, plan);
    }

    private Map<String, Object> received(String key, JsonNode event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", "evt-" + Long.toHexString(Mix.of(state.live().config().seed(), Mix.hash(key))));
        body.put("idempotency_key", key);
        body.put("received_at", state.clock.instant().toString());
        body.put("event", event);
        return body;
    }

    private static JsonNode event(Context ctx) {
        try {
            JsonNode node = Json.MAPPER.readTree(ctx.bodyAsBytes());
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (java.io.IOException notJson) {
            // one message below
        }
        throw ApiError.badRequest("invalid_event", "the body must be a JSON object");
    }
}
