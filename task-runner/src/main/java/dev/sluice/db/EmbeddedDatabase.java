package dev.sluice.db;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.Sleeper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded default: a real PostgreSQL (zonky's binaries) whose data lives in
 * {@code $SLUICE_HOME/pgdata} (default {@code ~/.sluice}), so watermarks survive between commands.
 *
 * <p>One process at a time owns the server, arbitrated by a lock on
 * {@code $SLUICE_HOME/embedded.lock} that the OS releases if the owner dies. {@code sluice db start}
 * owns it until stopped and others connect to it through {@code $SLUICE_HOME/embedded.json}; any
 * other command that finds no server starts a private one for its own lifetime.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Duration WAIT_FOR_OWNER = Duration.ofSeconds(60);

    private final Path home;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final EmbeddedPostgres server;
    private final DatabaseSettings settings;

    private EmbeddedDatabase(
            Path home, FileChannel lockFile, FileLock lock, EmbeddedPostgres server, DatabaseSettings settings) {
        this.home = home;
        this.lockFile = lockFile;
        this.lock = lock;
        this.server = server;
        this.settings = settings;
    }

    /** A handle on a server another process owns; closing it does nothing. */
    public record Borrowed(DatabaseSettings settings) implements AutoCloseable {
        @Override
        public void close() {}
    }

    /** {@code $SLUICE_HOME}, default {@code ~/.sluice}. */
    public static Path home(Map<String, String> env) {
        String configured = env.get("SLUICE_HOME");
        return configured != null && !configured.isBlank()
                ? Path.of(configured).toAbsolutePath()
                : Path.of(System.getProperty("user.home"), ".sluice");
    }

    /**
     * Connects to the running embedded server of {@code home}, or starts a private one owned by this
     * process. Close the result when the command ends.
     */
    public static AutoCloseable connectOrStart(Path home) {
        FileChannel channel = null;
        try {
            Files.createDirectories(home);
            channel = FileChannel.open(
                    home.resolve("embedded.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return start(home, channel, lock, 0, "private");
            }
            channel.close();
            return new Borrowed(waitForOwner(home));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DatabaseUnavailableException(
                    "cannot start the embedded PostgreSQL in " + home + ": " + e.getMessage()
                            + ". Set SLUICE_DB_URL to use a PostgreSQL server instead.",
                    e);
        }
    }

    /** Starts the shared server for {@code sluice db start}; fails if another process owns it. */
    public static EmbeddedDatabase startShared(Path home, int port) {
        try {
            Files.createDirectories(home);
            FileChannel channel = FileChannel.open(
                    home.resolve("embedded.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new DatabaseConfigException("another process already runs the embedded PostgreSQL of " + home
                        + (readState(home).map(s -> " (" + s.url() + ")").orElse(""))
                        + "; stop it, or use another SLUICE_HOME");
            }
            return start(home, channel, lock, port, "shared");
        } catch (IOException e) {
            throw new DatabaseUnavailableException(
                    "cannot start the embedded PostgreSQL in " + home + ": " + e.getMessage(), e);
        }
    }

    public DatabaseSettings settings() {
        return settings;
    }

    public int port() {
        return server.getPort();
    }

    private static EmbeddedDatabase start(Path home, FileChannel channel, FileLock lock, int port, String mode)
            throws IOException {
        Path data = home.resolve("pgdata");
        StalePostmaster.stop(data);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "127.0.0.1");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres server;
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw new IOException("PostgreSQL did not start (" + e.getMessage() + "); its log is in " + data, e);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres";
        DatabaseSettings settings = new DatabaseSettings(url, "postgres", null, 4, "embedded");
        writeState(home, url, server.getPort(), mode);
        return new EmbeddedDatabase(home, channel, lock, server, settings);
    }

    private static DatabaseSettings waitForOwner(Path home) {
        Instant deadline = Instant.now().plus(WAIT_FOR_OWNER);
        while (Instant.now().isBefore(deadline)) {
            Optional<State> state = readState(home);
            if (state.isPresent() && reachable(state.get().port())) {
                return new DatabaseSettings(
                        state.get().url(),
                        "postgres",
                        null,
                        4,
                        "embedded (" + state.get().mode() + ")");
            }
            try {
                Sleeper.SYSTEM.sleep(Duration.ofMillis(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseUnavailableException("interrupted while waiting for the embedded PostgreSQL", e);
            }
        }
        throw new DatabaseUnavailableException(
                "another process holds the embedded PostgreSQL of " + home + " but it did not come up within "
                        + WAIT_FOR_OWNER.toSeconds() + "s; check for a stuck sluice process",
                null);
    }

    private record State(String url, int port, String mode) {}

    private static Optional<State> readState(Path home) {
        try {
            var node = Json.MAPPER.readTree(home.resolve("embedded.json").toFile());
            return Optional.of(new State(
                    node.get("url").asText(),
                    node.get("port").asInt(),
                    node.path("mode").asText()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void writeState(Path home, String url, int port, String mode) throws IOException {
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("url", url);
        state.put("port", port);
        state.put("mode", mode);
        state.put("pid", ProcessHandle.current().pid());
        Path tmp = home.resolve("embedded.json.tmp");
        Files.writeString(tmp, state.toString());
        Files.move(
                tmp,
                home.resolve("embedded.json"),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean reachable(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // closing after a failure; the failure is what matters
        }
    }

    /** Stops the server (if this process owns it) and releases the lock. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(home.resolve("embedded.json"));
            server.close();
        } catch (IOException e) {
            // the server stops with the process anyway; nothing to add
        } finally {
            closeQuietly(lock);
            closeQuietly(lockFile);
        }
    }
}
