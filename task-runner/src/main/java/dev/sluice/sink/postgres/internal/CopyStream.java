package dev.sluice.sink.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Rows sent to a COPY while they are still being converted: each row is encoded as CSV and sent in
 * chunks, so PostgreSQL parses and inserts the first rows while the client converts the next ones
 * (two cores at work instead of one after the other).
 */
final class CopyStream implements AutoCloseable {
    private static final int CHUNK = 32 * 1024;

    private final CopyIn copy;
    private final String[] trailing;
    private final StringBuilder chunk = new StringBuilder(CHUNK + 1024);
    private boolean ended;

    CopyStream(CopyManager manager, String sql, String[] trailing) throws SQLException {
        this.copy = manager.copyIn(sql);
        this.trailing = trailing;
    }

    void row(String[] values) throws SQLException {
        Csv.appendRow(chunk, values, trailing);
        if (chunk.length() >= CHUNK) {
            flush();
        }
    }

    /** Sends what is left and ends the COPY; a refused row (a key already there) fails here. */
    long finish() throws SQLException {
        flush();
        ended = true;
        return copy.endCopy();
    }

    private void flush() throws SQLException {
        if (!chunk.isEmpty()) {
            byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            chunk.setLength(0);
        }
    }

    /** Abandons an unfinished COPY (the transaction is then rolled back to its savepoint). */
    @Override
    public void close() {
        if (!ended && copy.isActive()) {
            try {
                copy.cancelCopy();
            } catch (SQLException e) {
                // the connection reports the failure on its next statement
            }
        }
    }
}
