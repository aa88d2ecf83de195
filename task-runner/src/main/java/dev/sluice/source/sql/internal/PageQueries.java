package dev.sluice.source.sql.internal;

/**
 * The statements a source runs around the user's query, which stays a subquery and is never
 * edited: only its named parameters become JDBC's {@code ?}. The key is quoted as an identifier,
 * so it names exactly the column the query returns.
 */
final class PageQueries {
    private final String inner;
    private final String key;

    PageQueries(SqlText text, String key) {
        // A newline before the closing parenthesis: the query may end with a -- comment.
        this.inner = "SELECT * FROM (\n" + text.jdbc() + "\n) AS sluice_input";
        this.key = "sluice_input." + quoted(key);
    }

    /** No rows, only the columns: what the query returns, checked once per run. */
    String probe() {
        return inner + " LIMIT 0";
    }

    /** Whether any row has a null key (such rows would sort after every page and never be read). */
    String nullKeys() {
        return "SELECT EXISTS (" + inner + " WHERE " + key + " IS NULL)";
    }

    /** A page: the first, or the one after a key (parameters: the query's, then the key, then the limit). */
    String page(boolean afterKey) {
        return inner + (afterKey ? " WHERE " + key + " > ?" : "") + " ORDER BY " + key + " LIMIT ?";
    }

    static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
