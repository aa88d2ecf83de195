package dev.sluice.source.http.internal;

import dev.sluice.config.Secret;
import dev.sluice.partition.Partition;
import dev.sluice.source.http.AuthConfig;
import dev.sluice.source.http.HttpSourceConfig;
import dev.sluice.source.http.Templates;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Builds the GET request for one page: URL with templates rendered, parameters, auth, headers. */
final class RequestFactory {
    private static final String USER_AGENT = "sluice/" + version();

    private final HttpSourceConfig config;

    RequestFactory(HttpSourceConfig config) {
        this.config = config;
    }

    /**
     * @param partition  fills the templates
     * @param absolute   a next-page URL given by the API, or null to build from the spec
     * @param pageParams pagination and incremental parameters for this page
     */
    HttpRequest build(Partition partition, URI absolute, Map<String, String> pageParams) {
        URI uri = absolute != null ? withAuthQuery(absolute) : fromSpec(partition, pageParams);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(config.timeout())
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
        config.headers().forEach((name, value) -> request.header(name, Templates.render(value.reveal(), partition)));
        authHeader().ifPresent(h -> request.header(h.getKey(), h.getValue()));
        return request.build();
    }

    private URI fromSpec(Partition partition, Map<String, String> pageParams) {
        Map<String, String> params = new LinkedHashMap<>();
        config.params().forEach((k, v) -> params.put(k, Templates.render(v, partition)));
        params.putAll(pageParams);
        AuthConfig auth = config.auth();
        if (auth != null && "query".equals(auth.type())) {
            params.put(auth.name(), auth.value().reveal());
        }
        String query = params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String base = Templates.render(config.url(), partition);
        return URI.create(query.isEmpty() ? base : base + "?" + query);
    }

    private URI withAuthQuery(URI next) {
        AuthConfig auth = config.auth();
        if (auth == null
                || !"query".equals(auth.type())
                || (next.getRawQuery() != null && next.getRawQuery().contains(encode(auth.name()) + "="))) {
            return next;
        }
        String param = encode(auth.name()) + "=" + encode(auth.value().reveal());
        return URI.create(next + (next.getRawQuery() == null ? "?" : "&") + param);
    }

    private Optional<Map.Entry<String, String>> authHeader() {
        AuthConfig auth = config.auth();
        if (auth == null) {
            return Optional.empty();
        }
        return switch (auth.type()) {
            case "bearer" ->
                Optional.of(Map.entry("Authorization", "Bearer " + auth.token().reveal()));
            case "basic" -> Optional.of(Map.entry("Authorization", "Basic " + basic(auth.username(), auth.password())));
            case "header" -> Optional.of(Map.entry(auth.name(), auth.value().reveal()));
            default -> Optional.empty();
        };
    }

    private static String basic(String user, Secret password) {
        return Base64.getEncoder().encodeToString((user + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String version() {
        String v = RequestFactory.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
