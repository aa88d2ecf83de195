package dev.sluice.testing;

import dev.sluice.db.Database;
import dev.sluice.db.DatabaseSettings;
import dev.sluice.db.Migrations;
import dev.sluice.sandbox.Order;
import dev.sluice.sandbox.Sandbox;
import dev.sluice.sandbox.SandboxConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.awaitility.Awaitility;

/**
 * A job end to end for functional tests: the sandbox API in this JVM (ground truth), a fresh
 * database, and a job spec file pointing at both; runs happen in real {@code sluice} processes.
 */
public final class JobFixture implements AutoCloseable {
    public static final String TOKEN = "sandbox-token-7";

    private final Sandbox sandbox;
    private final DatabaseSettings settings;
    private final Database database;
    private final Path spec;
    private final String table;

    private JobFixture(Sandbox sandbox, DatabaseSettings settings, Path spec, String table) {
        this.sandbox = sandbox;
        this.settings = settings;
        this.database = Database.open(settings, "test-fixture");
        Migrations.migrate(database.dataSource());
        this.spec = spec;
        this.table = table;
    }

    /**
     * @param name      names the database and the table
     * @param config    the sandbox (token and port are set here)
     * @param pageSize  records per page the job asks for
     * @param extraYaml more top-level spec sections (runner:, limits:, retry:, ...), or ""
     */
    public static JobFixture start(String name, SandboxConfig config, int pageSize, String extraYaml) {
        return start(name, config, pageSize, extraYaml, "{type: bearer, token: \"${SHOP_API_TOKEN}\"}");
    }

    /** As {@link #start(String, SandboxConfig, int, String)}, with the source's {@code auth:} as given. */
    public static JobFixture start(String name, SandboxConfig config, int pageSize, String extraYaml, String auth) {
        Sandbox sandbox = Sandbox.start(config.withToken(TOKEN));
        String table = name.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_orders";
        DatabaseSettings settings = TestPostgres.freshDatabase(name);
        String yaml = """
                job: %s
                partitions: {type: daily, start: 2026-11-01, end: 2026-11-07}
                source:
                  type: http
                  url: ${SANDBOX_URL}/v1/orders
                  params: {partition: "{partition}", page_size: "%d"}
                  auth: %s
                  records: $.data
                  pagination: {type: cursor, cursor: $.next_cursor, param: cursor}
                  timeout: 10s
                sink:
                  type: postgres
                  table: %s
                  key: [id]
                  columns:
                    id: {path: $.id}
                    customer_id: {path: $.customer_id, type: bigint}
                    amount: {path: $.amount, type: numeric}
                    currency: {path: $.currency}
                    status: {path: $.status}
                    note: {path: $.note}
                    updated_at: {path: $.updated_at, type: timestamptz}
                %s
                """.formatted(name.toLowerCase().replaceAll("[^a-z0-9_]", "_"), pageSize, auth, table, extraYaml);
        try {
            Path file = Files.createTempDirectory("sluice-job").resolve(table + ".yaml");
            Files.writeString(file, yaml);
            return new JobFixture(sandbox, settings, file, table);
        } catch (IOException e) {
            sandbox.close();
            throw new UncheckedIOException(e);
        }
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    public Database database() {
        return database;
    }

    /** How the test reaches this job's database directly (not through any pooler). */
    public DatabaseSettings settings() {
        return settings;
    }

    /** The name of this job's database on the test server. */
    public String databaseName() {
        return settings.url().substring(settings.url().lastIndexOf('/') + 1);
    }

    public Path spec() {
        return spec;
    }

    public String table() {
        return table;
    }

    /** The environment of a run: database, API URL and token, plus {@code more} pairs. */
    public Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(TestPostgres.env(settings));
        env.put("SANDBOX_URL", sandbox.baseUrl());
        env.put("SHOP_API_TOKEN", TOKEN);
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    /** {@code sluice run --job <spec> --partition P args...}, to completion. */
    public SluiceProcess.Result run(String partition, String... args) {
        return start(partition, Map.of(), args).await(Duration.ofMinutes(3));
    }

    /** Starts a run without waiting. */
    public SluiceProcess start(String partition, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = env();
        env.putAll(extraEnv);
        List<String> argv = new ArrayList<>(List.of("run", "--job", spec.toString(), "--partition", partition));
        argv.addAll(List.of(args));
        return SluiceProcess.start(env, argv.toArray(String[]::new));
    }

    /** Any other command against this job: {@code sluice <command> --job <spec> args...}. */
    public SluiceProcess.Result command(String command, String... args) {
        List<String> argv = new ArrayList<>(List.of(command, "--job", spec.toString()));
        argv.addAll(List.of(args));
        return SluiceProcess.run(env(), argv.toArray(String[]::new));
    }

    /** The rows of some partitions of the sink table, canonically (see {@link #tableRows()}). */
    public List<String> tableRows(String... partitions) {
        List<String> wanted = List.of(partitions);
        return tableRows().stream()
                .filter(r -> wanted.contains(r.split(" \\| ")[1]))
                .toList();
    }

    /** The sink table, one canonical line per row, by id (business columns and partition). */
    public List<String> tableRows() {
        if (!database.jdbi()
                .withHandle(h -> h.createQuery("SELECT to_regclass(:t) IS NOT NULL")
                        .bind("t", table)
                        .mapTo(Boolean.class)
                        .one())) {
            return List.of();
        }
        return database
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT id, _sluice_partition, customer_id, amount, currency, status, "
                                + "note, updated_at FROM " + table + " ORDER BY id")
                        .map((rs, ctx) -> line(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getLong(3),
                                rs.getBigDecimal(4).toPlainString(),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getTimestamp(8)))
                        .list())
                .stream()
                .sorted()
                .toList();
    }

    /** What the table must hold after these partitions ran: the sandbox's records, canonically. */
    public List<String> expectedRows(String... partitions) {
        List<String> rows = new ArrayList<>();
        for (String partition : partitions) {
            for (Order o : sandbox.dataset().orders(partition)) {
                rows.add(line(
                        o.id(),
                        o.partition(),
                        o.customerId(),
                        o.amount().toPlainString(),
                        o.currency(),
                        o.status(),
                        o.note(),
                        Timestamp.from(o.updatedAt())));
            }
        }
        rows.sort(null);
        return rows;
    }

    private static String line(
            String id,
            String partition,
            long customer,
            String amount,
            String currency,
            String status,
            String note,
            Timestamp updated) {
        return String.join(
                " | ",
                id,
                partition,
                String.valueOf(customer),
                amount,
                currency,
                status,
                Objects.toString(note, "<null>").replace("\n", "\\n"),
                updated.toInstant().toString());
    }

    /** Rows of a query, as maps. */
    /** Until the partitions' committed pages add up to {@code pages} (3 minutes at most: a loaded machine starts JVMs slowly). */
    public void awaitCommittedPages(long pages) {
        Awaitility.await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> query("SELECT coalesce(sum(pages), 0) AS n FROM sluice_partition")
                                        .getFirst()
                                        .get("n")
                                instanceof Number n
                        && n.longValue() >= pages);
    }

    public List<Map<String, Object>> query(String sql) {
        return database.jdbi().withHandle(h -> h.createQuery(sql).mapToMap().list());
    }

    @Override
    public void close() {
        database.close();
        sandbox.close();
    }
}
