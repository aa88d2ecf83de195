package dev.sluice.sandbox;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * What the OAuth2 token endpoint and the token checks saw: the {@code oauth} part of
 * {@link SandboxStats}. Token values never appear here.
 *
 * @param tokensIssued  successful token requests by grant type ({@code client_credentials},
 *                      {@code refresh_token})
 * @param tokenErrors   refused token requests by RFC 6749 error code ({@code invalid_client},
 *                      {@code invalid_grant}, {@code invalid_request}, {@code unsupported_grant_type})
 * @param invalidTokens per-record requests refused 401 for a missing, unknown, expired or revoked
 *                      access token (also in {@code unauthorized})
 * @param revocations   admin revocations ({@code POST /_sandbox/oauth/revoke})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OAuthStats(
        Map<String, Long> tokensIssued, Map<String, Long> tokenErrors, long invalidTokens, long revocations) {

    /** Successful token requests with this grant type. */
    public long tokensIssued(String grantType) {
        return tokensIssued.getOrDefault(grantType, 0L);
    }
}
