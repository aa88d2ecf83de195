package dev.sluice.db;

import dev.sluice.StartupTrace;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Sluice database as a command opens it: {@code SLUICE_DB_URL} when set, else the embedded
 * default (the running {@code sluice db start} server, or a private one for this command). The
 * schema is migrated when behind, unless {@code SLUICE_DB_AUTO_MIGRATE=false}.
 */
public final class DatabaseAccess implements AutoCloseable {
    private final AutoCloseable embedded;
    private final Database database;
    private final Consumer<String> warnings;

    private DatabaseAccess(AutoCloseable embedded, Database database, Consumer<String> warnings) {
        this.embedded = embedded;
        this.database = database;
        this.warnings = warnings;
    }

    /**
     * Opens (and, where allowed, migrates) the database the environment names.
     *
     * @param application the connection's {@code application_name}, e.g. {@code sluice status orders}
     * @param warnings    told when stopping a private embedded server fails on close
     */
    public static DatabaseAccess open(Map<String, String> env, String application, Consumer<String> warnings) {
        DatabaseSettings settings = DatabaseSettings.fromEnv(env);
        AutoCloseable embedded = null;
        if (settings == null) {
            embedded = EmbeddedDatabase.connectOrStart(EmbeddedDatabase.home(env));
            settings = embedded instanceof EmbeddedDatabase owned
                    ? owned.settings()
                    : ((EmbeddedDatabase.Borrowed) embedded).settings();
        }
        try {
            Database database = Database.open(settings, application);
            StartupTrace.mark("pool connected");
            Migrations.ensureCurrent(database, !"false".equalsIgnoreCase(env.get("SLUICE_DB_AUTO_MIGRATE")));
            StartupTrace.mark("schema checked");
            return new DatabaseAccess(embedded, database, warnings);
        } catch (RuntimeException e) {
            closeQuietly(embedded, warnings);
            throw e;
        }
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        database.close();
        closeQuietly(embedded, warnings);
    }

    private static void closeQuietly(AutoCloseable embedded, Consumer<String> warnings) {
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } catch (Exception e) {
            warnings.accept("closing the embedded PostgreSQL failed: " + e.getMessage());
        }
    }
}
