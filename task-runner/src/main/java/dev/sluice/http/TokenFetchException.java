package dev.sluice.http;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * No access token from the OAuth2 token endpoint. Refused (400 or 401: wrong client id or secret,
 * revoked refresh token, unknown scope) is a configuration error, exit 78: retrying cannot help.
 * Unavailable (5xx, 429, timeout, connection failure) is temporary, exit 75.
 */
public class TokenFetchException extends SluiceException {
    private final boolean refused;

    public TokenFetchException(String message, boolean refused, Throwable cause) {
        super(message, cause);
        this.refused = refused;
    }

    /** True when the token endpoint refused the client or grant (400/401). */
    public boolean refused() {
        return refused;
    }

    @Override
    public Outcome outcome() {
        return refused ? Outcome.CONFIG : Outcome.TEMPORARY;
    }
}
