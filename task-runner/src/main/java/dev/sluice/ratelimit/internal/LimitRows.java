package dev.sluice.ratelimit.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * {@code sluice_limit}: each limit's configuration version, its token bucket and its shared pause.
 * Every time here is database time, so processes on machines with different clocks agree on it.
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
     * which every process using it follows from its next take (the tokens are rescaled).
     */
    public Registration register(String name, String config, String hash, String owner, BucketShape shape) {
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
                // rows from before batched permits have no bucket yet
                withShape(
                                h.createUpdate("UPDATE sluice_limit SET " + SHAPE
                                        + " WHERE name = :name AND capacity IS NULL"),
                                shape)
                        .bind("name", name)
                        .execute();
                return new Registration((Long) row.get("version"), false, (String) row.get("configured_by"));
            }
            // permits handed back under the old configuration are dropped with it
            long version = withShape(
                            h.createQuery(
                                    "UPDATE sluice_limit SET config = CAST(:config AS jsonb), config_hash = :hash, "
                                            + "version = version + 1, configured_by = :owner, updated_at = now(), returned = 0, "
                                            + SHAPE + " WHERE name = :name RETURNING version"),
                            shape)
                    .bind("name", name)
                    .bind("config", config)
                    .bind("hash", hash)
                    .bind("owner", owner)
                    .mapTo(Long.class)
                    .one();
            return new Registration(version, true, (String) row.get("configured_by"));
        });
    }

    private static final String SHAPE =
            "capacity = :capacity, refill_per_ms = :refill, quota_ms = :quota, " + "validity_ms = :validity";

    private static <T extends SqlStatement<T>> T withShape(T statement, BucketShape shape) {
        return statement
                .bindArray("capacity", Double.class, shape.capacity())
                .bindArray("refill", Double.class, shape.refillPerMs())
                .bindArray("quota", Long.class, shape.quotaMs())
                .bindArray("validity", Double.class, shape.validityMs());
    }

    /**
     * What one take decided (see {@code sluice_take_permits} in V10__quota_units_back.sql).
     *
     * @param granted     units taken of each limit asked for (in the order asked), all usable from
     *                    {@code usableAt} until {@code usableUntil}; all 0 when nothing was taken
     * @param retryAt     nothing taken: ask again then (a quota's reset, a wait beyond max_wait, or
     *                    limits whose units cannot be had within each other's validity)
     * @param pausedUntil nothing taken: a limit is paused until then, for {@code pauseReason}
     * @param dbNow       database time of the decision
     * @param dbStarted   database time the statement began, before it waited for the rows' locks
     */
    public record Take(
            List<Integer> granted,
            Instant usableAt,
            Instant usableUntil,
            Instant retryAt,
            Instant pausedUntil,
            String pauseReason,
            Instant dbNow,
            Instant dbStarted) {
        /** True when units were taken (of every limit asked for). */
        public boolean took() {
            return granted.stream().anyMatch(g -> g > 0);
        }
    }

    /**
     * Takes units of several limits in one statement (one round trip, the rows locked in name
     * order), pause check included, after handing back to their quotas the units {@code dropped}
     * unused since the caller's last take (one per name, {@link LocalBatch.Dropped#NONE} for none): of each, from {@code needs[i]} up to {@code wants[i]} when every
     * one has its need now; else exactly the needs of all, reserved, when they can all be used at
     * one moment; else nothing.
     */
    public Take take(List<String> names, int[] wants, int[] needs, List<LocalBatch.Dropped> dropped, Duration maxWait) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM sluice_take_permits(:names, :wants, :needs, :maxWait, :dropped, :droppedAt)")
                .bindArray("names", String.class, names)
                .bindArray("wants", Integer.class, box(wants))
                .bindArray("needs", Integer.class, box(needs))
                .bind("maxWait", maxWait.toNanos() / 1e6)
                .bindArray(
                        "dropped",
                        Integer.class,
                        dropped.stream().map(LocalBatch.Dropped::units).toList())
                .bindArray(
                        "droppedAt",
                        Double.class,
                        dropped.stream()
                                .map(d -> d.grantedAt() == null ? null : epochMs(d.grantedAt()))
                                .toList())
                .map((rs, ctx) -> new Take(
                        List.of((Integer[]) rs.getArray("granted").getArray()),
                        instant(rs.getObject("usable_at", OffsetDateTime.class)),
                        instant(rs.getObject("usable_until", OffsetDateTime.class)),
                        instant(rs.getObject("retry_at", OffsetDateTime.class)),
                        instant(rs.getObject("paused_until", OffsetDateTime.class)),
                        rs.getString("pause_reason"),
                        instant(rs.getObject("db_now", OffsetDateTime.class)),
                        instant(rs.getObject("started_at", OffsetDateTime.class))))
                .one());
    }

    private static double epochMs(Instant at) {
        return at.getEpochSecond() * 1000.0 + at.getNano() / 1e6;
    }

    private static List<Integer> box(int[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    /**
     * Hands back permits this process took and did not use. They stay usable only until their own
     * deadline {@code until}, which the next taker inherits (never a fresh one: see the proof).
     */
    public void giveBack(String name, int count, Instant until) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE sluice_limit SET
                  returned = CASE WHEN returned > 0 AND returned_until > clock_timestamp() THEN returned + :count ELSE :count END,
                  returned_until = CASE WHEN returned > 0 AND returned_until > clock_timestamp()
                                   THEN least(returned_until, :until) ELSE :until END
                WHERE name = :name AND :until > clock_timestamp()""")
                .bind("name", name)
                .bind("count", count)
                .bind("until", until.atOffset(ZoneOffset.UTC))
                .execute());
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
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
