package dev.sluice.http;

import dev.sluice.config.SpecCheck;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which origins may receive a job's credentials and headers, and which links it follows. The one
 * place that decides, for every request and every link (next link, {@code Link} header, redirect):
 *
 * <ul>
 *   <li>credentials, the spec's headers and the {@code traceparent} go only to the spec URL's
 *       origin and the origins the spec lists under {@code allowed_origins};
 *   <li>a link to another origin is followed without them ({@code cross_origin: strip}, the
 *       default) or refused ({@code cross_origin: refuse}, exit 78);
 *   <li>a link that is not http(s) ({@code file:}, {@code ftp:}) or that leads from https to plain
 *       http is always refused (exit 78), before anything is stored.
 * </ul>
 */
public final class OriginPolicy {
    /** What happens to a link that leads to an origin the spec does not trust. */
    public enum CrossOrigin {
        /** Follow it without credentials, spec headers or traceparent. */
        STRIP,
        /** Stop the run (exit 78). */
        REFUSE;

        /** {@code strip} or {@code refuse}, as a spec writes it. */
        public static CrossOrigin parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    private final Origin home;
    private final Set<Origin> trusted = new LinkedHashSet<>();
    private final CrossOrigin crossOrigin;

    /**
     * @param home        the origin of the URL the spec names
     * @param allowed     further origins the spec trusts with its credentials
     * @param crossOrigin what to do with links elsewhere
     */
    public OriginPolicy(Origin home, Collection<Origin> allowed, CrossOrigin crossOrigin) {
        this.home = home;
        this.trusted.add(home);
        this.trusted.addAll(allowed);
        this.crossOrigin = crossOrigin;
    }

    /** The policy of a spec section: its URL, {@code allowed_origins} and {@code cross_origin} (checked). */
    public static OriginPolicy of(URI url, List<String> allowedOrigins, String crossOrigin) {
        return new OriginPolicy(
                Origin.of(url),
                allowedOrigins.stream().map(Origin::parse).toList(),
                crossOrigin == null ? CrossOrigin.STRIP : CrossOrigin.parse(crossOrigin));
    }

    /** Checks {@code allowed_origins} and {@code cross_origin} of a spec section. */
    public static void check(SpecCheck check, List<String> allowedOrigins, String crossOrigin) {
        for (int i = 0; i < allowedOrigins.size(); i++) {
            try {
                Origin.parse(allowedOrigins.get(i));
            } catch (IllegalArgumentException e) {
                check.fail("allowed_origins/" + i, e.getMessage() + ", e.g. https://files.example.com");
            }
        }
        check.require(
                crossOrigin == null || crossOrigin.equals("strip") || crossOrigin.equals("refuse"),
                "cross_origin",
                "must be strip (follow links to other origins without credentials) or refuse (stop with 78)");
    }

    public Origin home() {
        return home;
    }

    /** True when {@code target} may receive credentials, spec headers and the traceparent. */
    public boolean trusts(URI target) {
        try {
            return trusted.contains(Origin.of(target));
        } catch (IllegalArgumentException notWeb) {
            return false;
        }
    }

    /**
     * Decides whether a link the API gave may be followed.
     *
     * @param from the URL the link came with (relative links resolve against it)
     * @param link the link as the API wrote it
     * @param what what the link is, for messages: {@code next link}, {@code redirect}
     * @return the absolute target, without user info or fragment (still to be stripped of
     *     credentials before it is stored: {@link HttpExchange#follow})
     * @throws LinkRefusedException when the link must not be followed
     */
    public URI admit(URI from, String link, String what) {
        URI target = resolve(from, link, what);
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        String origin = "the API's " + what + " from " + Urls.where(from);
        if (!Origin.isWeb(scheme)) {
            throw new LinkRefusedException(origin + " is a" + (scheme.isEmpty() ? " schemeless" : " " + scheme + ":")
                    + " URL; only http and https links are followed, so the run stops before storing it");
        }
        if (target.getHost() == null || target.getHost().isEmpty()) {
            throw new LinkRefusedException(origin + " has no host name; the run stops before storing it");
        }
        if ("https".equalsIgnoreCase(from.getScheme()) && scheme.equals("http")) {
            throw new LinkRefusedException(origin + " leads to plain http (" + Urls.where(target)
                    + "); Sluice never follows a link from https down to http");
        }
        if (crossOrigin == CrossOrigin.REFUSE && !trusts(target)) {
            throw new LinkRefusedException(origin + " leads to " + Origin.of(target) + ", another origin than "
                    + home + ", and cross_origin is refuse. If that origin is the API's own, list it under "
                    + "allowed_origins (it then receives the credentials); cross_origin: strip follows such links "
                    + "without credentials or spec headers");
        }
        return withoutUserInfo(target);
    }

    private static URI resolve(URI from, String link, String what) {
        try {
            return from.resolve(new URI(link.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new LinkRefusedException(
                    "the API's " + what + " from " + Urls.where(from) + " is not a valid URL; the run stops");
        }
    }

    private static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null && uri.getRawFragment() == null) {
            return uri;
        }
        return URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }
}
