package dev.sluice.sandbox.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Admin routes of the per-record API and OAuth (not rate limited, not counted, no faults):
 * {@code GET /_sandbox/records} (summary and the ids applied twice or more),
 * {@code GET /_sandbox/records/{id}}, {@code POST /_sandbox/records/fix},
 * {@code POST /_sandbox/records/reset}, {@code POST /_sandbox/oauth/revoke}.
 */
final class RecordsAdmin {
    private static final int LISTED_IDS = 1000;

    private final RecordControls controls;

    RecordsAdmin(RecordControls controls) {
        this.controls = controls;
    }

    void register(RoutesConfig routes) {
        routes.get("/_sandbox/records", this::summary);
        routes.get("/_sandbox/records/{id}", ctx -> Replies.json(ctx, 200, controls.report(ctx.pathParam("id"))));
        routes.post(
                "/_sandbox/records/fix",
                ctx -> Replies.json(ctx, 200, controls.fix().summary()));
        routes.post("/_sandbox/records/reset", this::reset);
        routes.post("/_sandbox/oauth/revoke", this::revoke);
    }

    private void summary(Context ctx) {
        List<String> twice = controls.appliedTwice(LISTED_IDS + 1);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("summary", controls.summary());
        body.put("applied_twice", twice.subList(0, Math.min(LISTED_IDS, twice.size())));
        body.put("applied_twice_truncated", twice.size() > LISTED_IDS);
        Replies.json(ctx, 200, body);
    }

    private void reset(Context ctx) {
        controls.reset();
        Replies.json(ctx, 200, Map.of("reset", true));
    }

    private void revoke(Context ctx) {
        boolean refresh = "true".equals(ctx.queryParam("refresh_tokens"));
        Replies.json(ctx, 200, Map.of("revoked", controls.revoke(refresh)));
    }
}
