package dev.sluice.db;

import dev.sluice.config.Secret;
import java.util.Map;

/**
 * How to reach PostgreSQL: {@code SLUICE_DB_URL} (a JDBC URL), {@code SLUICE_DB_USER},
 * {@code SLUICE_DB_PASSWORD} and {@code SLUICE_DB_POOL_SIZE} (default 4).
 *
 * @param url      the JDBC URL
 * @param user     the user, or null when the URL carries it
 * @param password the password, or null
 * @param poolSize connections per process: one for the page transaction, one for heartbeats,
 *                 the rest for shared-limit calls
 * @param origin   where the settings came from, for messages ({@code SLUICE_DB_URL}, {@code embedded})
 */
public record DatabaseSettings(String url, String user, Secret password, int poolSize, String origin) {
    public static final String URL = "SLUICE_DB_URL";

    /** The settings in the environment, or null when {@code SLUICE_DB_URL} is not set. */
    public static DatabaseSettings fromEnv(Map<String, String> env) {
        String url = env.get(URL);
        if (url == null || url.isBlank()) {
            return null;
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new DatabaseConfigException(URL + " = " + redact(url) + " is not a PostgreSQL JDBC URL; expected "
                    + "jdbc:postgresql://HOST:5432/DATABASE (or unset it to use the embedded PostgreSQL)");
        }
        String pool = env.getOrDefault("SLUICE_DB_POOL_SIZE", "4");
        int size;
        try {
            size = Integer.parseInt(pool.trim());
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 2 || size > 64) {
            throw new DatabaseConfigException("SLUICE_DB_POOL_SIZE = " + pool + " must be a whole number from 2 to 64");
        }
        String password = env.get("SLUICE_DB_PASSWORD");
        refuseFlawed("SLUICE_DB_PASSWORD", password);
        refuseFlawed("SLUICE_DB_USER", env.get("SLUICE_DB_USER"));
        return new DatabaseSettings(
                url.trim(), env.get("SLUICE_DB_USER"), password == null ? null : new Secret(password), size, URL);
    }

    /** A login setting with whitespace around it (a mounted secret file's newline) fails every login: refused. */
    private static void refuseFlawed(String name, String value) {
        String flaw = Secret.flaw(value);
        if (flaw != null) {
            throw new DatabaseConfigException("the value of " + name + " " + flaw + "; strip it where it is set "
                    + "(e.g. printf '%s' rather than echo when writing a secret file); it is sent exactly as given");
        }
    }

    /** The URL without its query string, which may carry a password. */
    public String safeUrl() {
        return redact(url);
    }

    static String redact(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }
}
