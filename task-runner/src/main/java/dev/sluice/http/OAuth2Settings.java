package dev.sluice.http;

import dev.sluice.config.Secret;
import java.net.URI;
import java.util.Locale;

/**
 * An OAuth2 client (RFC 6749) that obtains access tokens for a job's API: the checked form of a
 * spec's {@code auth: {type: oauth2, ...}}.
 *
 * @param tokenUrl     the token endpoint (https, or an origin the spec trusts)
 * @param clientId     the client's id
 * @param clientSecret the client's secret
 * @param scope        the scope asked for, or null
 * @param grant        how tokens are obtained
 * @param refreshToken the refresh token of the {@code refresh_token} grant, else null
 * @param clientAuth   how the client proves who it is to the token endpoint
 */
public record OAuth2Settings(
        URI tokenUrl,
        String clientId,
        Secret clientSecret,
        String scope,
        Grant grant,
        Secret refreshToken,
        ClientAuth clientAuth) {
    /** The grant type (RFC 6749 4.4 and 6). */
    public enum Grant {
        CLIENT_CREDENTIALS,
        REFRESH_TOKEN;

        /** As the form parameter {@code grant_type} and the spec spell it. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Client authentication at the token endpoint (RFC 6749 2.3.1). */
    public enum ClientAuth {
        /** HTTP Basic with the form-encoded id and secret (the RFC's preferred way). */
        BASIC,
        /** {@code client_id} and {@code client_secret} form fields. */
        BODY
    }
}
