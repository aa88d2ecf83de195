package dev.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.TestPostgres;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class MigrationsTest {
    @Test
    void latest_matches_the_newest_migration_file() throws IOException, URISyntaxException {
        Path dir = Path.of(Migrations.class.getResource("/db/migration").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            int newest = files.map(p -> p.getFileName().toString())
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                    .max(Integer::compare)
                    .orElseThrow();
            assertThat(Migrations.LATEST).isEqualTo(newest);
        }
    }

    @Test
    void ensure_current_migrates_a_fresh_database_once_and_then_does_nothing() {
        try (Database db = Database.open(TestPostgres.freshDatabase("migrations"), "test")) {
            assertThat(Migrations.current(db.jdbi())).isZero();

            Migrations.ensureCurrent(db, true);
            Migrations.ensureCurrent(db, true);

            assertThat(Migrations.current(db.jdbi())).isEqualTo(Migrations.LATEST);
            assertThat(Migrations.migrate(db.dataSource())).isZero();
        }
    }

    @Test
    void without_auto_migration_an_old_schema_is_a_configuration_error() {
        try (Database db = Database.open(TestPostgres.freshDatabase("nomigrate"), "test")) {
            Assertions.assertThatThrownBy(() -> Migrations.ensureCurrent(db, false))
                    .isInstanceOf(DatabaseConfigException.class)
                    .hasMessageContaining("run `sluice db migrate` first");
        }
    }

    @Test
    void a_schema_newer_than_the_runner_is_refused_with_both_versions() {
        try (Database db = Database.open(TestPostgres.freshDatabase("newer"), "test")) {
            Migrations.ensureCurrent(db, true);
            int next = Migrations.LATEST + 1;
            db.jdbi()
                    .useHandle(h -> h.execute(
                            "INSERT INTO " + Migrations.HISTORY
                                    + " (installed_rank, version, description, type, script, installed_by, execution_time,"
                                    + " success) VALUES (1000, ?, 'from a later release', 'SQL', 'V" + next
                                    + "__later.sql', 'test', 0, true)",
                            String.valueOf(next)));

            for (boolean autoMigrate : new boolean[] {true, false}) {
                Assertions.assertThatThrownBy(() -> Migrations.ensureCurrent(db, autoMigrate))
                        .isInstanceOf(DatabaseConfigException.class)
                        .hasMessageContaining("is version " + next + ", newer than this runner knows (version "
                                + Migrations.LATEST + ")");
            }
        }
    }
}
