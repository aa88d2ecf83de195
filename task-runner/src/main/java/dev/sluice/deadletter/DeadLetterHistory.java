package dev.sluice.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.Masking;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Reads the dead letters of a job, newest first. Read-only. Payloads are raw API data: every text
 * shown goes through {@link Masking#mask} (a token an API echoed back stays hidden) and the
 * payload is cut to {@value #EXCERPT_CHARS} characters after masking, so a cut never reveals part
 * of a secret and one huge record does not flood a terminal.
 */
public final class DeadLetterHistory {
    /** The longest payload excerpt a view shows. */
    public static final int EXCERPT_CHARS = 200;

    private final Jdbi jdbi;

    public DeadLetterHistory(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The latest {@code limit} dead letters of {@code job}, of one partition or (null) of all. */
    public List<StoredDeadLetter> latest(String job, String partition, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, job, partition_key, epoch, record_key, error, status, excerpt, trace_id,
                               payload::text AS payload,
                               position::text AS position, created_at, replayed_at
                        FROM sluice_dead_letter
                        WHERE job = :job AND (CAST(:partition AS text) IS NULL OR partition_key = :partition)
                        ORDER BY id DESC
                        LIMIT :limit""")
                .bind("job", job)
                .bind("partition", partition)
                .bind("limit", limit)
                .map(DeadLetterHistory::letter)
                .list());
    }

    private static StoredDeadLetter letter(ResultSet rs, StatementContext ctx) throws SQLException {
        String payload = Masking.mask(rs.getString("payload"));
        return new StoredDeadLetter(
                rs.getLong("id"),
                rs.getString("job"),
                rs.getString("partition_key"),
                rs.getLong("epoch"),
                Masking.mask(rs.getString("record_key")),
                Masking.mask(rs.getString("error")),
                (Integer) rs.getObject("status"),
                Masking.mask(rs.getString("excerpt")),
                rs.getString("trace_id"),
                excerpt(payload),
                payload.length(),
                json(Masking.mask(rs.getString("position"))),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("replayed_at")));
    }

    static String excerpt(String text) {
        if (text.length() <= EXCERPT_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(EXCERPT_CHARS - 1)) ? EXCERPT_CHARS - 1 : EXCERPT_CHARS;
        return text.substring(0, end) + "…";
    }

    private static JsonNode json(String text) {
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
