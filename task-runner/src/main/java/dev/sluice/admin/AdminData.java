package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.Masking;
import dev.sluice.deadletter.DeadLetterHistory;
import dev.sluice.deadletter.StoredDeadLetter;
import dev.sluice.lease.AttemptHistory;
import dev.sluice.lease.AttemptRecord;
import dev.sluice.lease.Leases;
import dev.sluice.lease.PartitionState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * What the API reads from the shared tables (jobs, partitions, attempts, dead letters) and the two
 * partition mutations it offers (reset, release), each through the capability that owns the rows.
 */
final class AdminData {
    static final List<String> STATES = List.of("pending", "running", "done", "failed");

    private final Jdbi jdbi;
    private final Leases leases;

    AdminData(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.leases = new Leases(jdbi, Duration.ofMinutes(1)); // the ttl is for claims; the admin only reads and resets
    }

    /** One job as the overview shows it: its partitions counted by state, and their totals. */
    record JobView(
            String job,
            Map<String, Long> partitions,
            long pages,
            long records,
            long deadLetters,
            long apiCalls,
            Instant updatedAt) {}

    List<JobView> jobs() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT p.job,
                               count(*) FILTER (WHERE state = 'pending') AS pending,
                               count(*) FILTER (WHERE state = 'running') AS running,
                               count(*) FILTER (WHERE state = 'done') AS done,
                               count(*) FILTER (WHERE state = 'failed') AS failed,
                               sum(pages) AS pages, sum(records) AS records, sum(dead_letters) AS dead_letters,
                               (SELECT coalesce(sum(api_calls), 0) FROM sluice_attempt a WHERE a.job = p.job) AS api_calls,
                               max(updated_at) AS updated_at
                        FROM sluice_partition p GROUP BY p.job ORDER BY p.job""")
                .map((rs, ctx) -> new JobView(
                        rs.getString("job"),
                        Map.of(
                                "pending", rs.getLong("pending"),
                                "running", rs.getLong("running"),
                                "done", rs.getLong("done"),
                                "failed", rs.getLong("failed")),
                        rs.getLong("pages"),
                        rs.getLong("records"),
                        rs.getLong("dead_letters"),
                        rs.getLong("api_calls"),
                        rs.getTimestamp("updated_at").toInstant()))
                .list());
    }

    /** A job's partitions, of one state or (null) all. */
    List<PartitionState> partitions(String job, String state) {
        return leases.list(job).stream()
                .filter(p -> state == null || p.state().equals(state))
                .toList();
    }

    Optional<PartitionState> partition(String job, String partition) {
        return leases.read(job, partition);
    }

    List<AttemptRecord> attempts(String job, String partition, int limit) {
        return new AttemptHistory(jdbi).latest(job, partition, limit);
    }

    List<StoredDeadLetter> deadLetters(String job, String partition, int limit) {
        return new DeadLetterHistory(jdbi).latest(job, partition, limit);
    }

    /** A dead letter with its whole payload (masked), for the page's detail view. */
    record DeadLetterPayload(
            long id,
            String job,
            String partition,
            String recordKey,
            String error,
            JsonNode payload,
            Instant createdAt) {}

    Optional<DeadLetterPayload> deadLetter(long id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, job, partition_key, record_key, error, payload::text AS payload, created_at
                        FROM sluice_dead_letter WHERE id = :id""")
                .bind("id", id)
                .map((rs, ctx) -> new DeadLetterPayload(
                        rs.getLong("id"),
                        rs.getString("job"),
                        rs.getString("partition_key"),
                        Masking.mask(rs.getString("record_key")),
                        Masking.mask(rs.getString("error")),
                        json(Masking.mask(rs.getString("payload"))),
                        instant(rs.getTimestamp("created_at"))))
                .findOne());
    }

    /** Rewinds a partition (see {@link Leases#reset}); empty when it never ran. */
    Optional<PartitionState> reset(String job, String partition) {
        Optional<PartitionState> before = leases.reset(job, partition);
        return before.isEmpty() ? before : leases.read(job, partition);
    }

    /** Releases a partition's lease by hand (see {@link Leases#releaseByHand}); empty when it never ran. */
    Optional<PartitionState> release(String job, String partition) {
        Optional<PartitionState> before = leases.releaseByHand(job, partition);
        return before.isEmpty() ? before : leases.read(job, partition);
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
