package dev.sluice.run;

import java.sql.SQLException;

/**
 * Which failures of a page transaction a new try can cure: a serialization failure or a deadlock
 * (PostgreSQL asks the client to retry them), and a lost connection (the pool hands out a new one;
 * the transaction was rolled back by the server, or committed, which the retry finds out from the
 * watermark). Anything else, and an interrupted thread (a stop was asked for), fails the page.
 */
final class PageRetries {
    static final int TRIES = 3;

    private PageRetries() {}

    /** Whether try {@code attempt} (from 1) failing with {@code failure} is tried again. */
    static boolean retry(Throwable failure, int attempt) {
        return attempt < TRIES && !Thread.currentThread().isInterrupted() && curable(failure);
    }

    static boolean curable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && curable(sql.getSQLState())) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (curable(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** 40001 serialization failure, 40P01 deadlock; class 08 connection exceptions; 57P01-57P03 server going away. */
    private static boolean curable(String state) {
        return state.equals("40001")
                || state.equals("40P01")
                || state.startsWith("08")
                || state.equals("57P01")
                || state.equals("57P02")
                || state.equals("57P03");
    }
}
