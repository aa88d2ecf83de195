package dev.sluice.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.DurationText;
import dev.sluice.sandbox.IdSet;
import dev.sluice.sandbox.IdempotencyMode;
import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.LimitMode;
import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.MalformedKind;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.sandbox.SandboxConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The per-record fields of {@code POST /_sandbox/config}; each value is checked when the patch is
 * read, so a bad one changes nothing. {@code poison} and {@code malformed} take an id set's text
 * ({@code "7,13,every=50"}) or null for none; {@code unit_limits} an array of limit specs.
 */
final class RecordsPatch {
    static final Set<String> FIELDS = Set.of(
            "record_latency",
            "idempotency",
            "idempotency_header",
            "poison",
            "malformed",
            "malformed_kind",
            "unit_limits",
            "cost_field",
            "cost_header",
            "oauth_token_lifetime");

    private RecordsPatch() {}

    /** The change {@code name = v} makes; throws {@link SandboxConfigException} for a bad value. */
    static UnaryOperator<RecordsConfig> parse(String name, JsonNode v, LimitMode mode) {
        return switch (name) {
            case "record_latency" -> with(LatencyRange.parse(name, text(name, v)), RecordsConfig::withLatency);
            case "idempotency" -> with(IdempotencyMode.parse(text(name, v)), RecordsConfig::withIdempotency);
            case "idempotency_header" -> check(c -> c.withIdempotencyHeader(text(name, v)));
            case "poison" -> with(ids(name, v), RecordsConfig::withPoison);
            case "malformed" -> with(ids(name, v), RecordsConfig::withMalformed);
            case "malformed_kind" -> with(MalformedKind.parse(text(name, v)), RecordsConfig::withMalformedKind);
            case "unit_limits" -> with(limits(name, v, mode), RecordsConfig::withUnitLimits);
            case "cost_field" -> check(c -> c.withCostField(text(name, v)));
            case "cost_header" -> check(c -> c.withCostHeader(text(name, v)));
            case "oauth_token_lifetime" ->
                check(c -> c.withOAuth(c.oauth().withTokenLifetime(DurationText.parse(name, text(name, v)))));
            default -> throw new SandboxConfigException("unknown per-record config field \"" + name + "\"");
        };
    }

    private static <T> UnaryOperator<RecordsConfig> with(
            T value, java.util.function.BiFunction<RecordsConfig, T, RecordsConfig> setter) {
        return c -> setter.apply(c, value);
    }

    /** Applies the change to the defaults once now, so an invalid value fails at parse time. */
    private static UnaryOperator<RecordsConfig> check(UnaryOperator<RecordsConfig> change) {
        change.apply(RecordsConfig.DEFAULTS);
        return change;
    }

    private static IdSet ids(String name, JsonNode v) {
        return v.isNull() ? IdSet.NONE : IdSet.parse(name, text(name, v));
    }

    private static List<LimitSpec> limits(String name, JsonNode v, LimitMode mode) {
        if (v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new SandboxConfigException(name + " must be an array of limit specs, e.g. [\"10000/1m\"]");
        }
        List<LimitSpec> out = new ArrayList<>();
        v.forEach(item -> out.add(LimitSpec.parse(item.asText(), mode)));
        return out;
    }

    private static String text(String name, JsonNode v) {
        if (!v.isTextual()) {
            throw new SandboxConfigException(name + " = " + v + ": must be a string");
        }
        return v.asText();
    }
}
