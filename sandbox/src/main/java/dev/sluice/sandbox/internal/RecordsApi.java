package dev.sluice.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.IdempotencyMode;
import dev.sluice.sandbox.RecordsConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-record endpoints: {@code POST /v1/customers/{id}/enrichment} applies a record's effect
 * (idempotently when a key is given and honoured), {@code GET /v1/customers/{id}/enrichment}
 * answers whether it was applied, {@code GET /v1/customers/{id}} looks a customer up. Every request
 * goes through the {@link Gate} first (outage, auth, request and unit limits, faults); then, for
 * admitted ones: poison ids (422), idempotency, the effect, the per-record latency, the answer
 * (malformed for selected ids). The effect is applied before the latency elapses, so a client that
 * dies while waiting leaves an applied effect it never heard of. The package documentation holds
 * the full contract.
 */
final class RecordsApi {
    private static final int MAX_ID = 128;
    private static final int MAX_KEY = 255;
    private static final long LATENCY_SALT = 0x1A7E;

    private final SandboxState state;
    private final Gate gate;
    private final Delivery delivery;
    private final AtomicLong answered = new AtomicLong();

    RecordsApi(SandboxState state, Gate gate, Delivery delivery) {
        this.state = state;
        this.gate = gate;
        this.delivery = delivery;
    }

    void register(RoutesConfig routes) {
        routes.post("/v1/customers/{id}/enrichment", ctx -> serve(ctx, RecordEndpoint.ENRICH));
        routes.get("/v1/customers/{id}/enrichment", ctx -> serve(ctx, RecordEndpoint.CHECK));
        routes.get("/v1/customers/{id}", ctx -> serve(ctx, RecordEndpoint.LOOKUP));
    }

    /** One answer: a body to deliver (with faults), or an error sent as is. */
    private record Reply(int status, byte[] body, boolean replayed, boolean error) {
        static Reply ok(int status, byte[] body, boolean replayed) {
            return new Reply(status, body, replayed, false);
        }

        static Reply error(int status, Map<String, Object> body) {
            return new Reply(status, Replies.bytes(body), false, true);
        }
    }

    private void serve(Context ctx, RecordEndpoint endpoint) throws Exception {
        String id = ctx.pathParam("id");
        boolean validId = !id.isBlank() && id.length() <= MAX_ID;
        JsonNode body = endpoint == RecordEndpoint.ENRICH ? object(ctx) : null;
        int status = 500;
        try {
            FaultPlan plan = gate.pass(ctx, null, new RecordAccess(state, body, endpoint == RecordEndpoint.ENRICH));
            if (plan == null) {
                status = ctx.statusCode();
                return;
            }
            if (!validId) {
                throw ApiError.badRequest(
                        "invalid_customer_id", "the customer id must be 1 to " + MAX_ID + " characters");
            }
            status = answer(ctx, endpoint, id, body, plan);
        } catch (ApiError e) {
            status = e.status;
            throw e;
        } finally {
            if (validId) {
                state.records.observe(id, endpoint, status, ctx.header("traceparent"));
            }
        }
    }

    private int answer(Context ctx, RecordEndpoint endpoint, String id, JsonNode body, FaultPlan plan)
            throws Exception {
        RecordsConfig rc = state.live().config().records();
        Reply reply = switch (endpoint) {
            case ENRICH -> enrich(ctx, rc, id, body);
            case CHECK -> check(id);
            case LOOKUP -> lookup(rc, id);
        };
        Duration latency = rc.latency()
                .at(Mix.unit(Mix.of(state.live().config().seed(), answered.incrementAndGet(), LATENCY_SALT)));
        if (latency.isPositive()) {
            Thread.sleep(latency);
        }
        if (reply.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        if (reply.error()) {
            Replies.json(ctx, reply.status(), reply.body());
        } else {
            delivery.send(ctx, reply.status(), reply.body(), plan);
        }
        return reply.status();
    }

    private Reply enrich(Context ctx, RecordsConfig rc, String id, JsonNode body) {
        if (body == null) {
            throw ApiError.badRequest("invalid_body", "the body must be a JSON object");
        }
        String key = key(ctx, rc.idempotencyHeader());
        if (rc.poison().matches(id)) {
            return poison(id);
        }
        RecordLedger.Application a = state.records.enrich(
                id,
                key,
                hash(ctx.bodyAsBytes()),
                rc.idempotency() == IdempotencyMode.HONOUR,
                state.clock.instant().toEpochMilli());
        if (a.kind() == RecordLedger.Application.Kind.REUSED) {
            return Reply.error(
                    422,
                    Replies.errorBody(
                            "idempotency_key_reused",
                            "this idempotency key was used with another body or customer; use a new key"));
        }
        boolean replayed = a.kind() == RecordLedger.Application.Kind.REPLAYED;
        return Reply.ok(
                replayed ? 200 : 201,
                body(rc, id, CustomerBodies.enrichment(id, a.appliedAtMillis(), a.seq())),
                replayed);
    }

    private Reply check(String id) {
        RecordLedger.Application a = state.records.firstApplication(id);
        if (a == null) {
            return Reply.error(404, Replies.errorBody("not_found", "customer " + id + " has no applied enrichment"));
        }
        return Reply.ok(
                200, CustomerBodies.render(CustomerBodies.enrichment(id, a.appliedAtMillis(), a.seq()), null), false);
    }

    private Reply lookup(RecordsConfig rc, String id) {
        return rc.poison().matches(id) ? poison(id) : Reply.ok(200, body(rc, id, CustomerBodies.profile(id)), false);
    }

    private Reply poison(String id) {
        state.records.poisoned(id);
        Map<String, Object> body = Replies.errorBody(
                "unprocessable_record", "customer " + id + " cannot be processed (sandbox poison id)");
        body.put("customer_id", id);
        return Reply.error(422, body);
    }

    /** The body, malformed when the id is selected. */
    private byte[] body(RecordsConfig rc, String id, Map<String, Object> body) {
        if (!rc.malformed().matches(id)) {
            return CustomerBodies.render(body, null);
        }
        state.records.malformed(id);
        return CustomerBodies.render(body, rc.malformedKind().forId(id));
    }

    private static String key(Context ctx, String header) {
        String key = ctx.header(header);
        if (key != null && (key.isBlank() || key.length() > MAX_KEY)) {
            throw ApiError.badRequest(
                    "invalid_idempotency_key", "header " + header + " must be 1 to " + MAX_KEY + " characters");
        }
        return key;
    }

    /** The body as a JSON object, or null if it is not one. */
    private static JsonNode object(Context ctx) {
        try {
            JsonNode node = Json.MAPPER.readTree(ctx.bodyAsBytes());
            return node != null && node.isObject() ? node : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** The first 8 bytes of the body's SHA-256: "same body" means byte for byte. */
    private static long hash(byte[] body) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(body))
                    .getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
