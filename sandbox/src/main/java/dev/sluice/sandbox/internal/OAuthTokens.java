package dev.sluice.sandbox.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access and refresh tokens the token endpoint issued. Tokens are random; every value ever issued
 * is remembered (never served over HTTP) so tests can assert that none leaked.
 */
final class OAuthTokens {
    /** {@link #problem} when the request carries no bearer token at all. */
    static final String MISSING = "missing";

    private static final int PRUNE_ABOVE = 10_000;

    private final Map<String, Instant> access = new ConcurrentHashMap<>();
    private final Set<String> refresh = ConcurrentHashMap.newKeySet();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();

    /** One token answer; {@code expiresIn} in whole seconds. */
    record Grant(String accessToken, String refreshToken, long expiresIn) {}

    /** A new access token; with {@code refreshToken} null a new refresh token too, else that one again. */
    Grant issue(Instant now, Duration lifetime, String refreshToken) {
        if (access.size() > PRUNE_ABOVE) {
            access.values().removeIf(expires -> !now.isBefore(expires));
        }
        String token = fresh("sbx-at-");
        access.put(token, now.plus(lifetime));
        String r = refreshToken != null ? refreshToken : fresh("sbx-rt-");
        refresh.add(r);
        return new Grant(token, r, Math.ceilDiv(lifetime.toMillis(), 1000));
    }

    boolean refreshable(String refreshToken) {
        return refreshToken != null && refresh.contains(refreshToken);
    }

    /** Null when {@code authorization} carries a live access token, else what is wrong ({@link #MISSING} if none). */
    String problem(String authorization, Instant now) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return MISSING;
        }
        Instant expires = access.get(authorization.substring(7).trim());
        if (expires == null) {
            return "the access token is unknown or was revoked";
        }
        return now.isBefore(expires) ? null : "the access token expired";
    }

    /** Revokes every access token (and every refresh token too when {@code refreshTokens}); returns how many. */
    int revoke(boolean refreshTokens) {
        int n = access.size();
        access.clear();
        if (refreshTokens) {
            n += refresh.size();
            refresh.clear();
        }
        return n;
    }

    /** Every token value ever issued. */
    Set<String> issued() {
        return Set.copyOf(issued);
    }

    private String fresh(String prefix) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        issued.add(token);
        return token;
    }
}
