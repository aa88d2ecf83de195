package dev.sluice.http.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Adds and removes query parameters of a URL without touching the rest of it (raw, as encoded). */
public final class QueryParams {
    private QueryParams() {}

    /** {@code uri} with {@code name=value} appended (both encoded here). */
    public static URI add(URI uri, String name, String value) {
        String param = encode(name) + "=" + encode(value);
        String query = uri.getRawQuery();
        return replaceQuery(uri, query == null || query.isEmpty() ? param : query + "&" + param);
    }

    /**
     * {@code uri} without every parameter named {@code name} and every parameter whose value is
     * {@code value} (however it was encoded, under any name): what an API echoed of a credential.
     */
    public static URI remove(URI uri, String name, String value) {
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return uri;
        }
        List<String> kept = new ArrayList<>();
        for (String param : query.split("&", -1)) {
            int eq = param.indexOf('=');
            String key = decode(eq < 0 ? param : param.substring(0, eq));
            String val = eq < 0 ? "" : decode(param.substring(eq + 1));
            if (!key.equals(name) && !(value != null && !value.isEmpty() && val.equals(value))) {
                kept.add(param);
            }
        }
        return kept.size() == query.split("&", -1).length ? uri : replaceQuery(uri, String.join("&", kept));
    }

    private static URI replaceQuery(URI uri, String query) {
        String text = uri.toString();
        int start = text.indexOf('?');
        int end = text.indexOf('#');
        String head = start < 0 ? (end < 0 ? text : text.substring(0, end)) : text.substring(0, start);
        String tail = end < 0 ? "" : text.substring(end);
        return URI.create(head + (query.isEmpty() ? "" : "?" + query) + tail);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }
}
