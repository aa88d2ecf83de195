package dev.sluice.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.config.Durations;
import dev.sluice.ratelimit.internal.BucketShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The shared limits as an operator sees and steers them ({@code sluice serve}): each limit's row
 * read back as data, a pause by hand (every process sharing the limit waits, as for a
 * Retry-After), and new rates, live.
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

    /**
     * One limit's row, readable.
     *
     * @param config       rates, quotas, burst, headroom
     * @param tokens       per bandwidth (rates first, then quotas), as of {@code refilledAt}; below 0: reserved ahead
     * @param capacity     per bandwidth, the most tokens it holds
     * @param ratePerSecond the first paced rate (or quota) in calls per second, what a chart draws as the limit
     */
    public record LimitView(
            String name,
            JsonNode config,
            long version,
            String configuredBy,
            Instant pausedUntil,
            String pauseReason,
            List<Double> tokens,
            List<Double> capacity,
            Instant refilledAt,
            double ratePerSecond,
            Instant updatedAt) {}

    /** Every limit, by name. */
    public List<LimitView> list() {
        return jdbi.withHandle(
                h -> h.createQuery("""
                        SELECT name, config::text AS config, version, configured_by, paused_until, pause_reason,
                               tokens, capacity, refilled_at, updated_at
                        FROM sluice_limit ORDER BY name""").map((rs, ctx) -> view(rs)).list());
    }

    public Optional<LimitView> find(String name) {
        return list().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** Pauses a limit for {@code length} from now (database time), replacing any pause in force. */
    public Optional<LimitView> pause(String name, Duration length, String reason) {
        return update(name, """
                UPDATE sluice_limit SET paused_until = now() + make_interval(secs => :secs), pause_reason = :reason,
                       updated_at = now() WHERE name = :name""", Map.of("reason", reason, "secs", length.toMillis() / 1000.0));
    }

    /** Ends a pause in force (a process already sleeping out its pause checks again when it wakes). */
    public Optional<LimitView> resume(String name) {
        return update(name, """
                UPDATE sluice_limit SET paused_until = NULL, pause_reason = NULL, updated_at = now()
                WHERE name = :name""", Map.of());
    }

    /**
     * Gives a limit new paced rates (its quotas, burst, headroom and permit_validity stay).
     *
     * @throws IllegalArgumentException naming the rate and the rule, when a rate is malformed or
     *     not above the burst
     */
    public Optional<LimitView> changeRates(String name, List<String> rates, String by) {
        Optional<LimitView> current = find(name);
        if (current.isEmpty()) {
            return current;
        }
        LimitConfig config = config(name, current.get().config(), rates);
        BucketShape shape = BucketShape.of(config);
        ObjectNode json = ((ObjectNode) current.get().config().deepCopy());
        json.putPOJO("rates", config.parsedRates().stream().map(Rate::toString).toList());
        jdbi.useHandle(h -> h.createUpdate("""
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
                .execute());
        return find(name);
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

    private Optional<LimitView> update(String name, String sql, Map<String, Object> more) {
        int changed = jdbi.withHandle(
                h -> h.createUpdate(sql).bind("name", name).bindMap(more).execute());
        return changed == 0 ? Optional.empty() : find(name);
    }

    private static LimitView view(ResultSet rs) throws SQLException {
        JsonNode config = json(rs.getString("config"));
        return new LimitView(
                rs.getString("name"),
                config,
                rs.getLong("version"),
                rs.getString("configured_by"),
                instant(rs.getTimestamp("paused_until")),
                rs.getString("pause_reason"),
                doubles(rs.getArray("tokens")),
                doubles(rs.getArray("capacity")),
                instant(rs.getTimestamp("refilled_at")),
                perSecond(config),
                instant(rs.getTimestamp("updated_at")));
    }

    private static double perSecond(JsonNode config) {
        JsonNode first = config.path("rates").isEmpty()
                ? config.path("quotas").path(0)
                : config.path("rates").path(0);
        return first.isMissingNode() ? 0 : Rate.parse(first.asText()).perSecond();
    }

    private static List<Double> doubles(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        List<Double> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add(o == null ? null : ((Number) o).doubleValue());
        }
        return out;
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
