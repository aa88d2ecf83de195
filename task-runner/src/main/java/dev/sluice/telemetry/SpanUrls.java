package dev.sluice.telemetry;

import dev.sluice.Masking;
import dev.sluice.http.Urls;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code url.full} of a call span: no user info, and in the query the value of every parameter
 * whose name says it carries a credential replaced by {@code REDACTED} (as the HTTP semantic
 * conventions advise); other values keep what is useful (a cursor, a partition) with every known
 * secret masked. A credential sent as a query parameter by the spec's auth is added to the request
 * after this point and never appears.
 */
final class SpanUrls {
    private static final Pattern CREDENTIAL =
            Pattern.compile("key|token|secret|passw|sig|auth|credential|session", Pattern.CASE_INSENSITIVE);

    private SpanUrls() {}

    static String full(URI uri) {
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return Masking.mask(Urls.where(uri));
        }
        return Masking.mask(Urls.where(uri) + "?"
                + Arrays.stream(query.split("&")).map(SpanUrls::param).collect(Collectors.joining("&")));
    }

    static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
    }

    private static String param(String pair) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
            return pair;
        }
        String name = pair.substring(0, eq);
        return CREDENTIAL.matcher(name).find() ? name + "=REDACTED" : pair;
    }
}
