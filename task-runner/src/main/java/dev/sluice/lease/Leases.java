package dev.sluice.lease;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.db.PostgresValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Claims, keeps and gives back partitions. A claim takes the partition row's lock, bumps its epoch
 * and records the attempt in one transaction; lease times are database time, so the clocks of the
 * machines running attempts do not matter.
 */
public final class Leases {
    private static final String COLUMNS = """
            job, partition_key, state, watermark::text AS watermark, epoch, lease_owner, lease_expires_at,
            heartbeat_at, attempts, pages, records, dead_letters, last_error, updated_at, completed_at""";

    private final Jdbi jdbi;
    private final Duration ttl;

    public Leases(Jdbi jdbi, Duration ttl) {
        this.jdbi = jdbi;
        this.ttl = ttl;
    }

    /** How a claim treats a partition's existing state. */
    public sealed interface Start {
        /** Continue from the committed watermark; a done partition is not claimed. */
        record Resume() implements Start {}

        /** Start over from the first page, even when done ({@code --force}). */
        record Force() implements Start {}

        /** A done partition starts a new pass from {@code position} (incremental sources). */
        record NewPass(JsonNode position) implements Start {}
    }

    /** What a claim found. */
    public sealed interface Claim {
        record Claimed(Lease lease) implements Claim {}

        record AlreadyComplete(PartitionState state) implements Claim {}

        record Held(String owner, Instant expiresAt, Instant now) implements Claim {}
    }

    /** The partition's row, if it was ever claimed. */
    public Optional<PartitionState> read(String job, String partition) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT " + COLUMNS + " FROM sluice_partition WHERE job = ? AND partition_key = ?")
                        .bind(0, job)
                        .bind(1, partition)
                        .map(Leases::state)
                        .findOne());
    }

    /** Every partition of a job, by key. */
    public List<PartitionState> list(String job) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT " + COLUMNS + " FROM sluice_partition WHERE job = ? ORDER BY partition_key")
                        .bind(0, job)
                        .map(Leases::state)
                        .list());
    }

    /** Tries once to claim the partition. */
    public Claim claim(String job, String partition, Start start, AttemptInfo attempt) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO sluice_partition (job, partition_key) VALUES (?, ?) ON CONFLICT DO NOTHING")
                    .bind(0, job)
                    .bind(1, partition)
                    .execute();
            PartitionState row = h.createQuery("SELECT " + COLUMNS + " FROM sluice_partition "
                            + "WHERE job = ? AND partition_key = ? FOR UPDATE")
                    .bind(0, job)
                    .bind(1, partition)
                    .map(Leases::state)
                    .one();
            Instant now = h.createQuery("SELECT now()").mapTo(Instant.class).one();
            if (row.leaseOwner() != null
                    && row.leaseExpiresAt() != null
                    && row.leaseExpiresAt().isAfter(now)
                    && !Owners.goneFromThisHost(row.leaseOwner())) {
                return new Claim.Held(row.leaseOwner(), row.leaseExpiresAt(), now);
            }
            if (row.isDone() && start instanceof Start.Resume) {
                return new Claim.AlreadyComplete(row);
            }
            JsonNode from = switch (start) {
                case Start.Force f -> null;
                case Start.NewPass p when row.isDone() -> p.position();
                default -> row.watermark();
            };
            Lease lease = take(h, row, from, start instanceof Start.Force, attempt);
            closeLost(h, row, lease, now);
            return new Claim.Claimed(lease);
        });
    }

    /**
     * Closes the attempts a claim supersedes that never recorded their end (killed, frozen, lost
     * their database), in the claim's transaction, so none stays {@code running} forever; a late
     * ending of such an attempt keeps the {@code lost} status (see {@link #release}).
     */
    private static void closeLost(Handle h, PartitionState row, Lease lease, Instant now) {
        String why = row.leaseOwner() == null
                ? "it never recorded its end"
                : row.leaseExpiresAt() != null && !row.leaseExpiresAt().isAfter(now)
                        ? "its lease (" + row.leaseOwner() + ") expired at " + row.leaseExpiresAt()
                                + " without a heartbeat"
                        : "its process (" + row.leaseOwner() + ") was gone from this host";
        h.createUpdate("""
                UPDATE sluice_attempt SET status = 'lost', finished_at = now(), message = :message
                WHERE job = :job AND partition_key = :partition AND status = 'running' AND epoch < :epoch""")
                .bind(
                        "message",
                        "lost: " + why + "; taken over at " + now + " by " + lease.owner() + " (epoch " + lease.epoch()
                                + ")")
                .bind("job", lease.job())
                .bind("partition", lease.partition())
                .bind("epoch", lease.epoch())
                .execute();
    }

    private Lease take(Handle h, PartitionState row, JsonNode from, boolean forced, AttemptInfo attempt) {
        boolean restart = forced || row.isDone();
        long epoch = h.createQuery("""
                UPDATE sluice_partition SET epoch = epoch + 1, lease_owner = :owner,
                       lease_expires_at = now() + make_interval(secs => :ttl), heartbeat_at = now(),
                       state = 'running', attempts = attempts + 1, watermark = CAST(:watermark AS jsonb),
                       pages = CASE WHEN :restart THEN 0 ELSE pages END,
                       records = CASE WHEN :restart THEN 0 ELSE records END,
                       dead_letters = CASE WHEN :restart THEN 0 ELSE dead_letters END,
                       completed_at = NULL, last_error = NULL, updated_at = now()
                WHERE job = :job AND partition_key = :partition
                RETURNING epoch""")
                .bind("owner", attempt.owner())
                .bind("ttl", ttl.toMillis() / 1000.0)
                .bind("watermark", from == null ? null : from.toString())
                .bind("restart", restart)
                .bind("job", row.job())
                .bind("partition", row.partition())
                .mapTo(Long.class)
                .one();
        h.createUpdate("""
                INSERT INTO sluice_attempt (job, partition_key, epoch, owner, forced, dag_id, run_id, try_number, map_index, trace_id)
                VALUES (:job, :partition, :epoch, :owner, :forced, :dag, :run, :try, :map, :trace)""")
                .bind("job", row.job())
                .bind("partition", row.partition())
                .bind("epoch", epoch)
                .bind("owner", attempt.owner())
                .bind("forced", forced)
                .bind("dag", attempt.dagId())
                .bind("run", attempt.runId())
                .bind("try", attempt.tryNumber())
                .bind("map", attempt.mapIndex())
                .bind("trace", attempt.traceId())
                .execute();
        return new Lease(row.job(), row.partition(), epoch, attempt.owner(), from);
    }

    /** Extends the lease; false when the attempt no longer holds it (another took over, or a reset). */
    public boolean heartbeat(Lease lease) {
        return heartbeat(lease, null);
    }

    /**
     * Extends the lease and stores the attempt's call counts so far (unless null), in one round trip; false when
     * the attempt no longer holds the lease (another took over, or a reset).
     */
    public boolean heartbeat(Lease lease, AttemptCounts counts) {
        return jdbi.withHandle(h -> h.createQuery("""
                WITH beat AS (
                  UPDATE sluice_partition SET lease_expires_at = now() + make_interval(secs => :ttl), heartbeat_at = now()
                  WHERE job = :job AND partition_key = :partition AND epoch = :epoch AND lease_owner = :owner
                  RETURNING epoch
                ), counted AS (
                  UPDATE sluice_attempt SET api_calls = :calls, http_429 = :rejected, retries = :retries,
                         permit_wait_ms = :wait
                  WHERE job = :job AND partition_key = :partition AND epoch = :epoch AND status = 'running'
                    AND CAST(:calls AS bigint) IS NOT NULL AND EXISTS (SELECT FROM beat)
                )
                SELECT count(*) FROM beat""")
                        .bind("ttl", ttl.toMillis() / 1000.0)
                        .bind("job", lease.job())
                        .bind("partition", lease.partition())
                        .bind("epoch", lease.epoch())
                        .bind("owner", lease.owner())
                        .bind("calls", counts == null ? null : counts.apiCalls())
                        .bind("rejected", counts == null ? 0 : counts.http429())
                        .bind("retries", counts == null ? 0 : counts.retries())
                        .bind("wait", counts == null ? 0 : counts.permitWaitMs())
                        .mapTo(Long.class)
                        .one())
                == 1;
    }

    /**
     * Gives the lease back at the end of an attempt and records how it ended. The partition's state
     * only changes if this attempt still owns it.
     */
    public void release(Lease lease, Ending ending) {
        String message = PostgresValues.storableText(ending.message()); // may quote an API's answer
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    UPDATE sluice_partition SET lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
                           state = CASE WHEN state = 'done' THEN 'done' ELSE :state END,
                           last_error = :error
                    WHERE job = :job AND partition_key = :partition AND epoch = :epoch""")
                    .bind("state", ending.partitionState())
                    .bind("error", message)
                    .bind("job", lease.job())
                    .bind("partition", lease.partition())
                    .bind("epoch", lease.epoch())
                    .execute();
            h.createUpdate("""
                    UPDATE sluice_attempt SET exit_code = :exit, api_calls = :calls, http_429 = :rejected,
                           retries = :retries, permit_wait_ms = :wait,
                           status = CASE WHEN status = 'lost' THEN status ELSE :status END,
                           message = CASE WHEN status = 'lost' THEN message ELSE :message END,
                           finished_at = CASE WHEN status = 'lost' THEN finished_at ELSE now() END
                    WHERE job = :job AND partition_key = :partition AND epoch = :epoch""")
                    .bind("status", ending.status())
                    .bind("exit", ending.exitCode())
                    .bind("message", message)
                    .bind("calls", ending.counts().apiCalls())
                    .bind("rejected", ending.counts().http429())
                    .bind("retries", ending.counts().retries())
                    .bind("wait", ending.counts().permitWaitMs())
                    .bind("job", lease.job())
                    .bind("partition", lease.partition())
                    .bind("epoch", lease.epoch())
                    .execute();
        });
    }

    /** How an attempt ended, for {@link #release}, with its call counts. */
    public record Ending(String status, String partitionState, int exitCode, String message, AttemptCounts counts) {
        /** An ending that knows only how many calls the attempt made. */
        public Ending(String status, String partitionState, int exitCode, String message, long apiCalls) {
            this(status, partitionState, exitCode, message, new AttemptCounts(apiCalls, 0, 0, 0));
        }
    }

    /**
     * Rewinds a partition for a backfill: forgets its watermark and bumps its epoch, which fences
     * out any attempt still running (its attempt row is closed as {@code lost}). Sink rows stay;
     * the re-run upserts them.
     *
     * @return the partition as it was before, or empty if it was never run
     */
    public Optional<PartitionState> reset(String job, String partition) {
        return jdbi.inTransaction(h -> {
            Optional<PartitionState> before = h.createQuery("SELECT " + COLUMNS
                            + " FROM sluice_partition WHERE job = ? AND partition_key = ? FOR UPDATE")
                    .bind(0, job)
                    .bind(1, partition)
                    .map(Leases::state)
                    .findOne();
            h.createUpdate("""
                    UPDATE sluice_partition SET watermark = NULL, state = 'pending', epoch = epoch + 1,
                           lease_owner = NULL, lease_expires_at = NULL, pages = 0, records = 0, dead_letters = 0,
                           completed_at = NULL, last_error = NULL, updated_at = now()
                    WHERE job = ? AND partition_key = ?""").bind(0, job).bind(1, partition).execute();
            h.createUpdate("""
                    UPDATE sluice_attempt SET status = 'lost', finished_at = now(),
                           message = 'lost: the partition was reset at ' || to_char(now() AT TIME ZONE 'UTC',
                                     'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' while this attempt held it'
                    WHERE job = ? AND partition_key = ? AND status = 'running'""").bind(0, job).bind(1, partition).execute();
            return before;
        });
    }

    /**
     * Releases a partition's lease by hand (an operator, through {@code sluice serve}): the epoch is
     * bumped, which fences out the attempt holding it (its attempt row is closed as {@code lost}),
     * and the watermark stays, so the next run resumes where that attempt stopped. A partition that
     * holds no lease is left unchanged.
     *
     * @return the partition as it was before, or empty if it was never run
     */
    public Optional<PartitionState> releaseByHand(String job, String partition) {
        return jdbi.inTransaction(h -> {
            Optional<PartitionState> before = h.createQuery("SELECT " + COLUMNS
                            + " FROM sluice_partition WHERE job = ? AND partition_key = ? FOR UPDATE")
                    .bind(0, job)
                    .bind(1, partition)
                    .map(Leases::state)
                    .findOne();
            if (before.isEmpty() || before.get().leaseOwner() == null) {
                return before;
            }
            h.createUpdate("""
                    UPDATE sluice_partition SET state = 'failed', epoch = epoch + 1, lease_owner = NULL,
                           lease_expires_at = NULL, last_error = 'lease released by hand', updated_at = now()
                    WHERE job = ? AND partition_key = ?""").bind(0, job).bind(1, partition).execute();
            h.createUpdate("""
                    UPDATE sluice_attempt SET status = 'lost', finished_at = now(),
                           message = 'lost: its lease was released by hand at ' || to_char(now() AT TIME ZONE 'UTC',
                                     'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                    WHERE job = ? AND partition_key = ? AND status = 'running'""").bind(0, job).bind(1, partition).execute();
            return before;
        });
    }

    static PartitionState state(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        return new PartitionState(
                rs.getString("job"),
                rs.getString("partition_key"),
                rs.getString("state"),
                json(rs.getString("watermark")),
                rs.getLong("epoch"),
                rs.getString("lease_owner"),
                instant(rs.getTimestamp("lease_expires_at")),
                instant(rs.getTimestamp("heartbeat_at")),
                rs.getInt("attempts"),
                rs.getLong("pages"),
                rs.getLong("records"),
                rs.getLong("dead_letters"),
                rs.getString("last_error"),
                instant(rs.getTimestamp("updated_at")),
                instant(rs.getTimestamp("completed_at")));
    }

    static JsonNode json(String text) {
        try {
            return text == null ? null : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
