package dev.sluice.cli;

import dev.sluice.db.Database;
import dev.sluice.db.DatabaseSettings;
import dev.sluice.db.EmbeddedDatabase;
import dev.sluice.db.Migrations;
import java.util.Map;

/**
 * Opens the Sluice database for a command: {@code SLUICE_DB_URL} when set, else the embedded
 * default (the running {@code sluice db start} server, or a private one for this command). The
 * schema is migrated when behind, unless {@code SLUICE_DB_AUTO_MIGRATE=false}.
 */
final class DatabaseAccess implements AutoCloseable {
    private final AutoCloseable embedded;
    private final Database database;

    private DatabaseAccess(AutoCloseable embedded, Database database) {
        this.embedded = embedded;
        this.database = database;
    }

    static DatabaseAccess open(Map<String, String> env, String application) {
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
            Migrations.ensureCurrent(database, !"false".equalsIgnoreCase(env.get("SLUICE_DB_AUTO_MIGRATE")));
            return new DatabaseAccess(embedded, database);
        } catch (RuntimeException e) {
            closeQuietly(embedded);
            throw e;
        }
    }

    Database database() {
        return database;
    }

    @Override
    public void close() {
        database.close();
        closeQuietly(embedded);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            Console.info("closing the embedded PostgreSQL failed: {}", e.getMessage());
        }
    }
}
