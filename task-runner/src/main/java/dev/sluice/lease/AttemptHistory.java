package dev.sluice.lease;

import dev.sluice.Masking;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Reads the attempts of a job from {@code sluice_attempt}, newest first. Read-only. */
public final class AttemptHistory {
    private final Jdbi jdbi;

    public AttemptHistory(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The latest {@code limit} attempts of {@code job}, of one partition or (null) of all. */
    public List<AttemptRecord> latest(String job, String partition, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT a.*, (SELECT count(*) FROM sluice_dead_letter d
                                     WHERE d.job = a.job AND d.partition_key = a.partition_key
                                       AND d.epoch = a.epoch) AS dead_letters
                        FROM sluice_attempt a
                        WHERE a.job = :job AND (CAST(:partition AS text) IS NULL OR a.partition_key = :partition)
                        ORDER BY a.started_at DESC, a.partition_key, a.epoch DESC
                        LIMIT :limit""")
                .bind("job", job)
                .bind("partition", partition)
                .bind("limit", limit)
                .map(AttemptHistory::attempt)
                .list());
    }

    private static AttemptRecord attempt(ResultSet rs, StatementContext ctx) throws SQLException {
        return new AttemptRecord(
                rs.getString("job"),
                rs.getString("partition_key"),
                rs.getLong("epoch"),
                rs.getString("owner"),
                rs.getBoolean("forced"),
                rs.getString("dag_id"),
                rs.getString("run_id"),
                rs.getObject("try_number", Integer.class),
                rs.getObject("map_index", Integer.class),
                rs.getString("trace_id"),
                rs.getString("status"),
                rs.getObject("exit_code", Integer.class),
                rs.getLong("pages"),
                rs.getLong("records"),
                rs.getLong("api_calls"),
                rs.getLong("http_429"),
                rs.getLong("retries"),
                rs.getLong("permit_wait_ms"),
                rs.getLong("dead_letters"),
                // Messages come from exceptions; masking them again is defence in depth.
                Masking.mask(rs.getString("message")),
                instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("finished_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
