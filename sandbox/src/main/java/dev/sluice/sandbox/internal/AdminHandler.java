package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.Order;
import dev.sluice.sandbox.SandboxConfigException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /_sandbox/*}: health, stats, reset, runtime config and the ground truth of a partition.
 * Not rate limited, not counted, no faults.
 */
final class AdminHandler {
    private final SandboxState state;

    AdminHandler(SandboxState state) {
        this.state = state;
    }

    void register(RoutesConfig routes) {
        routes.get("/_sandbox/health", ctx -> Replies.json(ctx, 200, Map.of("status", "ok")));
        routes.get("/_sandbox/stats", ctx -> Replies.json(ctx, 200, state.stats.snapshot()));
        routes.post("/_sandbox/reset", this::reset);
        routes.get("/_sandbox/config", ctx -> Replies.json(ctx, 200, view()));
        routes.post("/_sandbox/config", this::configure);
        routes.get("/_sandbox/orders", this::truth);
    }

    /** Every record of {@code ?partition=P} as the API serves it now, in one answer, for tests to compare against. */
    private void truth(Context ctx) {
        String partition = ctx.queryParam("partition");
        if (partition == null || partition.isBlank()) {
            Replies.error(
                    ctx,
                    400,
                    "missing_partition",
                    "query parameter partition is required, e.g. /_sandbox/orders?partition=2026-11-01");
            return;
        }
        List<Order> orders = state.live().dataset().orders(partition);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partition", partition);
        body.put("count", orders.size());
        body.put("orders", orders);
        Replies.json(ctx, 200, body);
    }

    private void reset(Context ctx) {
        state.stats.reset();
        Replies.json(ctx, 200, Map.of("reset", true));
    }

    private void configure(Context ctx) {
        try {
            ConfigPatch.parse(Json.MAPPER.readTree(ctx.bodyAsBytes())).applyTo(state);
            Replies.json(ctx, 200, view());
        } catch (SandboxConfigException e) {
            Replies.error(ctx, 400, "invalid_config", e.getMessage());
        } catch (java.io.IOException e) {
            Replies.error(ctx, 400, "invalid_config", "config body is not valid JSON");
        }
    }

    private Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>(state.live().config().summary());
        view.put("outage_active", state.outages.active(state.clock.instant()));
        return view;
    }
}
