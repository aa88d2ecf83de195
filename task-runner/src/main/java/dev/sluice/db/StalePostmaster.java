package dev.sluice.db;

import dev.sluice.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A PostgreSQL left running by an owner that was killed (SIGKILL skips shutdown hooks). Whoever
 * takes the embedded lock next stops it first (fast shutdown, SIGINT), so the data directory can
 * be started again.
 */
final class StalePostmaster {
    private StalePostmaster() {}

    static void stop(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = Long.parseLong(lines.getFirst().trim());
        } catch (RuntimeException e) {
            return;
        }
        var process = ProcessHandle.of(pid);
        boolean postgres = process.flatMap(p -> p.info().command())
                .map(c -> c.contains("postgres"))
                .orElse(false);
        if (!postgres || !process.get().isAlive()) {
            return; // gone, or the pid now belongs to something else
        }
        new ProcessBuilder("kill", "-INT", String.valueOf(pid)).inheritIO().start();
        Instant deadline = Instant.now().plusSeconds(30);
        while (process.get().isAlive() && Instant.now().isBefore(deadline)) {
            try {
                Sleeper.SYSTEM.sleep(Duration.ofMillis(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
