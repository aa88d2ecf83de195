package dev.sluice.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;

/**
 * Sluice's schema, by Flyway migrations in {@code db/migration} (history in
 * {@code sluice_schema_history}). A run checks the version with one cheap query and only starts
 * Flyway when something is missing, which keeps short runs short.
 */
public final class Migrations {
    /** The newest migration this build ships; a test keeps it equal to the files. */
    public static final int LATEST = 11;

    static final String HISTORY = "sluice_schema_history";

    private Migrations() {}

    /** Applies pending migrations; returns how many ran. Safe to run concurrently (Flyway locks). */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table(HISTORY)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    /** The schema version in the database, 0 when Sluice never migrated it. */
    public static int current(Jdbi jdbi) {
        return jdbi.withHandle(h -> {
            boolean exists = h.createQuery("SELECT to_regclass('" + HISTORY + "') IS NOT NULL")
                    .mapTo(Boolean.class)
                    .one();
            return !exists
                    ? 0
                    : h.createQuery("SELECT coalesce(max(version::int), 0) FROM " + HISTORY
                                    + " WHERE success AND version ~ '^[0-9]+$'")
                            .mapTo(Integer.class)
                            .one();
        });
    }

    /**
     * Brings the schema up to date unless it already is, and refuses a schema newer than this
     * build (a later release migrated it). With {@code SLUICE_DB_AUTO_MIGRATE=false}
     * (production, where migrations run as their own step) it fails instead.
     */
    public static void ensureCurrent(Database database, boolean autoMigrate) {
        int current = current(database.jdbi());
        if (current > LATEST) {
            // What Flyway's validation would refuse too (an applied migration this build lacks):
            // tables may have changed in ways this runner does not know.
            throw new DatabaseConfigException("the Sluice schema in "
                    + database.settings().safeUrl()
                    + " is version " + current + ", newer than this runner knows (version " + LATEST
                    + "); run a runner of the same release as the schema (or newer)");
        }
        if (current == LATEST) {
            return;
        }
        if (!autoMigrate) {
            throw new DatabaseConfigException("the Sluice schema in "
                    + database.settings().safeUrl()
                    + " is older than this runner needs (version " + LATEST + "); run `sluice db migrate` first "
                    + "(or unset SLUICE_DB_AUTO_MIGRATE=false to migrate automatically)");
        }
        try {
            migrate(database.dataSource());
        } catch (RuntimeException e) {
            // Two first runs may race to create the history table; the loser finds the work done.
            if (current(database.jdbi()) < LATEST) {
                migrate(database.dataSource());
            }
        }
    }
}
