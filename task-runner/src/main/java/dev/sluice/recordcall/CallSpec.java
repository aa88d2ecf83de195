package dev.sluice.recordcall;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ByteSize;
import dev.sluice.config.SpecCheck;
import dev.sluice.http.HttpConfig;
import dev.sluice.http.StatusRules;
import dev.sluice.ratelimit.LimitConfig;
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
 * @param cost              what one call (each attempt) takes from a limit of the job, by limit name,
 *                          in the limit's units: a {@link CostExpression} such as
 *                          {@code "{record.tokens}"}; limits not named take 1
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
        List<String> allowedOrigins,
        Map<String, String> cost) {
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
        cost = cost == null ? Map.of() : new LinkedHashMap<>(cost);
    }

    /**
     * The parsed costs by limit name (call after {@link #check}).
     *
     * @throws IllegalArgumentException when one does not parse (a spec {@link #check} refused)
     */
    public Map<String, CostExpression> costs() {
        Map<String, CostExpression> parsed = new LinkedHashMap<>();
        cost.forEach((limit, text) -> parsed.put(limit, CostExpression.parse(text)));
        return parsed;
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
     * @param limits the job's limits, which {@code cost} may name
     */
    public void check(
            SpecCheck check, Set<String> partitionVariables, Optional<Set<String>> fields, List<LimitConfig> limits) {
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
        checkCosts(check, fields, limits);
        if (auth != null) {
            auth.check(check.at("auth"), url, allowedOrigins == null ? List.of() : allowedOrigins);
        }
    }

    private void checkCosts(SpecCheck check, Optional<Set<String>> fields, List<LimitConfig> limits) {
        Map<String, LimitConfig> byName = new LinkedHashMap<>();
        limits.forEach(l -> byName.put(l.name(), l));
        cost.forEach((limit, text) -> {
            String field = "cost/" + limit;
            LimitConfig config = byName.get(limit);
            if (config == null) {
                check.fail(
                        field,
                        "names no limit of this job; cost is per limit, by name: "
                                + (byName.isEmpty()
                                        ? "add the limit under limits:"
                                        : String.join(", ", byName.keySet())));
                return;
            }
            CostExpression expression;
            try {
                expression = CostExpression.parse(text);
            } catch (IllegalArgumentException e) {
                check.fail(field, e.getMessage());
                return;
            }
            fields.ifPresent(known -> expression.topFields().stream()
                    .filter(f -> !known.contains(f))
                    .forEach(f -> check.fail(
                            field,
                            "{record." + f + "}: the input's records have no field " + f + "; they have "
                                    + String.join(", ", new java.util.TreeSet<>(known)))));
            long most = safeMaxCost(config);
            if (expression.isConstant() && expression.constant() > most) {
                check.fail(
                        field,
                        "a call costs " + expression.constant() + " units, but limit " + limit + " grants at most "
                                + most + " at once (its capacity); raise its burst to at least "
                                + expression.constant());
            }
        });
    }

    private static long safeMaxCost(LimitConfig config) {
        try {
            return config.maxCost();
        } catch (RuntimeException e) {
            return Long.MAX_VALUE; // the limit itself is invalid: its own check reports that
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
