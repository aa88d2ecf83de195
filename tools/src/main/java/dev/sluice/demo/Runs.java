package dev.sluice.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starts {@code sluice run} processes, one per partition, through the launcher, as Airflow would. */
final class Runs {
    private final Path launcher;
    private final Path spec;
    private final Path logs;
    private final Map<String, String> env;
    private int attempt;

    Runs(Path launcher, Path spec, Path logs, Map<String, String> env) {
        this.launcher = launcher;
        this.spec = spec;
        this.logs = logs;
        this.env = env;
    }

    /** What one run printed last, and how it exited. */
    record Outcome(
            int exit,
            String status,
            long records,
            long pages,
            long apiCalls,
            long retries,
            long http429,
            String message) {
        boolean done() {
            return exit == 0;
        }

        String describe() {
            return switch (status) {
                case "done" ->
                    "done: " + records + " records in " + pages + " pages, " + apiCalls + " calls, " + retries
                            + " retries";
                case "already_complete" -> "already complete, nothing to do";
                case "crashed" -> "crashed after " + pages + " committed pages (simulated kill -9)";
                default -> status + " (exit " + exit + "): " + message;
            };
        }
    }

    /** Runs the partitions at once and waits for all; {@code crashAt} sets SLUICE_CRASH_AT per partition. */
    Map<String, Outcome> all(List<String> partitions, Map<String, String> crashAt, Progress progress)
            throws IOException, InterruptedException {
        Files.createDirectories(logs);
        attempt++;
        Map<String, Process> running = new LinkedHashMap<>();
        Map<String, Path> outputs = new LinkedHashMap<>();
        for (String partition : partitions) {
            Path out = logs.resolve(partition + "." + attempt + ".out");
            ProcessBuilder builder = new ProcessBuilder(
                            launcher.toString(), "run", "--job", spec.toString(), "--partition", partition)
                    .redirectOutput(out.toFile())
                    .redirectError(
                            logs.resolve(partition + "." + attempt + ".log").toFile());
            builder.environment().putAll(env);
            if (crashAt.containsKey(partition)) {
                builder.environment().put("SLUICE_CRASH_AT", crashAt.get(partition));
            }
            running.put(partition, builder.start());
            outputs.put(partition, out);
        }
        if (progress != null) {
            progress.watch(
                    () -> running.values().stream().filter(Process::isAlive).count());
        }
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (var entry : running.entrySet()) {
            int exit = entry.getValue().waitFor();
            outcomes.put(
                    entry.getKey(),
                    outcome(exit, Files.readAllLines(outputs.get(entry.getKey())), progress, entry.getKey()));
        }
        if (progress != null) {
            progress.stop();
        }
        return outcomes;
    }

    private static Outcome outcome(int exit, List<String> stdout, Progress progress, String partition) {
        if (exit == 137) {
            return new Outcome(
                    exit, "crashed", 0, progress == null ? 0 : progress.committedPages(partition), 0, 0, 0, "killed");
        }
        JsonNode json = Demo.lastJson(stdout);
        return new Outcome(
                exit,
                json.path("status").asText("failed"),
                json.path("records").asLong(),
                json.path("pages").asLong(),
                json.path("api_calls").asLong(),
                json.path("retries").asLong(),
                json.path("http_429").asLong(),
                json.path("message").asText(""));
    }
}
