package dev.sluice.sandbox.internal;

import io.javalin.http.Context;
import java.time.Instant;

/**
 * Who may call an API endpoint when OAuth may be on; no cost. The per-record endpoints
 * ({@link #TOKENS_ONLY}) then need an OAuth2 access token; the orders and events endpoints
 * ({@link #STATIC_OR_TOKENS}) take the static token or a current access token, so a job can pull
 * pages with an OAuth2 client while older jobs keep their static token.
 */
final class OAuthAccess implements Access {
    static final boolean TOKENS_ONLY = false;
    static final boolean STATIC_OR_TOKENS = true;

    private final SandboxState state;
    private final boolean staticToo;

    OAuthAccess(SandboxState state, boolean staticToo) {
        this.state = state;
        this.staticToo = staticToo;
    }

    @Override
    public Unauthorized check(Context ctx, Live live, Instant now) {
        if (!live.config().records().oauth().enabled()) {
            return Access.TOKEN.check(ctx, live, now);
        }
        if (staticToo && Access.TOKEN.check(ctx, live, now) == null) {
            return null; // the static token, or none configured: open as without OAuth
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
