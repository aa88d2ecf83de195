package dev.sluice.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.Masking;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Read-only views of the shared limits, breakers and the per-limit time series, for {@code sluice
 * limits} and the admin server. Stable API: methods take names ({@code null} for all) and return
 * the records of this package, newest data at the time of the call. Nothing here writes.
 */
public final class LimitViews {
    private final Jdbi jdbi;

    public LimitViews(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The limits with these names (null: every limit), by name. */
    public List<LimitView> limits(List<String> names) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM sluice_limit_state
                        WHERE :all OR name = ANY(:names) ORDER BY name""")
                .bind("all", names == null)
                .bindArray("names", String.class, names == null ? List.of() : names)
                .map(LimitViews::limit)
                .list());
    }

    /** The breakers with these names (null: every breaker), by name. */
    public List<BreakerView> breakers(List<String> names) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT name, state, failures, CASE WHEN state = 'open' THEN opened_until END AS open_until,
                               CASE WHEN state = 'half_open' THEN probe_owner END AS probe_owner, last_error, updated_at
                        FROM sluice_breaker WHERE :all OR name = ANY(:names) ORDER BY name""")
                .bind("all", names == null)
                .bindArray("names", String.class, names == null ? List.of() : names)
                .map((rs, ctx) -> new BreakerView(
                        rs.getString("name"),
                        rs.getString("state"),
                        rs.getInt("failures"),
                        instant(rs.getTimestamp("open_until")),
                        rs.getString("probe_owner"),
                        Masking.mask(rs.getString("last_error")),
                        instant(rs.getTimestamp("updated_at"))))
                .list());
    }

    /** One limit's seconds from {@code from} (inclusive) to {@code to} (exclusive), oldest first. */
    public List<SeriesPoint> series(String limit, Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT limit_name, bucket_start, permits, calls, http_429, permit_wait_ms, permit_wait_max_ms
                        FROM sluice_limit_series
                        WHERE limit_name = :limit AND bucket_start >= :from AND bucket_start < :to
                        ORDER BY bucket_start""")
                .bind("limit", limit)
                .bind("from", from.atOffset(ZoneOffset.UTC))
                .bind("to", to.atOffset(ZoneOffset.UTC))
                .map(LimitViews::point)
                .list());
    }

    /**
     * Per limit (null: every limit with history), the sum of its seconds since {@code from}, with
     * {@code from} as the point's second; limits without seconds in the window are left out.
     */
    public List<SeriesPoint> totals(List<String> names, Instant from) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT limit_name, CAST(:from AS timestamptz) AS bucket_start, sum(permits) AS permits,
                               sum(calls) AS calls, sum(http_429) AS http_429, sum(permit_wait_ms) AS permit_wait_ms,
                               max(permit_wait_max_ms) AS permit_wait_max_ms
                        FROM sluice_limit_series
                        WHERE bucket_start >= :from AND (:all OR limit_name = ANY(:names))
                        GROUP BY limit_name ORDER BY limit_name""")
                .bind("from", from.atOffset(ZoneOffset.UTC))
                .bind("all", names == null)
                .bindArray("names", String.class, names == null ? List.of() : names)
                .map(LimitViews::point)
                .list());
    }

    private static SeriesPoint point(ResultSet rs, StatementContext ctx) throws SQLException {
        return new SeriesPoint(
                rs.getString("limit_name"),
                rs.getObject("bucket_start", OffsetDateTime.class).toInstant(),
                rs.getLong("permits"),
                rs.getLong("calls"),
                rs.getLong("http_429"),
                rs.getDouble("permit_wait_ms"),
                rs.getDouble("permit_wait_max_ms"));
    }

    private static LimitView limit(ResultSet rs, StatementContext ctx) throws SQLException {
        JsonNode config = json(rs.getString("config"));
        Instant observed = instant(rs.getTimestamp("observed_at"));
        Instant paused = instant(rs.getTimestamp("paused_until"));
        boolean pausedNow = paused != null && paused.isAfter(observed);
        return new LimitView(
                rs.getString("name"),
                texts(config.path("rates")),
                texts(config.path("quotas")),
                config.path("burst").asInt(1),
                config.path("headroom").asDouble(0),
                rs.getLong("version"),
                rs.getString("configured_by"),
                instant(rs.getTimestamp("updated_at")),
                rs.getObject("available") == null ? null : rs.getLong("available"),
                doubles(rs.getArray("capacity")),
                doubles(rs.getArray("tokens")),
                pausedNow ? paused : null,
                pausedNow ? Masking.mask(rs.getString("pause_reason")) : null,
                observed);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sluice_limit.config is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
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

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
