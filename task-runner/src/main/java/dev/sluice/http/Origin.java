package dev.sluice.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a request goes, as browsers and RFC 6454 compare it: scheme, host and port, lower case,
 * with the default port filled in ({@code https://api.example.com} and
 * {@code https://API.example.com:443/v1} are the same origin; {@code http://api.example.com} and
 * {@code https://api.example.com:8443} are not). Only {@code http} and {@code https} have origins
 * here: Sluice talks to nothing else.
 *
 * @param scheme {@code http} or {@code https}
 * @param host   the host name or address, lower case
 * @param port   the port, the scheme's default when the URL gives none
 */
public record Origin(String scheme, String host, int port) {
    public Origin {
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (!isWeb(scheme)) {
            throw new IllegalArgumentException("only http and https URLs have an origin here, not " + scheme + ":");
        }
    }

    /**
     * The origin of an absolute http(s) URL.
     *
     * @throws IllegalArgumentException for another scheme or a URL without a host
     */
    public static Origin of(URI uri) {
        if (uri.getScheme() == null || !isWeb(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("expected an absolute http:// or https:// URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("expected a URL with a host name");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return new Origin(scheme, uri.getHost(), uri.getPort() == -1 ? defaultPort(scheme) : uri.getPort());
    }

    /**
     * An origin as a spec writes it: {@code https://files.example.com} or
     * {@code http://127.0.0.1:8089}, without user, path (a lone {@code /} is fine), query or fragment.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Origin parse(String text) {
        URI uri;
        try {
            uri = new URI(text == null ? "" : text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL: " + e.getReason());
        }
        Origin origin = of(uri);
        boolean bare = uri.getRawUserInfo() == null
                && (uri.getRawPath() == null
                        || uri.getRawPath().isEmpty()
                        || uri.getRawPath().equals("/"))
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null;
        if (!bare) {
            throw new IllegalArgumentException("an origin is scheme://host[:port] only, without user, path or query");
        }
        return origin;
    }

    /** True for {@code https}. */
    public boolean secure() {
        return scheme.equals("https");
    }

    static boolean isWeb(String scheme) {
        return scheme.equals("http") || scheme.equals("https");
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    /** {@code scheme://host}, with {@code :port} when it is not the scheme's default. */
    @Override
    public String toString() {
        return scheme + "://" + host + (port == defaultPort(scheme) ? "" : ":" + port);
    }
}
