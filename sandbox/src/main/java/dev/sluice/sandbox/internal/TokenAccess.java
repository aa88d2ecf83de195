package dev.sluice.sandbox.internal;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;

/** {@code Authorization: Bearer TOKEN} with the configured static token (none configured: anyone). */
final class TokenAccess implements Access {
    private static final Unauthorized DENIED =
            new Unauthorized("Bearer", "unauthorized", "missing or invalid bearer token");

    @Override
    public Unauthorized check(Context ctx, Live live, Instant now) {
        return authorized(live.config().token(), ctx.header("Authorization")) ? null : DENIED;
    }

    @Override
    public long cost(Context ctx, Live live) {
        return 0;
    }

    private static boolean authorized(String token, String header) {
        if (token == null) {
            return true;
        }
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        byte[] given = (header == null ? "" : header).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }
}
