package dev.sluice.ratelimit.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code sluice_limit}: each limit's configuration version and its shared pause. Pause times are
 * database time, so processes on machines with different clocks agree on them.
 */
public final class LimitRows {
    private final Jdbi jdbi;

    public LimitRows(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The version a limit's configuration has after this job registered it, and who set it before. */
    public record Registration(long version, boolean changed, String previousOwner) {}

    /**
     * Records this job's configuration of a limit. A different configuration gets a new version,
     * which Bucket4j then applies to the stored bucket for every process using it.
     */
    public Registration register(String name, String config, String hash, String owner) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO sluice_limit (name, config, config_hash, configured_by) "
                            + "VALUES (:name, CAST(:config AS jsonb), :hash, :owner) ON CONFLICT (name) DO NOTHING")
                    .bind("name", name)
                    .bind("config", config)
                    .bind("hash", hash)
                    .bind("owner", owner)
                    .execute();
            var row = h.createQuery(
                            "SELECT version, config_hash, configured_by FROM sluice_limit WHERE name = :name FOR UPDATE")
                    .bind("name", name)
                    .mapToMap()
                    .one();
            if (hash.equals(row.get("config_hash"))) {
                return new Registration((Long) row.get("version"), false, (String) row.get("configured_by"));
            }
            long version = h.createQuery(
                            "UPDATE sluice_limit SET config = CAST(:config AS jsonb), config_hash = :hash, "
                                    + "version = version + 1, configured_by = :owner, updated_at = now() WHERE name = :name RETURNING version")
                    .bind("name", name)
                    .bind("config", config)
                    .bind("hash", hash)
                    .bind("owner", owner)
                    .mapTo(Long.class)
                    .one();
            return new Registration(version, true, (String) row.get("configured_by"));
        });
    }

    /** A pause in force: how long is left (database time) and why. */
    public record Pause(Duration remaining, Instant until, String reason) {}

    /** The longest pause in force on any of these limits, if any. */
    public Optional<Pause> pause(List<String> names) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT (extract(epoch FROM paused_until - now()) * 1000)::bigint AS remaining_ms, paused_until, pause_reason
                FROM sluice_limit WHERE name = ANY(:names) AND paused_until > now()
                ORDER BY paused_until DESC LIMIT 1""")
                .bindArray("names", String.class, names)
                .map((rs, ctx) -> new Pause(
                        Duration.ofMillis(rs.getLong("remaining_ms")),
                        rs.getTimestamp("paused_until").toInstant(),
                        rs.getString("pause_reason")))
                .findOne());
    }

    /** Pauses these limits for {@code length} from now (database time); a longer pause in force stays. */
    public void pause(List<String> names, Duration length, String reason) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE sluice_limit
                SET paused_until = now() + make_interval(secs => :secs), pause_reason = :reason, updated_at = now()
                WHERE name = ANY(:names) AND (paused_until IS NULL OR paused_until < now() + make_interval(secs => :secs))""")
                .bindArray("names", String.class, names)
                .bind("secs", length.toMillis() / 1000.0)
                .bind("reason", reason)
                .execute());
    }
}
