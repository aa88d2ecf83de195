package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sha256;
import dev.sluice.db.DatabaseSettings;
import dev.sluice.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One spec, one truth: {@code --spec-sha256} refuses a spec file that is not the one the DAG parsed. */
class SpecDigestTest {
    private static final String SPEC = """
            job: digest
            partitions: {type: daily, start: 2026-11-01, end: 2026-11-03}
            source: {type: http, url: "http://127.0.0.1:1/v1/orders"}
            sink: {type: postgres, table: digest_orders, key: [id], columns: {id: {path: $.id}}}
            """;

    @TempDir
    static Path dir;

    private static Path spec;
    private static String sha256;

    @BeforeAll
    static void spec() throws Exception {
        spec = Files.writeString(dir.resolve("digest.yaml"), SPEC);
        sha256 = Sha256.hex(Files.readAllBytes(spec));
    }

    @Test
    void the_hash_of_the_file_as_read_lets_the_command_run() {
        Stdout validate = Stdout.of(Map.of(), "validate", "--job", spec.toString(), "--spec-sha256", sha256);

        assertThat(validate.exit()).as(validate.text()).isZero();
        assertThat(sha256).isEqualTo(sha256Sum(SPEC));
    }

    @Test
    void a_run_whose_spec_differs_from_the_dags_exits_78_before_it_touches_the_database() throws Exception {
        DatabaseSettings db = TestPostgres.freshDatabase("digest");
        String other = sha256Sum(SPEC + "# one more line on the DAG side\n");

        Stdout run = Stdout.of(
                TestPostgres.env(db),
                "run",
                "--job",
                spec.toString(),
                "--partition",
                "2026-11-01",
                "--spec-sha256",
                other);

        assertThat(run.exit()).as(run.text()).isEqualTo(78);
        assertThat(run.json().path("message").asText())
                .contains(spec.toString())
                .contains(sha256.substring(0, 12))
                .contains(other.substring(0, 12))
                .contains("the runner's copy of the spec differs from the one the DAG parsed")
                .contains("redeploy the image or mount dags/jobs");
        assertThat(tables(db)).as("tables in the Sluice database").isZero();
    }

    @Test
    void every_command_that_takes_a_job_checks_it() {
        String other = "0".repeat(64);
        for (String[] args : new String[][] {
            {"validate", "--job", spec.toString()},
            {"plan", "--job", spec.toString()},
            {"status", "--job", spec.toString()},
            {"reset", "--job", spec.toString(), "--all"},
            {"db", "migrate", "--job", spec.toString()},
        }) {
            String[] withHash = Stream.concat(Arrays.stream(args), Stream.of("--spec-sha256", other))
                    .toArray(String[]::new);

            Stdout result = Stdout.of(Map.of("SLUICE_DB_URL", "jdbc:postgresql://127.0.0.1:1/none"), withHash);

            assertThat(result.exit())
                    .as(String.join(" ", args) + ": " + result.text())
                    .isEqualTo(78);
            assertThat(result.json().path("message").asText()).contains("differs from the one the DAG parsed");
        }
    }

    @Test
    void a_hash_that_is_not_hex_sha256_is_a_usage_error() {
        Stdout validate = Stdout.of(Map.of(), "validate", "--job", spec.toString(), "--spec-sha256", "abc");

        assertThat(validate.exit()).isEqualTo(64);
        assertThat(validate.json().path("message").asText()).contains("--spec-sha256 = \"abc\"");
    }

    @Test
    void db_migrate_takes_one_hash_per_job() {
        Stdout migrate = Stdout.of(
                Map.of(), "db", "migrate", "--job", spec.toString(), "--job", spec.toString(), "--spec-sha256", sha256);

        assertThat(migrate.exit()).isEqualTo(64);
        assertThat(migrate.json().path("message").asText()).contains("one --spec-sha256 per --job");
    }

    private static String sha256Sum(String text) {
        return Sha256.hex(text);
    }

    private static int tables(DatabaseSettings db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), null);
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
