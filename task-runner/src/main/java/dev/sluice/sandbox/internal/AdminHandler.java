package dev.sluice.sandbox.internal;

import dev.sluice.Json;
import dev.sluice.sandbox.SandboxConfigException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /_sandbox/*}: health, stats, reset and runtime config. Not rate limited, not counted. */
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
