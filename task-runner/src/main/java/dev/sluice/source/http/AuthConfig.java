package dev.sluice.source.http;

import dev.sluice.config.Secret;
import dev.sluice.config.SpecCheck;
import dev.sluice.http.Credential;
import dev.sluice.http.HttpConfig;
import dev.sluice.http.OAuth2Credential;
import dev.sluice.http.OAuth2Settings;
import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;

/**
 * {@code auth:} of an HTTP source. Secrets come from the environment ({@code token: ${API_TOKEN}})
 * and are never logged.
 *
 * @param type         {@code bearer} (token), {@code basic} (username, password), {@code header}
 *                     (name, value), {@code query} (name, value: an API key query parameter) or
 *                     {@code oauth2} (token_url, client_id, client_secret, scope, grant,
 *                     refresh_token, client_auth)
 * @param token        the bearer token
 * @param username     the basic-auth user
 * @param password     the basic-auth password
 * @param name         the header or query parameter name
 * @param value        the header or query parameter value
 * @param tokenUrl     oauth2: the token endpoint; https, or the source's origin or an allowed origin
 * @param clientId     oauth2: the client id
 * @param clientSecret oauth2: the client secret
 * @param scope        oauth2: the scope to ask for (optional)
 * @param grant        oauth2: {@code client_credentials} (default) or {@code refresh_token}
 * @param refreshToken oauth2: the refresh token of the {@code refresh_token} grant
 * @param clientAuth   oauth2: {@code basic} (default, RFC 6749 2.3.1) or {@code body} (form fields)
 */
public record AuthConfig(
        String type,
        Secret token,
        String username,
        Secret password,
        String name,
        Secret value,
        String tokenUrl,
        String clientId,
        Secret clientSecret,
        String scope,
        String grant,
        Secret refreshToken,
        String clientAuth) {
    /**
     * The credential this section describes (after {@link #check}); {@link Credential#NONE} for no
     * auth. An oauth2 credential fetches tokens within {@code bounds}, the source's own.
     */
    public static Credential credential(AuthConfig auth, HttpConfig bounds) {
        if (auth == null) {
            return Credential.NONE;
        }
        return switch (auth.type()) {
            case "bearer" -> Credential.bearer(auth.token());
            case "basic" -> Credential.basic(auth.username(), auth.password());
            case "header" -> Credential.header(auth.name(), auth.value());
            case "query" -> Credential.query(auth.name(), auth.value());
            case "oauth2" -> OAuth2Credential.open(auth.oauth2(), bounds, InstantSource.system());
            default -> throw new IllegalStateException("auth type " + auth.type() + " passed the checks");
        };
    }

    /** The OAuth2 client of an {@code oauth2} section (after {@link #check}). */
    OAuth2Settings oauth2() {
        return new OAuth2Settings(
                URI.create(tokenUrl),
                clientId,
                clientSecret,
                scope,
                grant == null
                        ? OAuth2Settings.Grant.CLIENT_CREDENTIALS
                        : OAuth2Settings.Grant.valueOf(grant.toUpperCase(Locale.ROOT)),
                refreshToken,
                clientAuth == null
                        ? OAuth2Settings.ClientAuth.BASIC
                        : OAuth2Settings.ClientAuth.valueOf(clientAuth.toUpperCase(Locale.ROOT)));
    }

    /**
     * @param url            the source URL (as written; templates allowed), whose origin may
     *                       receive the client secret
     * @param allowedOrigins the source's further trusted origins
     */
    public void check(SpecCheck check, String url, List<String> allowedOrigins) {
        switch (type == null ? "" : type) {
            case "bearer" -> {
                requireSecret(check, "token", token);
                WireText.checkHeaderValue(check, "token", token);
            }
            case "basic" -> {
                check.require(username != null && !username.isEmpty(), "username", "is required for basic auth");
                checkUsername(check);
                requireSecret(check, "password", password);
            }
            case "header", "query" -> {
                check.require(
                        name != null && name.matches("[A-Za-z0-9_.-]+"),
                        "name",
                        "is required: the " + type + " name that carries the key");
                requireSecret(check, "value", value);
                if ("header".equals(type)) {
                    WireText.checkHeaderName(check, "name", name);
                    WireText.checkHeaderValue(check, "value", value);
                }
            }
            case "oauth2" -> OAuth2Check.check(this, check, url, allowedOrigins);
            default -> check.fail("type", "must be one of bearer, basic, header, query, oauth2");
        }
    }

    private void checkUsername(SpecCheck check) {
        if (username == null) {
            return;
        }
        String flaw = Secret.flaw(username);
        if (flaw != null) {
            check.failSecretValue("username", flaw);
        } else if (username.contains(":")) {
            check.failSecret("username", "a basic-auth user name cannot contain ':' (RFC 7617)");
        }
    }

    static void requireSecret(SpecCheck check, String field, Secret secret) {
        if (secret == null || secret.isEmpty()) {
            check.failSecret(
                    field, "is required and must not be empty; write it as ${ENV_VAR} and export the variable");
        }
    }
}
