package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.OAuthConfig;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /oauth/token} (RFC 6749): grant types {@code client_credentials} and
 * {@code refresh_token} for the one configured confidential client, authenticated by HTTP Basic
 * (RFC 6749 2.3.1: id and secret form-encoded, then Base64) or by {@code client_id} and
 * {@code client_secret} form fields, not both. Answers {@code {"access_token", "token_type":
 * "Bearer", "expires_in", "refresh_token"}} with {@code Cache-Control: no-store}; a refresh answers
 * a new access token and the same refresh token. Errors are RFC 6749 5.2 bodies
 * {@code {"error", "error_description"}}: 400 {@code invalid_request},
 * {@code unsupported_grant_type}, {@code invalid_grant}; 401 {@code invalid_client}. Not rate
 * limited, no faults, no outages; 404 when OAuth is off.
 */
final class TokenEndpoint {
    private static final String FORM = "application/x-www-form-urlencoded";

    private final SandboxState state;

    TokenEndpoint(SandboxState state) {
        this.state = state;
    }

    void handle(Context ctx) {
        OAuthConfig oauth = state.live().config().records().oauth();
        if (!oauth.enabled()) {
            Replies.error(
                    ctx,
                    404,
                    "oauth_off",
                    "OAuth is off: start the sandbox with --oauth-client-id and --oauth-client-secret");
            return;
        }
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            refuse(ctx, 400, "invalid_request", "the body must be " + FORM);
            return;
        }
        Refusal refusal = authenticate(ctx, oauth);
        if (refusal != null) {
            if (refusal.status() == 401) {
                ctx.header("WWW-Authenticate", "Basic realm=\"sandbox\"");
            }
            refuse(ctx, refusal.status(), refusal.error(), refusal.description());
            return;
        }
        grant(ctx, oauth, ctx.formParam("grant_type"));
    }

    private void grant(Context ctx, OAuthConfig oauth, String grantType) {
        if (grantType == null) {
            refuse(ctx, 400, "invalid_request", "grant_type is required");
        } else if (grantType.equals("client_credentials")) {
            issue(ctx, oauth, grantType, null);
        } else if (!grantType.equals("refresh_token")) {
            refuse(ctx, 400, "unsupported_grant_type", "grant_type must be client_credentials or refresh_token");
        } else if (!state.tokens.refreshable(ctx.formParam("refresh_token"))) {
            refuse(ctx, 400, "invalid_grant", "the refresh token is missing, unknown or revoked");
        } else {
            issue(ctx, oauth, grantType, ctx.formParam("refresh_token"));
        }
    }

    private void issue(Context ctx, OAuthConfig oauth, String grantType, String refreshToken) {
        OAuthTokens.Grant g = state.tokens.issue(state.clock.instant(), oauth.tokenLifetime(), refreshToken);
        state.stats.oauth().issued(grantType);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", g.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", g.expiresIn());
        body.put("refresh_token", g.refreshToken());
        ctx.header("Cache-Control", "no-store").header("Pragma", "no-cache");
        Replies.json(ctx, 200, body);
    }

    private record Refusal(int status, String error, String description) {}

    /** Null when the request authenticates the configured client, else the refusal. */
    private static Refusal authenticate(Context ctx, OAuthConfig oauth) {
        String basic = ctx.header("Authorization");
        String formSecret = ctx.formParam("client_secret");
        if (basic != null && formSecret != null) {
            return new Refusal(
                    400, "invalid_request", "use one client authentication method: HTTP Basic or form fields");
        }
        String[] client = basic != null ? basic(basic) : new String[] {ctx.formParam("client_id"), formSecret};
        if (client == null || client[0] == null || client[1] == null) {
            return new Refusal(
                    401,
                    "invalid_client",
                    "client authentication is required (HTTP Basic, or client_id and client_secret)");
        }
        boolean ok = client[0].equals(oauth.clientId())
                & MessageDigest.isEqual(
                        client[1].getBytes(StandardCharsets.UTF_8),
                        oauth.clientSecret().getBytes(StandardCharsets.UTF_8));
        return ok ? null : new Refusal(401, "invalid_client", "unknown client or wrong secret");
    }

    private static String[] basic(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String pair =
                    new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0
                    ? null
                    : new String[] {decode(pair.substring(0, colon)), decode(pair.substring(colon + 1))};
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static String decode(String formEncoded) {
        return URLDecoder.decode(formEncoded, StandardCharsets.UTF_8);
    }

    private void refuse(Context ctx, int status, String error, String description) {
        state.stats.oauth().error(error);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        ctx.header("Cache-Control", "no-store");
        Replies.json(ctx, status, body);
    }
}
