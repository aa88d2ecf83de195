package dev.sluice.watermark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.db.PipelineStatement;
import dev.sluice.db.PostgresValues;
import dev.sluice.lease.Lease;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import org.jdbi.v3.core.Handle;

/**
 * Moves a partition's watermark forward, only inside the transaction that writes the data it
 * covers, only while the attempt's epoch is current, and only from the position the page was
 * read from. The epoch fence is folded into the update itself ({@code WHERE epoch = ?}): the
 * update locks the partition row until commit, so no takeover can slip in before the commit, and
 * an update that matches no row means the page must not commit ({@link #refusal} says why).
 */
public final class WatermarkStore {
    /**
     * A function (migration V9) rather than the statement itself: the runner sends no named
     * prepared statements (PgBouncer), so PostgreSQL would parse and plan the two updates on every
     * page; PL/pgSQL plans them once per server session. No row when nothing matched.
     */
    private static final String ADVANCE = """
            SELECT dead_letters FROM sluice_advance_page(CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))
              AS dead_letters
            WHERE dead_letters IS NOT NULL""";

    /**
     * The same update for a page sent without BEGIN/COMMIT (migration V11): it raises
     * {@value #REFUSED} instead of answering no row, so PostgreSQL skips the write after it and rolls
     * the implicit transaction back.
     */
    private static final String ADVANCE_OR_REFUSE =
            "SELECT sluice_advance_page_or_refuse(CAST(? AS jsonb), ?, ?, ?, ?, CAST(? AS text), CAST(? AS text), ?, CAST(? AS jsonb))";

    /** The SQLSTATE of {@code sluice_advance_page_or_refuse}'s refusal. */
    public static final String REFUSED = "SL001";

    private final double leaseTtlSeconds;

    public WatermarkStore(Duration leaseTtl) {
        this.leaseTtlSeconds = leaseTtl.toMillis() / 1000.0;
    }

    /**
     * The page's update, as one statement: the new watermark, the partition's and the attempt's
     * counters, completion for the last page, and a longer lease (a steadily committing attempt
     * needs no separate heartbeat). It returns one row, the partition's dead letters counting this
     * page's, or no row when {@code lease} no longer owns the partition (fenced) or the watermark
     * is not at {@code page.from()} any more.
     */
    public PipelineStatement advance(Lease lease, PageAdvance page) {
        return advance(ADVANCE, lease, page);
    }

    /**
     * The page's update for a page committed in one autocommitted round trip: as {@link #advance},
     * but it fails with SQLSTATE {@value #REFUSED} where that answers no row ({@link #refused}), so
     * nothing sent after it in the same pipeline runs and nothing commits; one row otherwise.
     */
    public PipelineStatement advanceOrRefuse(Lease lease, PageAdvance page) {
        return advance(ADVANCE_OR_REFUSE, lease, page);
    }

    /** Whether {@code failure} is {@link #advanceOrRefuse}'s refusal. */
    public static boolean refused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && REFUSED.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private PipelineStatement advance(String sql, Lease lease, PageAdvance page) {
        return new PipelineStatement() {
            @Override
            public String sql() {
                return sql;
            }

            @Override
            public int bind(PreparedStatement s, int i) throws SQLException {
                json(s, i, page.to());
                s.setInt(i + 1, page.records());
                s.setInt(i + 2, page.deadLetters());
                s.setBoolean(i + 3, page.last());
                s.setDouble(i + 4, leaseTtlSeconds);
                int next = owner(s, i + 5, lease);
                json(s, next, page.from());
                return next + 1;
            }
        };
    }

    /** Why {@link #advance} matched no row; a read in the same transaction. */
    public Refusal refusal(Handle transaction, Lease lease, PageAdvance page) {
        return transaction
                .createQuery("""
                        SELECT epoch, watermark IS NOT DISTINCT FROM CAST(:to AS jsonb) AS advanced
                        FROM sluice_partition WHERE job = :job AND partition_key = :partition""")
                .bind("to", page.to() == null ? null : PostgresValues.jsonbText(page.to()))
                .bind("job", lease.job())
                .bind("partition", lease.partition())
                .map((rs, ctx) -> rs.getLong("epoch") != lease.epoch()
                        ? new Refusal.Fenced(rs.getLong("epoch"))
                        : rs.getBoolean("advanced") ? new Refusal.AlreadyAdvanced() : new Refusal.Moved())
                .findOne()
                .orElse(new Refusal.Fenced(-1));
    }

    /** Why a page's update matched no row. */
    public sealed interface Refusal {
        /** Another attempt (or a reset) owns the partition now: epoch {@code current}, -1 when the row is gone. */
        record Fenced(long current) implements Refusal {}

        /**
         * The watermark is at the page's end already: this attempt committed the page in an earlier
         * try whose commit was acknowledged too late (a connection lost during COMMIT).
         */
        record AlreadyAdvanced() implements Refusal {}

        /** The watermark is neither where the page was read from nor where it ends. */
        record Moved() implements Refusal {}
    }

    private static int owner(PreparedStatement s, int i, Lease lease) throws SQLException {
        s.setString(i, lease.job());
        s.setString(i + 1, lease.partition());
        s.setLong(i + 2, lease.epoch());
        return i + 3;
    }

    private static void json(PreparedStatement s, int i, JsonNode value) throws SQLException {
        if (value == null) {
            s.setNull(i, Types.VARCHAR);
        } else {
            s.setString(
                    i,
                    PostgresValues.jsonbText(value)); // as stored: what jsonb cannot hold spelled out, secrets masked
        }
    }
}
