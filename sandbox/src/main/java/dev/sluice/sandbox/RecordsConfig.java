package dev.sluice.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the per-record endpoints ({@code /v1/customers/{id}...}) behave. Immutable, validated on
 * construction; start from {@link #DEFAULTS} and change fields with the {@code with...} methods.
 *
 * @param latency           delay of every admitted per-record request, between its effect and its
 *                          answer (default none)
 * @param idempotency       honour or ignore idempotency keys (default honour)
 * @param idempotencyHeader the request header that carries keys (default {@code Idempotency-Key})
 * @param poison            ids answered 422 {@code unprocessable_record} (default none)
 * @param malformed         ids answered with a malformed body (default none)
 * @param malformedKind     how their bodies are broken (default mixed)
 * @param unitLimits        limits in units rather than requests, e.g. tokens per minute; a request's
 *                          cost is its {@code costHeader} or the {@code costField} of a POST body
 *                          (default none)
 * @param costField         where a POST body carries its cost: a dotted path such as
 *                          {@code tokens} or {@code usage.tokens} (default {@code tokens})
 * @param costHeader        the header that carries a cost, which wins over the body
 *                          (default {@code X-Cost})
 * @param oauth             OAuth2 for the per-record endpoints (default off)
 */
public record RecordsConfig(
        LatencyRange latency,
        IdempotencyMode idempotency,
        String idempotencyHeader,
        IdSet poison,
        IdSet malformed,
        MalformedKind malformedKind,
        List<LimitSpec> unitLimits,
        String costField,
        String costHeader,
        OAuthConfig oauth) {
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    /** No latency, keys honoured in {@code Idempotency-Key}, no poison or malformed ids, no unit limits, no OAuth. */
    public static final RecordsConfig DEFAULTS = new RecordsConfig(
            LatencyRange.NONE,
            IdempotencyMode.HONOUR,
            "Idempotency-Key",
            IdSet.NONE,
            IdSet.NONE,
            MalformedKind.MIXED,
            List.of(),
            "tokens",
            "X-Cost",
            OAuthConfig.OFF);

    public RecordsConfig {
        latency = latency == null ? LatencyRange.NONE : latency;
        idempotency = idempotency == null ? IdempotencyMode.HONOUR : idempotency;
        idempotencyHeader = header("idempotency header", idempotencyHeader, "Idempotency-Key");
        poison = poison == null ? IdSet.NONE : poison;
        malformed = malformed == null ? IdSet.NONE : malformed;
        malformedKind = malformedKind == null ? MalformedKind.MIXED : malformedKind;
        unitLimits = List.copyOf(unitLimits == null ? List.of() : unitLimits);
        costField = costField == null ? "tokens" : costField;
        if (!PATH.matcher(costField).matches()) {
            throw new SandboxConfigException(
                    "cost field = \"" + costField + "\": must be a dotted path of names, e.g. tokens or usage.tokens");
        }
        costHeader = header("cost header", costHeader, "X-Cost");
        oauth = oauth == null ? OAuthConfig.OFF : oauth;
    }

    public RecordsConfig withLatency(LatencyRange v) {
        return new RecordsConfig(
                v,
                idempotency,
                idempotencyHeader,
                poison,
                malformed,
                malformedKind,
                unitLimits,
                costField,
                costHeader,
                oauth);
    }

    public RecordsConfig withIdempotency(IdempotencyMode v) {
        return new RecordsConfig(
                latency,
                v,
                idempotencyHeader,
                poison,
                malformed,
                malformedKind,
                unitLimits,
                costField,
                costHeader,
                oauth);
    }

    public RecordsConfig withIdempotencyHeader(String v) {
        return new RecordsConfig(
                latency, idempotency, v, poison, malformed, malformedKind, unitLimits, costField, costHeader, oauth);
    }

    public RecordsConfig withPoison(IdSet v) {
        return new RecordsConfig(
                latency,
                idempotency,
                idempotencyHeader,
                v,
                malformed,
                malformedKind,
                unitLimits,
                costField,
                costHeader,
                oauth);
    }

    public RecordsConfig withMalformed(IdSet v) {
        return new RecordsConfig(
                latency,
                idempotency,
                idempotencyHeader,
                poison,
                v,
                malformedKind,
                unitLimits,
                costField,
                costHeader,
                oauth);
    }

    public RecordsConfig withMalformedKind(MalformedKind v) {
        return new RecordsConfig(
                latency,
                idempotency,
                idempotencyHeader,
                poison,
                malformed,
                v,
                unitLimits,
                costField,
                costHeader,
                oauth);
    }

    public RecordsConfig withUnitLimits(List<LimitSpec> v) {
        return new RecordsConfig(
                latency,
                idempotency,
                idempotencyHeader,
                poison,
                malformed,
                malformedKind,
                v,
                costField,
                costHeader,
                oauth);
    }

    /** Unit limits in text form, e.g. {@code withUnitLimits("10000/1m")}; no argument removes them. */
    public RecordsConfig withUnitLimits(String... specs) {
        return withUnitLimits(List.of(specs).stream().map(LimitSpec::parse).toList());
    }

    public RecordsConfig withCostField(String v) {
        return new RecordsConfig(
                latency,
                idempotency,
                idempotencyHeader,
                poison,
                malformed,
                malformedKind,
                unitLimits,
                v,
                costHeader,
                oauth);
    }

    public RecordsConfig withCostHeader(String v) {
        return new RecordsConfig(
                latency,
                idempotency,
                idempotencyHeader,
                poison,
                malformed,
                malformedKind,
                unitLimits,
                costField,
                v,
                oauth);
    }

    public RecordsConfig withOAuth(OAuthConfig v) {
        return new RecordsConfig(
                latency,
                idempotency,
                idempotencyHeader,
                poison,
                malformed,
                malformedKind,
                unitLimits,
                costField,
                costHeader,
                v);
    }

    /** The same settings without poison or malformed ids: "the API was fixed", so replays can succeed. */
    public RecordsConfig fixed() {
        return withPoison(IdSet.NONE).withMalformed(IdSet.NONE);
    }

    /** A JSON-friendly description for logs and the admin API; never the OAuth client secret. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("record_latency", latency.toString());
        m.put("idempotency", idempotency.label());
        m.put("idempotency_header", idempotencyHeader);
        m.put("poison", poison.toString());
        m.put("malformed", malformed.toString());
        m.put("malformed_kind", malformedKind.label());
        m.put("unit_limits", unitLimits.stream().map(LimitSpec::toString).toList());
        m.put("cost_field", costField);
        m.put("cost_header", costHeader);
        m.put("oauth", oauth.summary());
        return m;
    }

    private static String header(String what, String value, String fallback) {
        String v = value == null ? fallback : value;
        if (!HEADER.matcher(v).matches()) {
            throw new SandboxConfigException(what + " = \"" + v + "\": must be an HTTP header name, e.g. " + fallback);
        }
        return v;
    }
}
