package dev.sluice.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A real {@code redis-server} (Debian's {@code redis-server} package, or {@code SLUICE_REDIS_SERVER})
 * on a free port, with its files in a temporary directory and nothing persisted. Without the
 * binary, {@link #require} skips the test saying so, or fails it under {@code SLUICE_REQUIRE_REDIS=1}
 * (set by .ci/run, which installs the package).
 */
public final class RedisServer implements AutoCloseable {
    private static final List<String> PLACES = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");

    private final Process process;
    private final int port;
    private final Path dir;
    private final String password;

    private RedisServer(Process process, int port, Path dir, String password) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.password = password;
    }

    /** The redis-server binary, or the test is skipped (failed under SLUICE_REQUIRE_REDIS=1) saying why. */
    public static Path require(String test) {
        Optional<Path> binary = binary();
        if (binary.isEmpty()) {
            String why = test + ": no redis-server binary (apt-get install redis-server, or set SLUICE_REDIS_SERVER);"
                    + " the Redis stream input is NOT tested";
            if ("1".equals(System.getenv("SLUICE_REQUIRE_REDIS"))) {
                fail(why + " and SLUICE_REQUIRE_REDIS=1");
            }
            System.err.println("SKIPPED " + why);
            Assumptions.abort(why);
        }
        return binary.get();
    }

    private static Optional<Path> binary() {
        String named = System.getenv("SLUICE_REDIS_SERVER");
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named)).filter(Files::isExecutable);
        }
        Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(p -> !p.isBlank())
                .map(p -> p + "/redis-server");
        return Stream.concat(PLACES.stream(), path)
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts a server; with a {@code password}, clients must log in with it. */
    public static RedisServer start(Path binary, String password) {
        try {
            Path dir = Files.createTempDirectory("sluice-redis");
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(
                    binary.toString(),
                    "--port",
                    String.valueOf(port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    dir.toString(),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--protected-mode",
                    "no"));
            if (password != null) {
                command.addAll(List.of("--requirepass", password));
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            RedisServer server = new RedisServer(process, port, dir, password);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** A client for the test's own writes and checks. */
    public Jedis client() {
        DefaultJedisClientConfig.Builder config =
                DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000).resp2();
        if (password != null) {
            config.password(password);
        }
        return new Jedis(new HostAndPort("127.0.0.1", port), config.build());
    }

    /** What the server logged (for failure messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the server at once, like a crash; the port is then closed. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitListening() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                RecordJob.pause(Duration.ofMillis(50));
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port + " within 30 s:\n" + log());
    }

    /** A port nothing listens on (bound, then released). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
