package dev.sluice.breaker.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@code sluice_breaker}: one row per breaker, all times database time. */
public final class BreakerRows {
    private final Jdbi jdbi;

    public BreakerRows(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A breaker as read before a call. */
    public record Row(
            String state, int failures, Duration openLeft, String probeOwner, Duration probeAge, String lastError) {}

    /** Creates the breaker's row if it is new (once per process, not per call). */
    public void ensure(String name) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sluice_breaker (name) VALUES (?) ON CONFLICT DO NOTHING")
                .bind(0, name)
                .execute());
    }

    public Row read(String name) {
        return jdbi.withHandle(h -> {
            return h.createQuery("""
                    SELECT state, failures, last_error, probe_owner,
                           (extract(epoch FROM coalesce(opened_until - now(), interval '0')) * 1000)::bigint AS open_ms,
                           (extract(epoch FROM coalesce(now() - probe_started_at, interval '0')) * 1000)::bigint AS probe_ms
                    FROM sluice_breaker WHERE name = ?""")
                    .bind(0, name)
                    .map((rs, ctx) -> new Row(
                            rs.getString("state"),
                            rs.getInt("failures"),
                            Duration.ofMillis(rs.getLong("open_ms")),
                            rs.getString("probe_owner"),
                            Duration.ofMillis(rs.getLong("probe_ms")),
                            rs.getString("last_error")))
                    .one();
        });
    }

    /** Makes {@code owner} the prober of an open breaker whose time is up (or whose probe went stale). */
    public boolean claimProbe(String name, String owner, Duration probeTimeout) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE sluice_breaker SET state = 'half_open', probe_owner = :owner, probe_started_at = now(), updated_at = now()
                WHERE name = :name AND ((state = 'open' AND opened_until <= now())
                    OR (state = 'half_open' AND probe_started_at < now() - make_interval(secs => :timeout)))""")
                        .bind("name", name)
                        .bind("owner", owner)
                        .bind("timeout", probeTimeout.toMillis() / 1000.0)
                        .execute())
                == 1;
    }

    /**
     * Gives up {@code owner}'s probe without a verdict (its call was interrupted or never left):
     * the breaker is open again with its time already up, so the next call probes at once rather
     * than waiting out the probe timeout. Does nothing once the probe's verdict is in.
     */
    public void abandonProbe(String name, String owner) {
        jdbi.useHandle(
                h -> h.createUpdate("""
                UPDATE sluice_breaker SET state = 'open', opened_until = now(), probe_owner = NULL,
                       probe_started_at = NULL, updated_at = now()
                WHERE name = :name AND state = 'half_open' AND probe_owner = :owner""").bind("name", name).bind("owner", owner).execute());
    }

    /** A successful call closes the breaker and forgets failures. */
    public void success(String name) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE sluice_breaker SET state = 'closed', failures = 0, opened_until = NULL, probe_owner = NULL,
                       probe_started_at = NULL, updated_at = now()
                WHERE name = ? AND (state <> 'closed' OR failures > 0)""").bind(0, name).execute());
    }

    /**
     * Counts a failed call; opens the breaker for {@code openFor} at the threshold, or at once when
     * the failed call was the probe. Returns when it is open until, if it is open now.
     */
    public Optional<Instant> failure(String name, boolean probe, int threshold, Duration openFor, String error) {
        return jdbi.withHandle(h -> h.createQuery("""
                UPDATE sluice_breaker SET failures = failures + 1, last_error = :error, updated_at = now(),
                       state = CASE WHEN :probe OR failures + 1 >= :threshold THEN 'open' ELSE state END,
                       opened_until = CASE WHEN :probe OR (failures + 1 >= :threshold AND state = 'closed')
                                           THEN now() + make_interval(secs => :open) ELSE opened_until END,
                       probe_owner = CASE WHEN :probe THEN NULL ELSE probe_owner END
                WHERE name = :name
                RETURNING CASE WHEN state = 'open' THEN opened_until END AS until""")
                .bind("name", name)
                .bind("probe", probe)
                .bind("threshold", threshold)
                .bind("open", openFor.toMillis() / 1000.0)
                .bind("error", error)
                .map((rs, ctx) -> rs.getTimestamp("until") == null
                        ? null
                        : rs.getTimestamp("until").toInstant())
                .findOne()
                .filter(Objects::nonNull));
    }
}
