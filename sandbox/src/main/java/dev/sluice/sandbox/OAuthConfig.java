package dev.sluice.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sandbox's OAuth2 authorisation server ({@code POST /oauth/token}, RFC 6749): one confidential
 * client. When on, the per-record endpoints require {@code Authorization: Bearer ACCESS_TOKEN} with
 * a token it issued that has not expired or been revoked; the orders and events endpoints take
 * such a token or the static one.
 *
 * @param clientId      the client's id, or null for OAuth off
 * @param clientSecret  the client's secret (never logged, echoed or shown by {@link #toString()})
 * @param tokenLifetime how long an access token is valid (default 1h, at least 1s; announced as
 *                      {@code expires_in} in whole seconds)
 */
public record OAuthConfig(String clientId, @JsonIgnore String clientSecret, Duration tokenLifetime) {
    /** OAuth off. */
    public static final OAuthConfig OFF = new OAuthConfig(null, null, Duration.ofHours(1));

    public OAuthConfig {
        tokenLifetime = tokenLifetime == null ? Duration.ofHours(1) : tokenLifetime;
        if ((clientId == null) != (clientSecret == null)) {
            throw new SandboxConfigException("oauth: give both a client id and a client secret, or neither");
        }
        if (clientId != null && (clientId.isBlank() || clientId.contains(":"))) {
            throw new SandboxConfigException("oauth client id = \"" + clientId + "\": must be non-blank, without ':'");
        }
        if (clientSecret != null && clientSecret.isBlank()) {
            throw new SandboxConfigException("oauth client secret = (hidden): must not be blank");
        }
        if (tokenLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new SandboxConfigException(
                    "oauth token lifetime = " + DurationText.format(tokenLifetime) + ": must be at least 1s");
        }
    }

    /** A client with this id and secret, tokens valid for {@code tokenLifetime}. */
    public static OAuthConfig client(String clientId, String clientSecret, Duration tokenLifetime) {
        return new OAuthConfig(clientId, clientSecret, tokenLifetime);
    }

    /** True when per-record endpoints require OAuth access tokens. */
    @JsonIgnore
    public boolean enabled() {
        return clientId != null;
    }

    public OAuthConfig withTokenLifetime(Duration v) {
        return new OAuthConfig(clientId, clientSecret, v);
    }

    /** For logs and the admin API: the client id and lifetime, never the secret. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", enabled());
        m.put("client_id", clientId);
        m.put("token_lifetime", DurationText.format(tokenLifetime));
        return m;
    }

    /** Shows everything but the secret. */
    @Override
    public String toString() {
        return "OAuthConfig" + summary();
    }
}
