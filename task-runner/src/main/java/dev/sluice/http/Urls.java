package dev.sluice.http;

import java.net.URI;

/** URLs in messages: scheme, host, port and path only, never user info or the query string. */
public final class Urls {
    private Urls() {}

    /**
     * {@code https://api.example.com/v1/orders}: what messages, logs and exceptions may show of a
     * URL. The query string and user info are left out: they are where credentials travel.
     */
    public static String where(URI uri) {
        if (uri.getHost() == null) {
            return (uri.getScheme() == null ? "" : uri.getScheme() + ":") + "…";
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
