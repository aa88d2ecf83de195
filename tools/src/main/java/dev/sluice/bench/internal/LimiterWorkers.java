package dev.sluice.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.bench.LimiterBench;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts the limiter workers as processes of this very JVM command line (same flags, same AOT
 * cache, same environment), waits until all are warmed up, gives them one common start time and
 * collects their last stdout lines.
 */
public final class LimiterWorkers {
    private LimiterWorkers() {}

    public static List<LimiterBench.WorkerResult> run(LimiterBench.Config config, Consumer<String> log) {
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < config.processes(); i++) {
                processes.add(new ProcessBuilder(command(config))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start());
            }
            List<BufferedReader> outputs = processes.stream()
                    .map(p -> new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)))
                    .toList();
            for (BufferedReader out : outputs) {
                awaitReady(out);
            }
            long start = System.currentTimeMillis() + 300;
            log.accept("%d workers ready; window of %d s starts at %d"
                    .formatted(processes.size(), config.seconds(), start));
            for (Process p : processes) {
                Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
                in.write("go " + start + "\n");
                in.flush();
            }
            List<LimiterBench.WorkerResult> results = new ArrayList<>();
            for (int i = 0; i < processes.size(); i++) {
                results.add(result(outputs.get(i), processes.get(i)));
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            processes.forEach(Process::destroy);
        }
    }

    private static List<String> command(LimiterBench.Config config) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of(
                "-cp", // the launcher's class path: the runner's jar, the tools' jar and their libraries
                System.getProperty("java.class.path"),
                "dev.sluice.cli.Main",
                "bench",
                "limiter",
                "--worker",
                "--seconds",
                String.valueOf(config.seconds()),
                "--limit",
                config.limit(),
                "--rate",
                config.rate()));
        return command;
    }

    private static void awaitReady(BufferedReader out) throws IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.contains("\"worker\":\"ready\"")) {
                return;
            }
        }
        throw new IllegalStateException("a limiter worker exited before it was ready (its log is above)");
    }

    private static LimiterBench.WorkerResult result(BufferedReader out, Process process) throws IOException {
        String last = null;
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            last = line;
        }
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (last == null || process.exitValue() != 0) {
            throw new IllegalStateException(
                    "a limiter worker failed (exit " + process.exitValue() + "); its log is above");
        }
        JsonNode json = Json.MAPPER.readTree(last);
        return Json.MAPPER.treeToValue(json, LimiterBench.WorkerResult.class);
    }
}
