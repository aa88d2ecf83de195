package dev.sluice.testing;

import dev.sluice.db.Database;
import dev.sluice.db.DatabaseSettings;
import dev.sluice.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL (embedded binaries) per test JVM, and a fresh database per test class:
 * tests never share state and never mock the database.
 */
public final class TestPostgres {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {}

    /** The server, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /** A new, empty database on the test server. */
    public static DatabaseSettings freshDatabase(String prefix) {
        String name = (prefix.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_" + NEXT.incrementAndGet() + "_"
                + ProcessHandle.current().pid());
        name = name.length() > 60 ? name.substring(name.length() - 60) : name;
        try (Connection c = server().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new DatabaseSettings(
                "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + name, "postgres", null, 6, "test");
    }

    /**
     * A login role that must give its password (SCRAM), on the test server that otherwise trusts
     * every local connection: for tests of refused logins. Idempotent.
     */
    public static synchronized void passwordRole(String role, String password) {
        try (Connection c = server().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN "
                    + "CREATE ROLE " + role + " LOGIN; END IF; END $$");
            s.execute("ALTER ROLE " + role + " PASSWORD '" + password + "'");
            var rs = s.executeQuery("SHOW hba_file");
            rs.next();
            java.nio.file.Path hba = java.nio.file.Path.of(rs.getString(1));
            String rules = java.nio.file.Files.readString(hba);
            String line = "host all " + role + " 127.0.0.1/32 scram-sha-256\n";
            if (!rules.contains(line)) {
                java.nio.file.Files.writeString(hba, line + rules);
                s.execute("SELECT pg_reload_conf()");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh database with Sluice's schema applied, opened. */
    public static Database migratedDatabase(String prefix) {
        Database db = Database.open(freshDatabase(prefix), "sluice-test");
        Migrations.migrate(db.dataSource());
        return db;
    }

    /** The environment a sluice subprocess needs to use {@code settings}. */
    public static Map<String, String> env(DatabaseSettings settings) {
        return Map.of("SLUICE_DB_URL", settings.url(), "SLUICE_DB_USER", settings.user());
    }
}
