package dev.sluice.testing;

import dev.sluice.db.Database;
import dev.sluice.db.DatabaseSettings;
import dev.sluice.db.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A job against a {@link HostileApi}, in a fresh database, run by real {@code sluice} processes.
 * Records are {@code {"id": ...}}; the sink table has that one column (plus Sluice's own).
 */
public final class HostileJob implements AutoCloseable {
    public static final String PARTITION = "2026-11-01";

    private final String name;
    private final Database database;
    private final DatabaseSettings settings;
    private final Path spec;
    private final Map<String, String> env;

    private HostileJob(String name, DatabaseSettings settings, Path spec, Map<String, String> env) {
        this.name = name;
        this.settings = settings;
        this.database = Database.open(settings, "hostile-fixture");
        Migrations.migrate(database.dataSource());
        this.spec = spec;
        this.env = env;
    }

    /**
     * @param name   names the job, the database and the table
     * @param source the {@code source:} section's fields (type http is added)
     * @param extra  more top-level sections (limits:, retry:, runner:), or ""
     * @param env    the runs' environment besides the database (secrets, URLs)
     */
    public static HostileJob create(String name, String source, String extra, Map<String, String> env) {
        return create(name, source, "id: {path: $.id}", extra, env);
    }

    /**
     * @param columns the sink's {@code columns:} entries, one per line ({@code id} is the key)
     * @see #create(String, String, String, Map)
     */
    public static HostileJob create(String name, String source, String columns, String extra, Map<String, String> env) {
        String yaml = """
                job: %s
                partitions: {type: daily, start: 2026-11-01, end: 2026-11-07}
                source:
                  type: http
                %s
                sink:
                  type: postgres
                  table: %s
                  key: [id]
                  columns:
                %s
                %s
                """.formatted(
                        name,
                        source.strip().indent(2).stripTrailing(),
                        name + "_items",
                        columns.strip().indent(4).stripTrailing(),
                        extra);
        try {
            Path file = Files.createTempDirectory("sluice-hostile").resolve(name + ".yaml");
            Files.writeString(file, yaml);
            return new HostileJob(name, TestPostgres.freshDatabase(name), file, new HashMap<>(env));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path spec() {
        return spec;
    }

    public String name() {
        return name;
    }

    /** The runs' environment: the database and the job's variables, plus {@code more} pairs. */
    public Map<String, String> env(String... more) {
        Map<String, String> all = new HashMap<>(TestPostgres.env(settings));
        all.putAll(env);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return all;
    }

    /** {@code sluice run} of the partition, to completion. */
    public SluiceProcess.Result run(String... extraEnv) {
        return start(extraEnv).await(Duration.ofMinutes(3));
    }

    /** Starts {@code sluice run} of the partition. */
    public SluiceProcess start(String... extraEnv) {
        return SluiceProcess.start(env(extraEnv), "run", "--job", spec.toString(), "--partition", PARTITION);
    }

    /** {@code sluice <command> --job <spec> args...}. */
    public SluiceProcess.Result command(String command, String... args) {
        List<String> argv = new ArrayList<>(List.of(command, "--job", spec.toString()));
        argv.addAll(List.of(args));
        return SluiceProcess.run(env(), argv.toArray(String[]::new));
    }

    /** Rows of a query, as maps. */
    public List<Map<String, Object>> query(String sql) {
        return database.jdbi().withHandle(h -> h.createQuery(sql).mapToMap().list());
    }

    /** The partition's row in {@code sluice_partition} (watermark as text), or an empty map. */
    public Map<String, Object> partition() {
        List<Map<String, Object>> rows =
                query("SELECT state, watermark::text AS watermark, pages, records, lease_owner,"
                        + " last_error FROM sluice_partition WHERE job = '" + name + "'");
        return rows.isEmpty() ? Map.of() : rows.getFirst();
    }

    /** The partition's attempts, oldest first. */
    public List<Map<String, Object>> attempts() {
        return query("SELECT epoch, status, exit_code, message, finished_at FROM sluice_attempt WHERE job = '" + name
                + "' ORDER BY epoch");
    }

    /** The ids in the sink table, in order (none if the table was never created). */
    public List<String> ids() {
        boolean exists = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT to_regclass(:t) IS NOT NULL")
                        .bind("t", name + "_items")
                        .mapTo(Boolean.class)
                        .one());
        return exists
                ? database.jdbi()
                        .withHandle(h -> h.createQuery("SELECT id FROM " + name + "_items ORDER BY id")
                                .mapTo(String.class)
                                .list())
                : List.of();
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        database.close();
    }
}
