package dev.sluice.sink.postgres.internal;

import dev.sluice.db.Pipeline;
import dev.sluice.db.PipelineStatement;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.sink.SinkStatement;
import dev.sluice.sink.postgres.ColumnType;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Writes a page inside the runner's transaction, idempotently by key, as one statement: the call
 * of the sink's {@link WriteFunction} (an {@code INSERT ... SELECT unnest(text[])...} PostgreSQL
 * plans once per session), or that {@code INSERT} inline where the function cannot be created. Its
 * text is fixed whatever the page holds, and the page transaction sends it in the same round trip
 * as the watermark update ({@link #statement}). Each column travels as one binary array
 * ({@link ColumnArray}).
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
    private final List<ColumnType> types;
    private final WriteFunction function;
    private final String insert;
    private final String upsert;
    private volatile boolean viaFunction;
    private volatile boolean upserting;

    public PostgresSink(PostgresSinkConfig config) {
        this.table = new SinkTable(config);
        this.rows = new Rows(config);
        WriteSql sql = new WriteSql(config, table.qualified());
        this.types = sql.types();
        List<String> arrays = types.stream()
                .map(type -> "CAST(? AS " + ColumnArray.sqlType(type) + ")")
                .toList();
        WriteSql.Inputs inline = new WriteSql.Inputs(arrays, "CAST(? AS text)", "CAST(? AS bigint)", "CAST(? AS text)");
        this.insert = sql.write(false, inline);
        this.upsert = sql.write(true, inline);
        this.function = new WriteFunction(sql, table.schema(), table.qualified());
    }

    /** Creates or checks the table, then its write function (see {@link WriteFunction}). */
    @Override
    public void prepare(Handle handle) {
        viaFunction = table.prepare(handle, function::ensure);
    }

    /** The page as one upsert, in a round trip of its own: for callers that would not try a page again. */
    @Override
    public SinkResult write(Handle transaction, SinkBatch batch) {
        Rows.Converted converted = rows.convert(batch.records());
        Rowset page = new Rowset(true, batch, converted.rows());
        Pipeline.send(transaction, List.of(page));
        return new SinkResult(converted.rows().size(), converted.deadLetters());
    }

    /** Converts the page (a repeated key keeps its last record) and binds it, one array per column. */
    @Override
    public Optional<SinkStatement> statement(SinkBatch batch) {
        Rows.Converted converted = rows.convert(batch.records());
        return Optional.of(new SinkStatement(
                new Rowset(upserting, batch, converted.rows()), converted.rows().size(), converted.deadLetters()));
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

    /** The CREATE FUNCTION of the sink's write function, as {@code prepare} runs it. */
    public String writeFunction() {
        return function.definition();
    }

    /**
     * The page's rows as a statement: the function's call (partition, epoch, trace id, upsert,
     * arrays), or the inline statement (arrays, partition, epoch, trace id).
     */
    private final class Rowset implements PipelineStatement {
        private final boolean function = viaFunction;
        private final boolean upsert;
        private final SinkBatch batch;
        private final List<String[]> page;

        Rowset(boolean upsert, SinkBatch batch, List<String[]> page) {
            this.upsert = upsert;
            this.batch = batch;
            this.page = page;
        }

        @Override
        public String sql() {
            return function ? PostgresSink.this.function.call() : upsert ? PostgresSink.this.upsert : insert;
        }

        @Override
        public int bind(PreparedStatement statement, int first) throws SQLException {
            int next = first;
            if (function) {
                next = bindOrigin(statement, next);
                statement.setBoolean(next++, upsert);
            }
            for (int c = 0; c < types.size(); c++) {
                statement.setObject(next++, new ColumnArray(types.get(c), page, c));
            }
            return function ? next : bindOrigin(statement, next);
        }

        private int bindOrigin(PreparedStatement statement, int at) throws SQLException {
            statement.setString(at, batch.partition());
            statement.setLong(at + 1, batch.epoch());
            statement.setString(at + 2, batch.traceId());
            return at + 3;
        }
    }
}
