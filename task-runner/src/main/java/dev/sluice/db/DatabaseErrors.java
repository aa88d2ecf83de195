package dev.sluice.db;

import dev.sluice.Masking;
import dev.sluice.SluiceException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Sorts database failures into "fix the configuration" (exit 78) and "try again later" (exit 75),
 * by SQLSTATE class. Messages name the server, never the password or bound values.
 */
public final class DatabaseErrors {
    private DatabaseErrors() {}

    /** The Sluice failure for a database exception, or null when it is not a known kind (a bug). */
    public static SluiceException classify(Throwable failure, String where) {
        SQLException sql = find(failure, SQLException.class);
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        SluiceException login = login(state, sql, failure, where);
        if (login != null) {
            return login;
        }
        if (state.equals("3D000")) {
            return new DatabaseConfigException(
                    "the database in " + where + " does not exist: create it or fix SLUICE_DB_URL", failure);
        }
        if (find(failure, UnknownHostException.class) != null) {
            return new DatabaseUnavailableException(
                    "cannot resolve the PostgreSQL host of " + where + ": check SLUICE_DB_URL (or the network/DNS)",
                    failure);
        }
        if (state.startsWith("08") || find(failure, ConnectException.class) != null) {
            return new DatabaseUnavailableException(
                    "cannot reach PostgreSQL at " + where + " (" + reason(sql, failure)
                            + "); is it running? Check SLUICE_DB_URL, or unset it to use the embedded PostgreSQL",
                    failure);
        }
        if (state.startsWith("53") || state.startsWith("57") || state.startsWith("40")) {
            return new DatabaseUnavailableException(
                    "PostgreSQL at " + where + " cannot serve now (" + state + ": " + reason(sql, failure)
                            + "); retry later",
                    failure);
        }
        return null;
    }

    /**
     * A refused login is a configuration error (exit 78): retrying with the same password cannot
     * succeed. The driver reports a password the server asked for but was not given as 08004, a
     * class that otherwise means "cannot connect"; it is sorted here with the server's 28xxx. The
     * messages name the settings to fix and never a password (neither the server's nor the
     * driver's message holds one).
     */
    private static SluiceException login(String state, SQLException sql, Throwable failure, String where) {
        String reason = state + ": " + reason(sql, failure);
        if (state.equals("28P01")) {
            return new DatabaseConfigException(
                    "PostgreSQL at " + where + " refused the password (" + reason
                            + "): check SLUICE_DB_PASSWORD and SLUICE_DB_USER; retrying will not help",
                    failure);
        }
        if (state.equals("08004")) {
            return new DatabaseConfigException(
                    "PostgreSQL at " + where + " refused the connection before login (" + reason
                            + "): set SLUICE_DB_PASSWORD (and SLUICE_DB_USER) to a login the server accepts",
                    failure);
        }
        if (state.startsWith("28")) {
            return new DatabaseConfigException(
                    "PostgreSQL at " + where + " refused the login (" + reason
                            + "): check SLUICE_DB_USER and SLUICE_DB_PASSWORD, or the server's pg_hba.conf",
                    failure);
        }
        return null;
    }

    /**
     * A Sluice failure for any database exception: a known kind (see {@link #classify}), else a
     * generic one whose message holds the SQLSTATE and the server's primary message only (no SQL
     * arguments, no row values from "Detail:" lines).
     */
    public static SluiceException translate(Throwable failure, String where) {
        SluiceException known = classify(failure, where);
        if (known != null) {
            return known;
        }
        SQLException sql = find(failure, SQLException.class);
        String detail = sql instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                ? p.getServerErrorMessage().getSQLState() + ": "
                        + p.getServerErrorMessage().getMessage()
                : sql != null
                        ? "SQLSTATE " + sql.getSQLState()
                        : failure.getClass().getSimpleName();
        return new DatabaseFailureException("database error at " + where + " (" + detail + ")", failure);
    }

    private static String reason(SQLException sql, Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = Masking.mask( // before the cut, so that no part of a secret shows
                root.getMessage() != null ? root.getMessage() : sql != null ? sql.getMessage() : root.toString());
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
