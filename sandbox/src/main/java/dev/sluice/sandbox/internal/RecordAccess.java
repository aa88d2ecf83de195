package dev.sluice.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * Access to a per-record endpoint: an OAuth2 access token when OAuth is on (else the static token),
 * and a cost for the unit limits.
 */
final class RecordAccess implements Access {
    private final SandboxState state;
    private final JsonNode body;
    private final boolean post;

    /**
     * @param body the parsed POST body, or null
     * @param post true for the enrich endpoint, whose body must declare a cost when unit limits are on
     */
    RecordAccess(SandboxState state, JsonNode body, boolean post) {
        this.state = state;
        this.body = body;
        this.post = post;
    }

    @Override
    public Unauthorized check(Context ctx, Live live, Instant now) {
        return new OAuthAccess(state, OAuthAccess.TOKENS_ONLY).check(ctx, live, now);
    }

    @Override
    public long cost(Context ctx, Live live) {
        return Costs.of(ctx, live, body, post);
    }
}
