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
import java.util.stream.Collectors;

/**
 * Jobs whose records come from inputs (files, queries) rather than an API, end to end: a fresh
 * database, a directory for the spec files and the inputs, and real {@code sluice} processes.
 */
public final class InputJob implements AutoCloseable {
    private final DatabaseSettings settings;
    private final Database database;
    private final Path dir;

    private InputJob(DatabaseSettings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
        this.database = Database.open(settings, "test-input-job");
        Migrations.migrate(database.dataSource());
    }

    /** A fresh database named after {@code name} and an empty directory. */
    public static InputJob start(String name) {
        try {
            return new InputJob(TestPostgres.freshDatabase(name), Files.createTempDirectory("sluice-input-" + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Database database() {
        return database;
    }

    /** Writes a file into the directory (a spec, an input). */
    public Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment of a run: the database, plus {@code more} pairs. */
    public Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(TestPostgres.env(settings));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    /** {@code sluice run --job spec --partition P}, to completion. */
    public SluiceProcess.Result run(Path spec, String partition, String... env) {
        return start(spec, partition, env).await(Duration.ofMinutes(5));
    }

    /** Starts a run without waiting. */
    public SluiceProcess start(Path spec, String partition, String... env) {
        return SluiceProcess.start(env(env), "run", "--job", spec.toString(), "--partition", partition);
    }

    /** Any other command: {@code sluice <args...>}. */
    public SluiceProcess.Result command(String... args) {
        return SluiceProcess.run(env(), args);
    }

    /** The rows of a query, each as its values joined by {@code " | "} (null as {@code null}). */
    public List<String> rows(String sql) {
        return database.jdbi()
                .withHandle(h -> h.createQuery(sql)
                        .mapToMap()
                        .map(row -> row.values().stream().map(String::valueOf).collect(Collectors.joining(" | ")))
                        .collect(Collectors.toCollection(ArrayList::new)));
    }

    /** A single number a query returns. */
    public long number(String sql) {
        return database.jdbi()
                .withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    /** Runs statements on the database (test set-up). */
    public void execute(String sql) {
        database.jdbi().useHandle(h -> h.execute(sql));
    }

    @Override
    public void close() {
        database.close();
    }
}
