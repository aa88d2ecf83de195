package dev.sluice.cli;

import dev.sluice.Masking;
import dev.sluice.UsageException;
import dev.sluice.admin.AdminServer;
import dev.sluice.admin.AdminSettings;
import dev.sluice.admin.DeadLetterReplays;
import dev.sluice.db.DatabaseAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice serve}: the admin API and page until SIGTERM or SIGINT. Javalin is loaded only
 * here: no other command (least of all a run) pays for it.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "serve",
        description = {
            "Serve the admin API (/api, described by /openapi.json), Prometheus /metrics, /health and the page (/).",
            "Changes (reset, release, pause, rates, breakers) need SLUICE_ADMIN_TOKEN as a Bearer token; without it the"
                    + " server only reads. SLUICE_ADMIN_PROTECT_READS=true makes reads need the token too."
        })
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--port",
            defaultValue = "8090",
            paramLabel = "PORT",
            description = "Port (default 8090; 0 picks a free one).")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description = "Address to listen on (default 127.0.0.1; 0.0.0.0 in a container).")
    String bind;

    @Option(
            names = "--jobs",
            paramLabel = "DIR",
            description = "The job specs (e.g. dags/jobs): lets the replay route replay a per-record job's dead"
                    + " letters (the APIs' secrets must then be in this server's environment). Default:"
                    + " SLUICE_JOBS_DIR; without either, replay answers 501.")
    Path jobs;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be from 0 to 65535, not " + port);
        }
        Map<String, String> env = Environment.current();
        registerSecrets(env);
        AdminSettings settings;
        try {
            settings = AdminSettings.fromEnv(env, bind, port);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            awaitQuietly(closed); // the JVM ends when the hooks do: let the server and the pool close first
        }));
        try (DatabaseAccess db = DatabaseAccess.open(env, "sluice serve", Console::warn);
                AdminServer server = AdminServer.start(settings, db.database().jdbi(), replays(env, db))) {
            Console.info(
                    "sluice serve: http://{}:{}/ ({}; API described at /openapi.json)",
                    bind,
                    server.port(),
                    settings.readOnly()
                            ? "READ-ONLY: no SLUICE_ADMIN_TOKEN is set, so changes are refused"
                            : "changes need the admin token"
                                    + (settings.protectReads() ? ", and so do reads" : "; reads are open"));
            stop.await();
        } finally {
            closed.countDown();
        }
        return ExitCode.OK.code;
    }

    private DeadLetterReplays replays(Map<String, String> env, DatabaseAccess db) {
        Path dir = jobs != null
                ? jobs
                : env.get("SLUICE_JOBS_DIR") == null
                                || env.get("SLUICE_JOBS_DIR").isBlank()
                        ? null
                        : Path.of(env.get("SLUICE_JOBS_DIR"));
        if (dir == null) {
            return DeadLetterReplays.NONE;
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException(
                    "--jobs " + dir + " is not a directory: give the directory of the job specs," + " e.g. dags/jobs");
        }
        return new ServedReplays(dir, env, db.database());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(GracefulStop.GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server loads no spec: every secret-named variable it was given is masked in what it serves. */
    private static void registerSecrets(Map<String, String> env) {
        env.forEach((name, value) -> {
            if (Masking.isSensitiveName(name)) {
                Masking.register(value);
            }
        });
    }
}
