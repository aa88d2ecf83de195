package dev.sluice.source.sql.internal;

import dev.sluice.SluiceException;
import dev.sluice.config.Durations;
import dev.sluice.config.SpecField;
import dev.sluice.db.DatabaseErrors;
import dev.sluice.source.sql.QueryFailedException;
import java.sql.SQLException;
import java.time.Duration;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Sorts the failures of a source query: the database unreachable or busy (exit 75, as for any
 * database work), the statement timeout and everything the query itself caused (exit 78, naming
 * {@code source.query}), the server broken (a bug, exit 70). Messages keep the server's words for
 * errors about names and types (SQLSTATE class 42) and drop quoted parts elsewhere, which can hold
 * a bound value or a value of the data.
 */
final class QueryErrors {
    private static final String WHERE = "the Sluice database";

    private final SpecField query;
    private final SpecField timeoutField;
    private final Duration timeout;

    QueryErrors(SpecField query, SpecField timeoutField, Duration timeout) {
        this.query = query;
        this.timeoutField = timeoutField;
        this.timeout = timeout;
    }

    SluiceException translate(Throwable failure) {
        SQLException sql = find(failure);
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        if (state.equals("57014")) {
            return new QueryFailedException(
                    query + ": one page of the query ran longer than " + timeoutField.path() + " = "
                            + Durations.format(timeout) + " and was cancelled; make it cheaper (an index "
                            + "on the key lets each page stop early) or raise " + timeoutField,
                    failure);
        }
        SluiceException known = DatabaseErrors.classify(failure, WHERE);
        if (known != null) {
            return known;
        }
        if (sql == null || state.isEmpty() || state.startsWith("XX")) {
            return DatabaseErrors.translate(failure, WHERE);
        }
        return new QueryFailedException(
                query + ": PostgreSQL refused the query (SQLSTATE " + state + ": " + serverMessage(sql, state) + ")"
                        + hint(state),
                failure);
    }

    private static String serverMessage(SQLException sql, String state) {
        ServerErrorMessage server = sql instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String message = server != null && server.getMessage() != null ? server.getMessage() : "no message";
        return state.startsWith("42") ? message : message.replaceAll("\"[^\"]*\"", "\"…\"");
    }

    private static String hint(String state) {
        return switch (state) {
            case "42P18" -> "; write the variable's type, e.g. CAST(:partition AS text)";
            case "25006" -> "; the query runs in a read-only transaction: it may only read";
            case "42601" -> "; check the query's syntax (it runs as a subquery: SELECT * FROM (<query>) ...)";
            default ->
                state.startsWith("22")
                        ? "; a partition variable or a value of the data does not fit its type: cast the variable "
                                + "to the column's type, e.g. CAST(:start AS date)"
                        : "";
        };
    }

    private static SQLException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }
}
