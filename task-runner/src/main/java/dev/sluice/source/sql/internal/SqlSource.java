package dev.sluice.source.sql.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.partition.Partition;
import dev.sluice.source.Page;
import dev.sluice.source.Source;
import dev.sluice.source.sql.QueryFailedException;
import dev.sluice.source.sql.SqlSourceConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Reads a query's rows in key order, a page at a time, with keyset pagination around the user's
 * query: {@code SELECT * FROM (<query>) AS sluice_input WHERE key > :after ORDER BY key LIMIT n}.
 * The position is {@code {"after": <last key read>}}, so a re-read after a crash returns the same
 * rows (as long as the data is the same) and a page never depends on how many rows came before.
 * Each page runs in its own read-only transaction with a statement timeout, on a connection of the
 * run's pool that is given back before {@link #read} returns.
 */
public final class SqlSource implements Source {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Jdbi jdbi;
    private final SqlSourceConfig config;
    private final PageQueries queries;
    private final SqlText text;
    private final KeyRules keys;
    private final QueryErrors errors;
    private boolean checked;

    public SqlSource(Jdbi jdbi, SqlSourceConfig config, SqlSourceConfig.Fields fields) {
        this.jdbi = jdbi;
        this.config = config;
        this.text = SqlText.valid(config.query());
        this.queries = new PageQueries(text, config.key());
        this.keys = new KeyRules(config.key(), fields.key(), fields.query());
        this.errors = new QueryErrors(fields.query(), fields.statementTimeout(), config.statementTimeout());
    }

    @Override
    public Page read(Partition partition, JsonNode position) {
        JsonNode after = keys.after(position);
        try {
            return jdbi.inTransaction(h -> page(h.getConnection(), partition, after, position));
        } catch (QueryFailedException e) {
            throw e;
        } catch (JdbiException | SQLException e) {
            throw errors.translate(e);
        }
    }

    private Page page(Connection connection, Partition partition, JsonNode after, JsonNode position)
            throws SQLException {
        try (Statement settings = connection.createStatement()) {
            settings.execute("SET TRANSACTION READ ONLY");
            settings.execute(
                    "SET LOCAL statement_timeout = " + config.statementTimeout().toMillis());
        }
        if (!checked) {
            keys.checkColumns(columns(connection, partition));
            checked = true;
        }
        if (after == null) {
            keys.checkNoNullKey(exists(connection, queries.nullKeys(), partition));
        }
        List<ObjectNode> rows = rows(connection, partition, after);
        boolean last = rows.size() <= config.pageSize();
        List<JsonNode> records = new ArrayList<>(rows.subList(0, Math.min(rows.size(), config.pageSize())));
        JsonNode next = records.isEmpty()
                ? (position == null ? NODES.objectNode().putNull("after") : position)
                : NODES.objectNode().set("after", records.getLast().get(config.key()));
        return new Page(records, next, last);
    }

    /** Up to a page and one row more (which tells whether this page is the last, and shows a key repeated across). */
    private List<ObjectNode> rows(Connection connection, Partition partition, JsonNode after) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(queries.page(after != null))) {
            int next = bindVariables(statement, partition);
            if (after != null) {
                statement.setObject(next++, KeyRules.text(after), Types.OTHER);
            }
            statement.setInt(next, config.pageSize() + 1);
            try (ResultSet results = statement.executeQuery()) {
                RowJson json = new RowJson(results.getMetaData());
                List<ObjectNode> rows = new ArrayList<>();
                while (results.next()) {
                    ObjectNode row = json.row(results);
                    keys.checkRow(row, rows.isEmpty() ? null : rows.getLast());
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    private List<KeyRules.Column> columns(Connection connection, Partition partition) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(queries.probe())) {
            bindVariables(statement, partition);
            try (ResultSet results = statement.executeQuery()) {
                ResultSetMetaData meta = results.getMetaData();
                List<KeyRules.Column> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(new KeyRules.Column(meta.getColumnLabel(i), meta.getColumnTypeName(i)));
                }
                return columns;
            }
        }
    }

    private boolean exists(Connection connection, String sql, Partition partition) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bindVariables(statement, partition);
            try (ResultSet results = statement.executeQuery()) {
                return results.next() && results.getBoolean(1);
            }
        }
    }

    /**
     * Binds every partition variable the query names, as text of no declared type: PostgreSQL
     * infers each one's type from where it stands ({@code day = :start} makes it a date), exactly
     * as it would for a literal. Returns the next parameter index.
     */
    private int bindVariables(PreparedStatement statement, Partition partition) throws SQLException {
        int index = 1;
        for (SqlText.Parameter parameter : text.parameters()) {
            statement.setObject(index++, partition.variable(variableName(parameter)), Types.OTHER);
        }
        return index;
    }

    private static String variableName(SqlText.Parameter parameter) {
        return parameter.name().equals("partition") ? "" : parameter.name();
    }
}
