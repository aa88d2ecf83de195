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
 * {@code INSERT ... SELECT ... FROM unnest(text[] per column) ON CONFLICT (key) DO UPDATE}. One
 * statement with a fixed text whatever the page holds, so the driver keeps it server-prepared, and
 * the page transaction sends it in the same round trip as the watermark update
 * ({@link #statement}): a page costs two round trips, as an autocommitted COPY does. Values are
 * cast by PostgreSQL's input functions, as COPY does. No savepoint (a re-processed page simply
 * updates its rows) and no temporary table, so it also works behind PgBouncer's transaction pooling.
 */
public final class PostgresSink implements Sink {
    private final SinkTable table;
    private final Rows rows;
    private final int columns;
    private final String upsert;

    public PostgresSink(PostgresSinkConfig config) {
        this.table = new SinkTable(config);
        this.rows = new Rows(config);
        this.columns = config.columns().size();
        this.upsert = new UpsertStatement(config, table.qualified()).sql();
    }

    @Override
    public void prepare(Handle handle) {
        table.prepare(handle);
    }

    @Override
    public SinkResult write(Handle transaction, SinkBatch batch) {
        SinkStatement page = statement(batch).orElseThrow();
        int written =
                Pipeline.send(transaction, List.of(page.statement())).getFirst().count();
        return new SinkResult(written, page.deadLetters());
    }

    /** Converts the page (repeated keys keep their last record) and binds it, one text array per column. */
    @Override
    public Optional<SinkStatement> statement(SinkBatch batch) {
        Rows.Converted converted = rows.convert(batch.records());
        return Optional.of(new SinkStatement(new Upsert(batch, converted.rows()), converted.deadLetters()));
    }

    /** The sink table's qualified name, for messages. */
    public String table() {
        return table.qualified();
    }

    private final class Upsert implements PipelineStatement {
        private final SinkBatch batch;
        private final List<String[]> page;

        Upsert(SinkBatch batch, List<String[]> page) {
            this.batch = batch;
            this.page = page;
        }

        @Override
        public String sql() {
            return upsert;
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
