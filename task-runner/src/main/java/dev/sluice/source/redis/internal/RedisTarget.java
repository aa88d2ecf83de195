package dev.sluice.source.redis.internal;

import dev.sluice.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where a stream lives, from {@code redis://[user:password@]host[:port][/db]} ({@code rediss://}
 * for TLS). The password becomes a {@link Secret} (masked in every output); {@link #where()} is
 * the only text of the URL that messages show.
 */
public record RedisTarget(String host, int port, int database, String user, Secret password, boolean tls) {
    private static final int DEFAULT_PORT = 6379;

    /** Why {@code url} cannot be used, without showing any of it; empty when it can. */
    public static Optional<String> problem(String url) {
        try {
            parse(url);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Reads the URL.
     *
     * @throws IllegalArgumentException naming the rule broken (never the URL, which holds the password)
     */
    public static RedisTarget parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL (" + e.getReason()
                    + "); write redis://[user:password@]host[:port][/db], percent-encoding @ : / in the password");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("must start with redis:// or rediss:// (TLS)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("names no host; write redis://[user:password@]host[:port][/db]");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("takes no ?query or #fragment; settings are fields of the input");
        }
        String user = null;
        Secret password = null;
        if (uri.getUserInfo() != null) {
            int colon = uri.getUserInfo().indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "has a user without a password; write redis://user:password@host, or :password@host");
            }
            user = colon == 0 ? null : uri.getUserInfo().substring(0, colon);
            password = new Secret(uri.getUserInfo().substring(colon + 1));
        }
        return new RedisTarget(
                uri.getHost(),
                uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
                database(uri),
                user,
                password,
                "rediss".equals(scheme));
    }

    private static int database(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int db = Integer.parseInt(path.substring(1));
            if (db >= 0) {
                return db;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("has a path that is not a database number; write /0, /1 ... or nothing");
    }

    /** {@code host:port/db}, with the scheme: what messages show. */
    public String where() {
        return (tls ? "rediss://" : "redis://") + host + ":" + port + "/" + database;
    }
}
