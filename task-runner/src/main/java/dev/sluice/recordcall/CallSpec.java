package dev.sluice.recordcall;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ByteSize;
import dev.sluice.config.SpecCheck;
import dev.sluice.http.HttpConfig;
import dev.sluice.http.StatusRules;
import dev.sluice.source.http.AuthConfig;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code call:} of a per-record job: one request per input record.
 *
 * @param method            GET, POST, PUT, PATCH or DELETE
 * @param url               templated: {@code https://api.example.com/v1/customers/{record.id}/enrichment}
 *                          (values are URL-encoded); its origin receives the credentials
 * @param query             query parameters, values templated
 * @param headers           more request headers, values templated (not secret: use {@code auth})
 * @param auth              bearer, basic, header or query, as for an http source
 * @param body              the JSON body template (POST, PUT, PATCH): any YAML value, where a string
 *                          that is exactly {@code {record.x}} becomes that value (a whole sub-object)
 * @param done              statuses that are the answer (default: 2xx)
 * @param retry             more statuses to retry (408, 429 and 5xx always are)
 * @param reject            statuses that refuse the record: it becomes a dead letter (default: other 4xx)
 * @param key               the record field that identifies it (default: the input's {@code key})
 * @param idempotencyHeader the header that carries the idempotency key (default
 *                          {@code Idempotency-Key}); {@code off} sends none
 * @param inDoubt           {@code resend} (default), {@code check} or {@code dead_letter}: what a run
 *                          does with a call a crashed attempt had sent
 * @param check             the GET that answers whether an in-doubt call was applied
 * @param concurrency       calls in flight at once per partition (default 4, at most 256)
 * @param timeout           bounds each exchange (default 30s)
 * @param connectTimeout    bounds connecting (default 10s)
 * @param maxResponseSize   the largest answer accepted (default 1MB)
 * @param allowedOrigins    more origins that receive the credentials
 */
public record CallSpec(
        String method,
        String url,
        Map<String, String> query,
        Map<String, String> headers,
        AuthConfig auth,
        JsonNode body,
        List<Integer> done,
        List<Integer> retry,
        List<Integer> reject,
        String key,
        String idempotencyHeader,
        String inDoubt,
        CheckConfig check,
        Integer concurrency,
        Duration timeout,
        Duration connectTimeout,
        ByteSize maxResponseSize,
        List<String> allowedOrigins) {
    /** The most calls in flight per partition. */
    public static final int MAX_CONCURRENCY = 256;

    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    public CallSpec {
        method = method == null ? null : method.toUpperCase(java.util.Locale.ROOT);
        query = query == null ? Map.of() : new LinkedHashMap<>(query);
        headers = headers == null ? Map.of() : new LinkedHashMap<>(headers);
        idempotencyHeader = idempotencyHeader == null ? "Idempotency-Key" : idempotencyHeader;
        concurrency = concurrency == null ? 4 : concurrency;
        maxResponseSize = maxResponseSize == null ? ByteSize.ofMegabytes(1) : maxResponseSize;
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }

    /** The bounds of every exchange. */
    public HttpConfig http() {
        return new HttpConfig(timeout, connectTimeout, maxResponseSize, null);
    }

    /** How answers are judged. */
    public StatusRules statuses() {
        return new StatusRules(
                done == null ? null : new HashSet<>(done),
                reject == null ? null : new HashSet<>(reject),
                retry == null ? null : new HashSet<>(retry));
    }

    /** The idempotency header, or empty when {@code off}. */
    public Optional<String> idempotency() {
        return idempotencyHeader.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(idempotencyHeader);
    }

    /** One line for {@code sluice validate} and logs, without secrets. */
    public String describe() {
        return method + " " + url + ", concurrency " + concurrency + ", "
                + idempotency().map(h -> "idempotency key in " + h).orElse("no idempotency key")
                + ", in doubt: " + inDoubtPolicy().label();
    }

    /** What to do with in-doubt calls. */
    public InDoubt inDoubtPolicy() {
        return InDoubt.parse(inDoubt);
    }

    /**
     * Checks every rule of the section.
     *
     * @param fields the input's record fields, where knowable
     */
    public void check(SpecCheck check, Set<String> partitionVariables, Optional<Set<String>> fields) {
        if (method == null || !METHODS.contains(method)) {
            check.fail("method", "is required: one of GET, POST, PUT, PATCH, DELETE");
        } else if (WITH_BODY.contains(method) && (body == null || body.isNull())) {
            check.fail(
                    "method",
                    method + " sends a body: add call.body, e.g. body: {id: \"{record.id}\", customer: \"{record}\"}");
        } else if (!WITH_BODY.contains(method) && body != null && !body.isNull()) {
            check.fail("body", method + " sends no body; use POST, PUT or PATCH, or remove body");
        }
        checkUrl(check, "url", url, partitionVariables, fields);
        query.forEach((name, value) -> RecordTemplate.check(value, partitionVariables, fields, check, "query/" + name));
        headers.forEach((name, value) -> {
            check.require(
                    name.matches("[A-Za-z0-9-]+"), "headers/" + name, "header names are letters, digits and dashes");
            RecordTemplate.check(value, partitionVariables, fields, check, "headers/" + name);
        });
        RecordTemplate.checkBody(body, partitionVariables, fields, check, "body");
        checkStatuses(check);
        check.require(
                idempotencyHeader.equalsIgnoreCase("off") || idempotencyHeader.matches("[A-Za-z0-9-]+"),
                "idempotency_header",
                "must be a header name such as Idempotency-Key, or off");
        InDoubt policy = inDoubtPolicy();
        if (policy == null) {
            check.fail("in_doubt", "must be resend, check or dead_letter");
        } else if (policy == InDoubt.CHECK && (check == null || this.check == null || this.check.url() == null)) {
            check.fail(
                    "in_doubt", "in_doubt: check needs call.check.url, the GET that tells whether a call was applied");
        } else if (policy == InDoubt.RESEND && idempotency().isEmpty()) {
            check.fail(
                    "in_doubt",
                    "in_doubt: resend without an idempotency key may apply a call twice; "
                            + "use check or dead_letter, or set idempotency_header");
        }
        if (this.check != null) {
            checkUrl(check, "check/url", this.check.url(), partitionVariables, fields);
        }
        check.require(
                concurrency >= 1 && concurrency <= MAX_CONCURRENCY,
                "concurrency",
                "must be from 1 to " + MAX_CONCURRENCY);
        http().check(check);
        if (auth != null) {
            // the call's own origin is trusted (an oauth2 token_url on it may be plain http): the
            // auth check reads it from a URL whose record templates are filled, as the caller does
            String origin = url == null ? null : url.replaceAll("\\{[^{}]*}", "x");
            auth.check(check.at("auth"), origin, allowedOrigins == null ? List.of() : allowedOrigins);
        }
    }

    private void checkStatuses(SpecCheck check) {
        Map<String, List<Integer>> lists = new LinkedHashMap<>();
        lists.put("done", done);
        lists.put("retry", retry);
        lists.put("reject", reject);
        lists.forEach((field, statuses) -> {
            if (statuses != null) {
                for (Integer s : statuses) {
                    check.require(s != null && s >= 100 && s <= 599, field, "statuses are from 100 to 599");
                }
            }
        });
        if (done != null && reject != null && done.stream().anyMatch(reject::contains)) {
            check.fail("reject", "lists a status that done lists too");
        }
    }

    private static void checkUrl(
            SpecCheck check, String field, String url, Set<String> partitionVariables, Optional<Set<String>> fields) {
        if (url == null || url.isBlank()) {
            check.fail(field, "is required, e.g. https://api.example.com/v1/customers/{record.id}");
            return;
        }
        RecordTemplate.check(url, partitionVariables, fields, check, field);
        try {
            URI uri = URI.create(url.replaceAll("\\{[^{}]*}", "x"));
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                check.fail(field, "must be an absolute http:// or https:// URL");
            } else if (uri.getRawQuery() != null) {
                check.fail(field, "put query parameters under query:, not in the url");
            } else if (uri.getRawUserInfo() != null) {
                check.failSecret(field, "put credentials under auth:, not in the url");
            }
        } catch (IllegalArgumentException e) {
            check.fail(field, "is not a valid URL: " + e.getMessage());
        }
    }
}
