package dev.sluice.source.http.internal;

import dev.sluice.config.Secret;
import dev.sluice.http.Request;
import dev.sluice.partition.Partition;
import dev.sluice.source.http.HttpSourceConfig;
import dev.sluice.source.http.Templates;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the GET request for one page: URL with templates rendered, parameters, the spec's headers.
 * No credential: the exchange adds it per request, for trusted origins only.
 */
final class RequestFactory {
    private final HttpSourceConfig config;

    RequestFactory(HttpSourceConfig config) {
        this.config = config;
    }

    /** The spec's URL with the partition's values: its origin receives the credentials. */
    String url(Partition partition) {
        return Templates.render(config.url(), partition);
    }

    /**
     * @param partition  fills the templates
     * @param absolute   a next-page URL given by the API (admitted and stripped), or null to build
     *                   from the spec
     * @param pageParams pagination and incremental parameters for this page
     */
    Request build(Partition partition, URI absolute, Map<String, String> pageParams) {
        URI uri = absolute != null ? absolute : fromSpec(partition, pageParams);
        Map<String, Secret> headers = new LinkedHashMap<>();
        config.headers().forEach((name, value) -> headers.put(name, rendered(value, partition)));
        return Request.get(uri).withSecretHeaders(headers);
    }

    private static Secret rendered(Secret value, Partition partition) {
        String text = Templates.render(value.reveal(), partition);
        return text.equals(value.reveal()) ? value : new Secret(text);
    }

    private URI fromSpec(Partition partition, Map<String, String> pageParams) {
        Map<String, String> params = new LinkedHashMap<>();
        config.params().forEach((k, v) -> params.put(k, Templates.render(v, partition)));
        params.putAll(pageParams);
        String query = params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String base = url(partition);
        return URI.create(query.isEmpty() ? base : base + "?" + query);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
