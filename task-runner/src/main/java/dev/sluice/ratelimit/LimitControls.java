package dev.sluice.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.config.Durations;
import dev.sluice.ratelimit.internal.BucketShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The shared limits as an operator steers them ({@code sluice serve}): a pause by hand (every
 * process sharing the limit waits, as for a Retry-After), and new rates, live. Reading them is
 * {@code dev.sluice.history.LimitViews}' job.
 *
 * <p>New rates replace the limit's bucket shape and bump its version; every process takes its
 * next batch under them (the tokens are rescaled). The configuration hash is left as the job's,
 * so later runs of the same spec keep the operator's rates; a job that brings a different
 * configuration replaces them as usual.
 */
public final class LimitControls {
    private final Jdbi jdbi;

    public LimitControls(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Pauses a limit for {@code length} from now (database time), replacing any pause in force; false: no such limit. */
    public boolean pause(String name, Duration length, String reason) {
        return update(name, """
                UPDATE sluice_limit SET paused_until = now() + make_interval(secs => :secs), pause_reason = :reason,
                       updated_at = now() WHERE name = :name""", Map.of("reason", reason, "secs", length.toMillis() / 1000.0));
    }

    /** Ends a pause in force (a process already sleeping out its pause checks again when it wakes); false: no such limit. */
    public boolean resume(String name) {
        return update(name, """
                UPDATE sluice_limit SET paused_until = NULL, pause_reason = NULL, updated_at = now()
                WHERE name = :name""", Map.of());
    }

    /**
     * Gives a limit new paced rates (its quotas, burst, headroom and permit_validity stay); false:
     * no such limit.
     *
     * @throws IllegalArgumentException naming the rate and the rule, when a rate is malformed or
     *     not above the burst
     */
    public boolean changeRates(String name, List<String> rates, String by) {
        Optional<JsonNode> stored = storedConfig(name);
        if (stored.isEmpty()) {
            return false;
        }
        LimitConfig config = config(name, stored.get(), rates);
        BucketShape shape = BucketShape.of(config);
        ObjectNode json = ((ObjectNode) stored.get().deepCopy());
        json.putPOJO("rates", config.parsedRates().stream().map(Rate::toString).toList());
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE sluice_limit SET config = CAST(:config AS jsonb), version = version + 1, configured_by = :by,
                               capacity = :capacity, refill_per_ms = :refill, quota_ms = :quota, validity_ms = :validity,
                               returned = 0, updated_at = now()
                        WHERE name = :name""")
                        .bind("name", name)
                        .bind("config", json.toString())
                        .bind("by", by)
                        .bindArray("capacity", Double.class, shape.capacity())
                        .bindArray("refill", Double.class, shape.refillPerMs())
                        .bindArray("quota", Long.class, shape.quotaMs())
                        .bindArray("validity", Double.class, shape.validityMs())
                        .execute())
                > 0;
    }

    private Optional<JsonNode> storedConfig(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT config::text FROM sluice_limit WHERE name = :name")
                        .bind("name", name)
                        .mapTo(String.class)
                        .findOne())
                .map(LimitControls::json);
    }

    private static LimitConfig config(String name, JsonNode stored, List<String> rates) {
        if (rates == null || rates.isEmpty()) {
            throw new IllegalArgumentException("rates: give at least one rate, e.g. [\"50/1s\"]");
        }
        List<String> quotas = new ArrayList<>();
        stored.path("quotas").forEach(q -> quotas.add(q.asText()));
        int burst = stored.path("burst").asInt(1);
        double headroom = stored.path("headroom").asDouble(0.01);
        for (String text : rates) {
            Rate rate;
            try {
                rate = Rate.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rates: \"" + text + "\": " + e.getMessage());
            }
            if (rate.period().compareTo(LimitConfig.MAX_RATE_PERIOD) > 0) {
                throw new IllegalArgumentException("rates: \"" + text + "\": paced rates are for periods up to 1h");
            }
            if (burst >= rate.amount() * (1 - headroom)) {
                throw new IllegalArgumentException("rates: \"" + text + "\": must allow more than the limit's burst ("
                        + burst + ") after headroom " + headroom);
            }
        }
        Duration validity = stored.hasNonNull("permit_validity")
                ? Durations.parse(stored.get("permit_validity").asText())
                : null;
        return new LimitConfig(name, rates, quotas, burst, null, headroom, validity);
    }

    private boolean update(String name, String sql, Map<String, Object> more) {
        return jdbi.withHandle(h ->
                        h.createUpdate(sql).bind("name", name).bindMap(more).execute())
                > 0;
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
