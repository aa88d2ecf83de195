package dev.sluice.source.http;

import dev.sluice.config.JsonPath;
import dev.sluice.config.Secret;
import dev.sluice.config.SpecCheck;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code source: {type: http}}: a paginated JSON API read with GET requests.
 *
 * @param url            the endpoint; may use {@code {partition}} and {@code {partition.<name>}}
 * @param params         query parameters; values may use the same templates
 * @param headers        extra request headers (treated as secrets: never logged)
 * @param auth           how to authenticate, or null
 * @param records        where the page's records are, e.g. {@code $.data} ({@code $} = the body is the list)
 * @param pagination     how to get from one page to the next
 * @param incremental    load only what changed since the last run, or null
 * @param timeout        per-request timeout (default 30s)
 * @param connectTimeout TCP connect timeout (default 10s)
 * @param maxPages       safety stop: fail when a partition has more pages than this (default 1 000 000)
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
        Long maxPages) {

    public HttpSourceConfig {
        params = params == null ? Map.of() : new LinkedHashMap<>(params);
        headers = headers == null ? Map.of() : new LinkedHashMap<>(headers);
        records = records == null ? "$.data" : records;
        pagination = pagination == null ? PaginationConfig.NONE : pagination;
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        maxPages = maxPages == null ? 1_000_000L : maxPages;
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
        check.require(timeout.isPositive(), "timeout", "must be more than 0s");
        check.require(connectTimeout.isPositive(), "connect_timeout", "must be more than 0s");
        check.require(maxPages > 0, "max_pages", "must be at least 1");
        if (auth != null) {
            auth.check(check.at("auth"));
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
