package dev.sluice.http;

import dev.sluice.http.internal.QueryParams;
import dev.sluice.http.internal.TokenCache;
import dev.sluice.http.internal.TokenEndpoint;
import java.net.URI;
import java.time.InstantSource;
import java.util.List;

/**
 * {@code Authorization: Bearer <access token>} from an OAuth2 token endpoint (client credentials or
 * refresh token grant). The token is fetched once per process and shared by every request and
 * thread, fetched anew shortly before {@code expires_in} runs out, and once after the API answers
 * 401 ({@link HttpExchange} then sends the request once more). Each token is registered for
 * masking the moment it is read, so no output or table shows it.
 */
public final class OAuth2Credential implements Credential, AutoCloseable {
    private final TokenCache cache;
    private final HttpExchange tokenExchange;

    private OAuth2Credential(TokenCache cache, HttpExchange tokenExchange) {
        this.cache = cache;
        this.tokenExchange = tokenExchange;
    }

    /**
     * @param settings the client (checked)
     * @param bounds   the time and size bounds of the source, which token requests keep too
     * @param clock    decides when a token is about to expire
     */
    public static OAuth2Credential open(OAuth2Settings settings, HttpConfig bounds, InstantSource clock) {
        // trusts the token endpoint only and refuses redirects elsewhere: the client secret stays there
        OriginPolicy tokenOrigin =
                new OriginPolicy(Origin.of(settings.tokenUrl()), List.of(), OriginPolicy.CrossOrigin.REFUSE);
        HttpExchange exchange = HttpExchange.open(bounds, tokenOrigin, Credential.NONE);
        TokenCache cache = new TokenCache(new TokenEndpoint(settings, exchange), clock, settings.refreshToken());
        return new OAuth2Credential(cache, exchange);
    }

    @Override
    public void apply(Target request) {
        throw new IllegalStateException("an OAuth2 credential is applied through current()");
    }

    @Override
    public Credential current() {
        return new Held(tokenNow());
    }

    @Override
    public boolean renew(Credential sent) {
        if (!(sent instanceof Held held)) {
            return false;
        }
        try {
            return cache.renew(held.token());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenFetchException("interrupted while fetching an OAuth2 token", false, e);
        }
    }

    @Override
    public URI strip(URI uri) {
        return current().strip(uri);
    }

    @Override
    public void close() {
        tokenExchange.close();
    }

    private TokenCache.Token tokenNow() {
        try {
            return cache.current();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenFetchException("interrupted while fetching an OAuth2 token", false, e);
        }
    }

    /** The token one exchange carries, so that a 401 names which token was rejected. */
    private record Held(TokenCache.Token token) implements Credential {
        @Override
        public void apply(Target request) {
            request.header("Authorization", "Bearer " + token.value().reveal());
        }

        @Override
        public URI strip(URI uri) {
            return QueryParams.remove(uri, null, token.value().reveal());
        }
    }
}
