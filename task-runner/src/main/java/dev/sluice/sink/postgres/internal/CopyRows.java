package dev.sluice.sink.postgres.internal;

import dev.sluice.sink.SinkBatch;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Sends a page's rows through {@code COPY ... FROM STDIN} in PostgreSQL's text format, on the
 * transaction's connection: columns separated by tabs, {@code \N} for null, and backslash, tab,
 * line feed and carriage return escaped, so any text arrives as it was (the values are already in
 * the columns' input format, see {@link Rows}). Each row ends with the partition, the attempt's
 * epoch and the trace id.
 */
final class CopyRows {
    private CopyRows() {}

    static long copy(Handle transaction, String sql, SinkBatch batch, List<String[]> rows) {
        StringBuilder text = new StringBuilder(rows.size() * 96);
        StringBuilder tail = new StringBuilder();
        tail.append('\t');
        escape(tail, batch.partition());
        tail.append('\t').append(batch.epoch()).append('\t');
        escape(tail, batch.traceId());
        tail.append('\n');
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                if (c > 0) {
                    text.append('\t');
                }
                escape(text, row[c]);
            }
            text.append(tail);
        }
        byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
        try {
            CopyIn copy = transaction
                    .getConnection()
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(sql);
            try {
                copy.writeToCopy(data, 0, data.length);
                return copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
        } catch (SQLException e) {
            // As Jdbi reports a failed statement: the SQLException (and its SQLState: 23505 for a key
            // already there) is the cause, which the page transaction and the sink's retry look at.
            throw new UnableToExecuteStatementException(
                    "COPY of " + rows.size() + " rows failed (SQLSTATE " + e.getSQLState() + ")", e, null);
        }
    }

    /** Appends {@code value} as COPY's text format reads it: {@code \N} for null, four characters escaped. */
    static void escape(StringBuilder out, String value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
    }
}
