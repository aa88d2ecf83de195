package dev.sluice.source.http;

import dev.sluice.config.ByteSize;
import dev.sluice.config.JsonPath;
import dev.sluice.config.Secret;
import dev.sluice.config.SpecCheck;
import dev.sluice.http.HttpConfig;
import dev.sluice.http.LinkRefusedException;
import dev.sluice.http.OriginPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code source: {type: http}}: a paginated JSON API read with GET requests.
 *
 * @param url            the endpoint; may use {@code {partition}} and {@code {partition.<name>}}.
 *                       Its origin (scheme, host, port) is the one that receives the credentials
 * @param params         query parameters; values may use the same templates
 * @param headers        extra request headers (treated as secrets: never logged, sent only to
 *                       trusted origins)
 * @param auth           how to authenticate, or null
 * @param records        where the page's records are, e.g. {@code $.data} ({@code $} = the body is the list)
 * @param pagination     how to get from one page to the next
 * @param incremental    load only what changed since the last run, or null
 * @param timeout        bounds each exchange: connecting, headers, redirects and the whole body
 *                       (default 30s)
 * @param connectTimeout TCP connect timeout (default 10s)
 * @param maxPages       safety stop: a partition with more pages than this stops with exit 78 before
 *                       reading the next one (default 1 000 000)
 * @param maxResponseSize the largest page body accepted (default 64MB); bigger is refused unread
 *                       (exit 65)
 * @param maxRedirects   redirects followed per request (default 5)
 * @param allowedOrigins more origins that receive the credentials and headers, e.g.
 *                       {@code https://files.example.com}
 * @param crossOrigin    links (next links, {@code Link} headers, redirects) to other origins:
 *                       {@code strip} (default: followed without credentials, headers or
 *                       traceparent) or {@code refuse} (exit 78)
 */
public record HttpSourceConfig(
        String url,
        Map<String, String> params,
        Map<String, Secret> headers,
        AuthConfig auth,
        String records,
        PaginationConfig pagination,
        IncrementalConfig incremental,
        Duration timeout,
        Duration connectTimeout,
        Long maxPages,
        ByteSize maxResponseSize,
        Integer maxRedirects,
        List<String> allowedOrigins,
        String crossOrigin) {

    public HttpSourceConfig {
        params = params == null ? Map.of() : new LinkedHashMap<>(params);
        headers = headers == null ? Map.of() : new LinkedHashMap<>(headers);
        records = records == null ? "$.data" : records;
        pagination = pagination == null ? PaginationConfig.NONE : pagination;
        HttpConfig http = new HttpConfig(timeout, connectTimeout, maxResponseSize, maxRedirects);
        timeout = http.timeout();
        connectTimeout = http.connectTimeout();
        maxResponseSize = http.maxResponseSize();
        maxRedirects = http.maxRedirects();
        maxPages = maxPages == null ? 1_000_000L : maxPages;
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        crossOrigin = crossOrigin == null ? "strip" : crossOrigin;
    }

    /** The bounds of every exchange with the API. */
    public HttpConfig http() {
        return new HttpConfig(timeout, connectTimeout, maxResponseSize, maxRedirects);
    }

    /** Who receives the credentials, for the URL as rendered for one partition. */
    public OriginPolicy originPolicy(String renderedUrl) {
        try {
            return OriginPolicy.of(URI.create(renderedUrl), allowedOrigins, crossOrigin);
        } catch (IllegalArgumentException e) {
            throw new LinkRefusedException("source.url, rendered for this partition, is not an absolute http(s) URL ("
                    + e.getMessage() + "); check the url and the partition's values");
        }
    }

    /** Checks every rule of this section, reporting all problems. */
    void check(SpecCheck check, Set<String> partitionVariables) {
        checkUrl(check, partitionVariables);
        params.forEach((name, value) -> {
            Templates.check(value, partitionVariables, check, "params/" + name);
            WireText.checkQueryValue(check, "params/" + name, value);
        });
        headers.forEach((name, value) -> {
            if (!name.matches("[A-Za-z0-9-]+")) {
                check.fail("headers/" + name, "header names are letters, digits and dashes");
            } else {
                WireText.checkHeader(check, "headers/" + name, name, value == null ? null : value.reveal());
            }
        });
        checkPath(check, "records", records);
        http().check(check);
        OriginPolicy.check(check, allowedOrigins, crossOrigin);
        check.require(maxPages > 0, "max_pages", "must be at least 1");
        if (auth != null) {
            auth.check(check.at("auth"), url, allowedOrigins);
        }
        pagination.check(check.at("pagination"));
        if (incremental != null) {
            incremental.check(check.at("incremental"));
        }
    }

    private void checkUrl(SpecCheck check, Set<String> partitionVariables) {
        if (url == null || url.isBlank()) {
            check.fail("url", "is required, e.g. url: https://api.example.com/v1/orders");
            return;
        }
        Templates.check(url, partitionVariables, check, "url");
        try {
            URI uri = URI.create(Templates.placeholder(url));
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                check.fail("url", "must be an absolute http:// or https:// URL");
            }
            if (uri.getRawQuery() != null) {
                check.fail("url", "put query parameters under params:, not in the url");
            }
            if (uri.getRawUserInfo() != null) {
                check.failSecret("url", "put credentials under auth:, not in the url (user:password@ is never sent)");
            }
        } catch (IllegalArgumentException e) {
            check.fail("url", "is not a valid URL: " + e.getMessage());
        }
    }

    static void checkPath(SpecCheck check, String field, String path) {
        if (path == null) {
            return;
        }
        try {
            JsonPath.compile(path);
        } catch (IllegalArgumentException e) {
            check.fail(field, e.getMessage());
        }
    }
}
