package dev.sluice.http.internal;

import dev.sluice.config.Secret;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The access token of one process: fetched on first use, reused until shortly before it expires,
 * replaced once when the API rejects it. One lock around the fetch, so concurrent callers share
 * one token request instead of each asking for their own.
 */
public final class TokenCache {
    /** Refresh this long before expiry at most: a request sent just in time must not arrive just too late. */
    private static final Duration MAX_MARGIN = Duration.ofSeconds(60);

    private final TokenEndpoint endpoint;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private Secret refreshToken;
    private Token token;

    /** A token and when to stop using it (null: until the API rejects it). */
    public record Token(Secret value, Instant refreshAt) {}

    public TokenCache(TokenEndpoint endpoint, InstantSource clock, Secret refreshToken) {
        this.endpoint = endpoint;
        this.clock = clock;
        this.refreshToken = refreshToken;
    }

    /** The token to send now, fetched first when there is none or it is about to expire. */
    public Token current() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (token == null || (token.refreshAt() != null && !clock.instant().isBefore(token.refreshAt()))) {
                token = fetch();
            }
            return token;
        } finally {
            lock.unlock();
        }
    }

    /**
     * After the API rejected {@code rejected}: a new token unless another caller already replaced
     * it. True when the token now held differs from the rejected one.
     */
    public boolean renew(Token rejected) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (token == rejected) {
                token = fetch();
            }
            return token != rejected;
        } finally {
            lock.unlock();
        }
    }

    private Token fetch() throws InterruptedException {
        Instant asked = clock.instant();
        TokenEndpoint.Grant grant = endpoint.fetch(refreshToken);
        if (grant.refreshToken() != null) {
            refreshToken = grant.refreshToken(); // a rotating server invalidates the old one
        }
        if (grant.expiresIn() == null) {
            return new Token(grant.accessToken(), null);
        }
        Duration margin = grant.expiresIn().dividedBy(5);
        margin = margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin;
        // counted from when it was asked for: the lifetime started at the server before the answer came
        return new Token(grant.accessToken(), asked.plus(grant.expiresIn()).minus(margin));
    }
}
