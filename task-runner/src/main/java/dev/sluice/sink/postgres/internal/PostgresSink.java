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
 * Writes a page inside the runner's transaction, idempotently by key, as one statement:
 * {@code INSERT ... SELECT ... FROM unnest(text[] per column)}. Its text is fixed whatever the
 * page holds (pgjdbc parses it once; a {@code prepareThreshold} in the URL keeps it prepared on the
 * server too), and the page transaction sends it in the same round trip as the watermark update
 * ({@link #statement}): a page costs two round trips, as an
 * autocommitted COPY does. Values are cast by PostgreSQL's input functions, as COPY does.
 *
 * <p>A partition's first pass never meets its own keys, so the sink starts with a plain insert
 * (no speculative insertion). When a key is already there (re-processing after a reset or
 * {@code --force}, a key shared with another partition) the insert fails the page's transaction;
 * {@link #retry} then switches this attempt to {@code ON CONFLICT (key) DO UPDATE} and the page
 * transaction runs the page again. No savepoint and no temporary table, so it also works behind
 * PgBouncer's transaction pooling.
 */
public final class PostgresSink implements Sink {
    private final SinkTable table;
    private final Rows rows;
    private final int columns;
    private final String insert;
    private final String upsert;
    private volatile boolean upserting;

    public PostgresSink(PostgresSinkConfig config) {
        this.table = new SinkTable(config);
        this.rows = new Rows(config);
        this.columns = config.columns().size();
        UpsertStatement statements = new UpsertStatement(config, table.qualified());
        this.insert = statements.insert();
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

    /** Converts the page (a repeated key keeps its last record) and binds it, one text array per column. */
    @Override
    public Optional<SinkStatement> statement(SinkBatch batch) {
        Rows.Converted converted = rows.convert(batch.records());
        String sql = upserting ? upsert : insert;
        return Optional.of(new SinkStatement(new Rowset(sql, batch, converted.rows()), converted.deadLetters()));
    }

    /** A key already in the table failed the plain insert: upsert from now on, and try the page again. */
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
