package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rule 5: bad input never half-writes. Each malformed spec, argument or database setting fails
 * before the first write, with the documented exit code and a message saying what is wrong,
 * where, and how to fix it; the database is exactly as before.
 */
class BadInputTest {
    private static JobFixture job;
    private static String valid;
    private List<String> before;

    @BeforeAll
    static void start() throws IOException {
        job = JobFixture.start(
                "badinput", SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(20), 10, "");
        valid = Files.readString(job.spec());
        job.database().jdbi().useHandle(h -> h.execute("CREATE TABLE typed_orders (id text PRIMARY KEY, amount text)"));
    }

    @AfterAll
    static void stop() {
        job.close();
    }

    @BeforeEach
    void snapshot() {
        before = databaseState();
    }

    /** A spec variant: {@code valid} with one replacement, written to a file. */
    private static Path spec(String find, String replace) throws IOException {
        if (!find.isEmpty() && !valid.contains(find)) {
            throw new IllegalArgumentException("the base spec has no " + find);
        }
        Path file = Files.createTempFile("bad", ".yaml");
        Files.writeString(file, find.isEmpty() ? valid + replace : valid.replace(find, replace));
        return file;
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of(
                        "unknown top-level field", "", "retries: 3\n", "retries = \"3\" \\(.*:\\d+\\): unknown field"),
                Arguments.of(
                        "unknown nested field, with a suggestion",
                        "pagination:",
                        "paginaton:",
                        "source.paginaton .*unknown field \\(did you mean pagination\\?\\)"),
                Arguments.of("wrong type", "timeout: 10s", "timeout: [10s]", "source.timeout .*expected a duration"),
                Arguments.of(
                        "bad duration",
                        "timeout: 10s",
                        "timeout: 10 seconds",
                        "source.timeout = \"10 seconds\" .*:\\d+\\): expected a duration like 500ms"),
                Arguments.of(
                        "missing env secret",
                        "${SHOP_API_TOKEN}",
                        "${NOT_SET_ANYWHERE}",
                        "source.auth.token = \"\\$\\{NOT_SET_ANYWHERE}\" .*environment variable NOT_SET_ANYWHERE is not set; export it"),
                Arguments.of("invalid YAML", "sink:", "sink: [", "not valid YAML"),
                Arguments.of("duplicate key", "", "job: again\n", "job .*duplicate key job"),
                Arguments.of(
                        "bad JSON path",
                        "records: $.data",
                        "records: data",
                        "source.records = \"data\" .*a JSON path starts with \\$"),
                Arguments.of(
                        "unsupported JSON path",
                        "records: $.data",
                        "records: $.data[*]",
                        "source.records .*unsupported JSON path"),
                Arguments.of(
                        "unknown source type", "type: http", "type: ftp", "source.type .*unknown; known types: http"),
                Arguments.of(
                        "url that is not http",
                        "url: ${SANDBOX_URL}/v1/orders",
                        "url: ftp://example.com/orders",
                        "source.url .*must be an absolute http"),
                Arguments.of(
                        "template variable the partitions lack",
                        "\"{partition}\"",
                        "\"{partition.value}\"",
                        "\\{partition.value} is not a variable of this job's partitions"),
                Arguments.of(
                        "unknown partition type",
                        "type: daily",
                        "type: weekly",
                        "partitions.type = \"weekly\" .*must be one of daily, hourly, list, shards"),
                Arguments.of(
                        "sink table name",
                        "table: badinput_orders",
                        "table: Orders!",
                        "sink.table .*lower-case table name"),
                Arguments.of(
                        "key not among the columns",
                        "key: [id]",
                        "key: [order_id]",
                        "sink.key\\[0] .*is not one of the declared columns"),
                Arguments.of(
                        "unknown column type",
                        "type: numeric",
                        "type: money",
                        "sink.columns.amount.type = \"money\" .*column type must be one of"),
                Arguments.of(
                        "bad rate",
                        "",
                        "limits: [{name: api, rates: [fast]}]\n",
                        "limits\\[0].rates\\[0] = \"fast\" .*expected N/period like 50/1s"),
                Arguments.of(
                        "a daily budget as a paced rate",
                        "",
                        "limits: [{name: api, rates: [15000/1d]}]\n",
                        "is a quota: move it under quotas"),
                Arguments.of(
                        "bad retry setting",
                        "",
                        "retry: {max_attempts: 0}\n",
                        "retry.max_attempts .*must be from 1 to 100"),
                Arguments.of(
                        "job name", "job: badinput", "job: Bad Input", "job = \"Bad Input\" .*lower-case letters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void a_bad_spec_exits_78_with_a_clear_message_and_writes_nothing(
            String name, String find, String replace, String message) throws IOException {
        Path file = spec(find, replace);

        SluiceProcess.Result run =
                SluiceProcess.run(job.env(), "run", "--job", file.toString(), "--partition", "2026-11-01");

        assertThat(run.exit()).as(run.describe()).isEqualTo(78);
        assertThat(run.json().get("message").asText())
                .as(run.describe())
                .containsPattern(message)
                .contains(file.toString());
        assertThat(databaseState()).isEqualTo(before);
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(
                        "bad partition key",
                        List.of("run", "--job", "SPEC", "--partition", "2026-13-01"),
                        64,
                        "is not a daily partition key: a date like 2026-11-01"),
                Arguments.of(
                        "missing --partition",
                        List.of("run", "--job", "SPEC"),
                        64,
                        "Missing required option: '--partition=KEY'"),
                Arguments.of(
                        "unknown option",
                        List.of("run", "--job", "SPEC", "--partition", "2026-11-01", "--frobnicate"),
                        64,
                        "Unknown option: '--frobnicate'"),
                Arguments.of(
                        "plan window in the wrong form",
                        List.of("plan", "--job", "SPEC", "--from", "yesterday", "--to", "2026-11-03"),
                        64,
                        "--from = yesterday is not a date like 2026-11-01"),
                Arguments.of(
                        "spec file not found",
                        List.of("run", "--job", "/nonexistent/orders.yaml", "--partition", "2026-11-01"),
                        78,
                        "file not found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void a_bad_command_line_fails_with_its_code_and_writes_nothing(
            String name, List<String> args, int code, String message) {
        List<String> argv = new ArrayList<>(args.stream()
                .map(a -> a.equals("SPEC") ? job.spec().toString() : a)
                .toList());

        SluiceProcess.Result run = SluiceProcess.run(job.env(), argv.toArray(String[]::new));

        assertThat(run.exit()).as(run.describe()).isEqualTo(code);
        assertThat(run.json().toString() + run.stderr()).contains(message);
        assertThat(databaseState()).isEqualTo(before);
    }

    static Stream<Arguments> badDatabases() {
        return Stream.of(
                Arguments.of(
                        "unreachable database",
                        Map.of("SLUICE_DB_URL", "jdbc:postgresql://127.0.0.1:1/sluice"),
                        75,
                        "cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:1/sluice"),
                Arguments.of(
                        "not a PostgreSQL URL",
                        Map.of("SLUICE_DB_URL", "jdbc:mysql://127.0.0.1:3306/sluice"),
                        78,
                        "is not a PostgreSQL JDBC URL"),
                Arguments.of(
                        "database that does not exist",
                        Map.of("SLUICE_DB_URL", job.env().get("SLUICE_DB_URL").replaceAll("/[^/]+$", "/no_such_db")),
                        78,
                        "does not exist: create it or fix SLUICE_DB_URL"),
                Arguments.of(
                        "login refused",
                        Map.of("SLUICE_DB_USER", "nobody_here", "SLUICE_DB_PASSWORD", "pw-secret-123"),
                        78,
                        "refused the login"),
                Arguments.of(
                        "pool size out of range",
                        Map.of("SLUICE_DB_POOL_SIZE", "1000"),
                        78,
                        "SLUICE_DB_POOL_SIZE = 1000 must be a whole number from 2 to 64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDatabases")
    void bad_database_settings_fail_with_their_code_and_never_show_a_password(
            String name, Map<String, String> env, int code, String message) {
        Map<String, String> all = new HashMap<>(job.env());
        all.putAll(env);

        SluiceProcess.Result run =
                SluiceProcess.run(all, "run", "--job", job.spec().toString(), "--partition", "2026-11-01");

        assertThat(run.exit()).as(run.describe()).isEqualTo(code);
        assertThat(run.json().get("message").asText()).contains(message);
        assertThat(String.join("\n", run.stdout()) + run.stderr()).doesNotContain("pw-secret-123");
        assertThat(databaseState()).isEqualTo(before);
    }

    @Test
    void an_existing_sink_table_of_another_shape_is_refused_before_any_write() throws IOException {
        Path file = spec("table: badinput_orders", "table: typed_orders");

        SluiceProcess.Result run =
                SluiceProcess.run(job.env(), "run", "--job", file.toString(), "--partition", "2026-11-01");

        assertThat(run.exit()).as(run.describe()).isEqualTo(78);
        assertThat(run.json().get("message").asText()).contains("amount is text in the table but numeric in the spec");
        assertThat(databaseState()).isEqualTo(before);
    }

    /** Tables, their columns, and the row count of each: what "unchanged" means here. */
    private static List<String> databaseState() {
        return job.database().jdbi().withHandle(h -> {
            List<String> state = new ArrayList<>();
            List<String> tables = h.createQuery(
                            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                                    + "ORDER BY table_name")
                    .mapTo(String.class)
                    .list();
            for (String table : tables) {
                String columns = String.join(
                        ",",
                        h.createQuery("SELECT column_name || ' ' || data_type FROM information_schema.columns "
                                        + "WHERE table_name = :t ORDER BY ordinal_position")
                                .bind("t", table)
                                .mapTo(String.class)
                                .list());
                long rows = h.createQuery("SELECT count(*) FROM \"" + table + "\"")
                        .mapTo(Long.class)
                        .one();
                state.add(table + "(" + columns + "): " + rows);
            }
            return state;
        });
    }
}
