package dev.sluice.sandbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.DurationText;
import dev.sluice.sandbox.FailWindow;
import dev.sluice.sandbox.LimitMode;
import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.Outage;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A runtime change from {@code POST /_sandbox/config}. Only the fields present change; unknown
 * fields are an error, so a typo never passes silently. {@code outage} (a duration from now, 0
 * ends runtime outages), {@code fail_first} ({@code {"partition": K}}) and {@code fail_at}
 * ({@code {"partition": "N+K"}}) act at once.
 */
final class ConfigPatch {
    static final Set<String> FIELDS = Set.of(
            "limits",
            "limit_mode",
            "retry_after_floor",
            "error_rate",
            "reset_rate",
            "malformed_rate",
            "latency",
            "latency_jitter",
            "outages",
            "outage",
            "fail_first",
            "fail_at",
            "token",
            "seed",
            "records_per_partition",
            "records_spread");

    private final List<UnaryOperator<SandboxConfig>> changes = new ArrayList<>();
    private Duration outage;
    private final Map<String, FailWindow> failFirst = new LinkedHashMap<>();
    private final Map<String, FailWindow> failAt = new LinkedHashMap<>();

    static ConfigPatch parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new SandboxConfigException("config body must be a JSON object with any of " + known());
        }
        ConfigPatch patch = new ConfigPatch();
        LimitMode mode = body.has("limit_mode") ? LimitMode.parse(text(body, "limit_mode")) : LimitMode.WINDOW;
        body.properties().forEach(e -> patch.field(e.getKey(), body, mode));
        return patch;
    }

    /** Applies the change, then the immediate actions; returns the new configuration. */
    SandboxConfig applyTo(SandboxState state) {
        SandboxConfig next = state.reconfigure(c -> {
            for (UnaryOperator<SandboxConfig> change : changes) {
                c = change.apply(c);
            }
            return c;
        });
        if (outage != null && outage.isZero()) {
            state.outages.clearAdded();
        } else if (outage != null) {
            state.outages.add(state.clock.instant(), outage);
        }
        failFirst.forEach((p, w) -> state.failures.set(p, w, "fail-first"));
        failAt.forEach((p, w) -> state.failures.set(p, w, "fail-at"));
        return next;
    }

    private void field(String name, JsonNode body, LimitMode mode) {
        JsonNode v = body.get(name);
        switch (name) {
            case "limits" ->
                change(c -> c.withLimits(strings(v, name).stream()
                        .map(s -> LimitSpec.parse(s, mode))
                        .toList()));
            case "limit_mode" -> {} // read with limits
            case "retry_after_floor" -> change(c -> c.withRetryAfterFloor(duration(body, name)));
            case "error_rate" -> change(c -> c.withFaults(c.faults().withErrorRate(number(v, name))));
            case "reset_rate" -> change(c -> c.withFaults(c.faults().withResetRate(number(v, name))));
            case "malformed_rate" -> change(c -> c.withFaults(c.faults().withMalformedRate(number(v, name))));
            case "latency" ->
                change(c -> c.withFaults(
                        c.faults().withLatency(duration(body, name), c.faults().latencyJitter())));
            case "latency_jitter" ->
                change(c -> c.withFaults(c.faults().withLatency(c.faults().latency(), duration(body, name))));
            case "outages" ->
                change(c -> c.withOutages(
                        strings(v, name).stream().map(Outage::parse).toList()));
            case "outage" -> outage = duration(body, name);
            case "fail_first" -> failFirst(v);
            case "fail_at" -> failAt(v);
            case "token" -> change(c -> c.withToken(v.isNull() ? null : text(body, name)));
            case "seed" -> change(c -> c.withSeed((long) number(v, name)));
            case "records_per_partition" -> change(c -> c.withRecordsPerPartition((int) number(v, name)));
            case "records_spread" -> change(c -> c.withRecordsSpread(number(v, name)));
            default -> {
                if (!RecordsPatch.FIELDS.contains(name)) {
                    throw new SandboxConfigException("unknown config field \"" + name + "\"; known fields: " + known());
                }
                UnaryOperator<RecordsConfig> records = RecordsPatch.parse(name, v, mode);
                change(c -> c.withRecords(records.apply(c.records())));
            }
        }
    }

    private static Set<String> known() {
        Set<String> all = new TreeSet<>(FIELDS);
        all.addAll(RecordsPatch.FIELDS);
        return all;
    }

    private void change(UnaryOperator<SandboxConfig> change) {
        changes.add(change);
    }

    private void failFirst(JsonNode v) {
        if (!v.isObject()) {
            throw new SandboxConfigException("fail_first must be an object of partition to count, e.g. {\"eu\": 2}");
        }
        v.properties()
                .forEach(e -> failFirst.put(e.getKey(), new FailWindow(0, (int)
                        number(e.getValue(), "fail_first." + e.getKey()))));
    }

    private void failAt(JsonNode v) {
        if (!v.isObject()) {
            throw new SandboxConfigException("fail_at must be an object of partition to N+K, e.g. {\"eu\": \"2+3\"}");
        }
        v.properties().forEach(e -> {
            if (!e.getValue().isTextual()) {
                throw new SandboxConfigException(
                        "fail_at." + e.getKey() + " = " + e.getValue() + ": must be a string N+K, e.g. \"2+3\"");
            }
            failAt.put(e.getKey(), FailWindow.parse(e.getValue().asText()));
        });
    }

    private static List<String> strings(JsonNode v, String name) {
        if (v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new SandboxConfigException(name + " must be an array of strings, e.g. [\"50/1s\", \"2000/1h\"]");
        }
        List<String> out = new ArrayList<>();
        v.forEach(item -> out.add(item.asText()));
        return out;
    }

    private static String text(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (!v.isTextual()) {
            throw new SandboxConfigException(
                    name + " = " + (name.equals("token") ? "(hidden)" : v) + ": must be a string");
        }
        return v.asText();
    }

    private static Duration duration(JsonNode body, String name) {
        return DurationText.parse(name, text(body, name));
    }

    private static double number(JsonNode v, String name) {
        if (!v.isNumber()) {
            throw new SandboxConfigException(name + " = " + v + ": must be a number");
        }
        return v.asDouble();
    }
}
