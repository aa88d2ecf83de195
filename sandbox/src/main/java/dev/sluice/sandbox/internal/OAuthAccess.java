package dev.sluice.sandbox.internal;

import io.javalin.http.Context;
import java.time.Instant;

/**
 * An OAuth2 access token when OAuth is on, else the static token; no cost. Every API endpoint
 * (orders, events, per-record) checks it, so a job can pull pages with an OAuth2 client too.
 */
final class OAuthAccess implements Access {
    private final SandboxState state;

    OAuthAccess(SandboxState state) {
        this.state = state;
    }

    @Override
    public Unauthorized check(Context ctx, Live live, Instant now) {
        if (!live.config().records().oauth().enabled()) {
            return Access.TOKEN.check(ctx, live, now);
        }
        String problem = state.tokens.problem(ctx.header("Authorization"), now);
        if (problem == null) {
            return null;
        }
        state.stats.oauth().invalidToken();
        if (problem.equals(OAuthTokens.MISSING)) {
            return new Unauthorized(
                    "Bearer realm=\"sandbox\"",
                    "missing_token",
                    "an OAuth2 access token is required (POST /oauth/token)");
        }
        return new Unauthorized(
                "Bearer realm=\"sandbox\", error=\"invalid_token\", error_description=\"" + problem + "\"",
                "invalid_token",
                problem);
    }

    @Override
    public long cost(Context ctx, Live live) {
        return 0;
    }
}
