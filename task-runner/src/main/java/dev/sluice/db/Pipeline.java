package dev.sluice.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Sends several statements in one network round trip, inside the handle's transaction. pgjdbc
 * sends the statements of one multi-statement {@link PreparedStatement} as one Parse/Bind/Execute
 * each and a single Sync, then reads every result: the server runs them in order without waiting
 * for the client in between. The first failing statement fails the call (and, inside a
 * transaction, aborts it, so nothing after it takes effect).
 */
public final class Pipeline {
    /**
     * What one statement did.
     *
     * @param count  rows changed, or rows returned for a statement that returns rows
     * @param values the first column of each returned row, as longs (empty when it returns none)
     */
    public record Result(int count, List<Long> values) {}

    private Pipeline() {}

    /** Runs {@code statements} in order, in one round trip; their results in the same order. */
    public static List<Result> send(Handle transaction, List<PipelineStatement> statements) {
        StringBuilder sql = new StringBuilder();
        statements.forEach(s -> sql.append(sql.isEmpty() ? "" : ";\n").append(s.sql()));
        Connection connection = transaction.getConnection();
        try (PreparedStatement prepared = connection.prepareStatement(sql.toString())) {
            int next = 1;
            for (PipelineStatement statement : statements) {
                next = statement.bind(prepared, next);
            }
            boolean rows = prepared.execute();
            List<Result> results = new ArrayList<>(statements.size());
            for (int i = 0; i < statements.size(); i++) {
                results.add(rows ? rows(prepared.getResultSet()) : new Result(prepared.getUpdateCount(), List.of()));
                rows = prepared.getMoreResults();
            }
            return results;
        } catch (SQLException e) {
            // As Jdbi reports a failed statement; the SQLException (and its SQLState) is the cause.
            throw new UnableToExecuteStatementException(
                    "a pipeline of " + statements.size() + " statements failed (SQLSTATE " + e.getSQLState() + ")",
                    e,
                    null);
        }
    }

    private static Result rows(ResultSet rows) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (rows) {
            while (rows.next()) {
                values.add(rows.getLong(1));
            }
        }
        return new Result(values.size(), values);
    }
}
