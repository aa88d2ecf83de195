package dev.sluice.sink.postgres.internal;

import dev.sluice.db.Pipeline;
import dev.sluice.db.PipelineStatement;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.sink.SinkStatement;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Writes a page inside the runner's transaction, idempotently by key.
 *
 * <p>A partition's first pass never meets its own keys, so the sink starts with PostgreSQL's
 * {@code COPY ... FROM STDIN} into the table, in the page's transaction ({@link SinkStatement#direct}):
 * per row it costs the server about half of an insert (no statement to parse and plan, no arrays to
 * unpack). COPY takes its own round trips (the command, then the data), so a page costs four:
 * the COPY's two, the watermark update (fence folded in), the COMMIT. Values are read by the
 * columns' input functions, as the upsert reads them.
 *
 * <p>When a key is already there (re-processing after a reset or {@code --force}, a key shared with
 * another partition) the COPY fails the page's transaction; {@link #retry} then switches this
 * attempt to one statement, {@code INSERT ... SELECT ... FROM unnest(text[] per column) ON CONFLICT
 * (key) DO UPDATE}, which the page transaction sends in the same round trip as the watermark update
 * (two round trips per page), and runs the page again. Its text is fixed whatever the page holds
 * (pgjdbc parses it once; a {@code prepareThreshold} in the URL keeps it prepared on the server
 * too). No savepoint and no temporary table, so it also works behind PgBouncer's transaction
 * pooling.
 */
public final class PostgresSink implements Sink {
    private final SinkTable table;
    private final Rows rows;
    private final int columns;
    private final String copy;
    private final String upsert;
    private volatile boolean upserting;

    public PostgresSink(PostgresSinkConfig config) {
        this.table = new SinkTable(config);
        this.rows = new Rows(config);
        this.columns = config.columns().size();
        UpsertStatement statements = new UpsertStatement(config, table.qualified());
        this.copy = statements.copy();
        this.upsert = statements.upsert();
    }

    @Override
    public void prepare(Handle handle) {
        table.prepare(handle);
    }

    /** The page as one upsert, in a round trip of its own: for callers that would not try a page again. */
    @Override
    public SinkResult write(Handle transaction, SinkBatch batch) {
        Rows.Converted converted = rows.convert(batch.records());
        Rowset page = new Rowset(upsert, batch, converted.rows());
        return new SinkResult(
                Pipeline.send(transaction, List.of(page)).getFirst().count(), converted.deadLetters());
    }

    /**
     * Converts the page (a repeated key keeps its last record): copied in on the first pass, bound as
     * one text array per column once a key was met.
     */
    @Override
    public Optional<SinkStatement> statement(SinkBatch batch) {
        Rows.Converted converted = rows.convert(batch.records());
        if (!upserting) {
            return Optional.of(SinkStatement.direct(
                    tx -> CopyRows.copy(tx, copy, batch, converted.rows()),
                    converted.rows().size(),
                    converted.deadLetters()));
        }
        return Optional.of(new SinkStatement(new Rowset(upsert, batch, converted.rows()), converted.deadLetters()));
    }

    /** A key already in the table failed the COPY: upsert from now on, and try the page again. */
    @Override
    public boolean retry(Throwable failure) {
        if (upserting || !keyExists(failure)) {
            return false;
        }
        upserting = true;
        return true;
    }

    private static boolean keyExists(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The sink table's qualified name, for messages. */
    public String table() {
        return table.qualified();
    }

    /** The page's rows as a statement: one text array per column. */
    private final class Rowset implements PipelineStatement {
        private final String sql;
        private final SinkBatch batch;
        private final List<String[]> page;

        Rowset(String sql, SinkBatch batch, List<String[]> page) {
            this.sql = sql;
            this.batch = batch;
            this.page = page;
        }

        @Override
        public String sql() {
            return sql;
        }

        @Override
        public int bind(PreparedStatement statement, int first) throws SQLException {
            statement.setString(first, batch.partition());
            statement.setLong(first + 1, batch.epoch());
            statement.setString(first + 2, batch.traceId());
            for (int c = 0; c < columns; c++) {
                String[] values = new String[page.size()];
                for (int r = 0; r < values.length; r++) {
                    values[r] = page.get(r)[c];
                }
                statement.setArray(first + 3 + c, statement.getConnection().createArrayOf("text", values));
            }
            return first + columns + 3;
        }
    }
}
