package dev.sluice.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged launcher ({@code bin/sluice}) as a real process, the way Airflow does: its own
 * JVM, environment variables for settings, stdout for the JSON result, stderr for logs.
 */
public final class SluiceProcess {
    /** {@code bin/sluice} of the module under test, or {@code -Dsluice.test.launcher} (the tools module). */
    private static final Path LAUNCHER = Path.of(System.getProperty("sluice.test.launcher", "bin/sluice"))
            .toAbsolutePath()
            .normalize();

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private SluiceProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code sluice args...} with {@code env} added to a clean copy of this JVM's environment. */
    public static SluiceProcess start(Map<String, String> env, String... args) {
        try {
            Path out = Files.createTempFile("sluice-out", ".log");
            Path err = Files.createTempFile("sluice-err", ".log");
            List<String> command = new ArrayList<>();
            command.add(LAUNCHER.toString());
            command.addAll(List.of(args));
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> environment = builder.environment();
            environment
                    .keySet()
                    .removeIf(k -> k.startsWith("SLUICE_") || k.startsWith("AIRFLOW_CTX") || k.equals("TRACEPARENT"));
            environment.put("SLUICE_LOG_FORMAT", "text");
            environment.putAll(env);
            return new SluiceProcess(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to completion (at most {@code timeout}) and returns what it printed. */
    public static Result run(Duration timeout, Map<String, String> env, String... args) {
        return start(env, args).await(timeout);
    }

    /** Runs with a 2-minute timeout. */
    public static Result run(Map<String, String> env, String... args) {
        return run(Duration.ofMinutes(2), env, args);
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for the exit; a process still running at the timeout is killed and the test fails. */
    public Result await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("sluice did not finish within " + timeout + "; stderr:\n" + read(stderr));
            }
            return result();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL, and waits for the process to be gone. */
    public Result kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result();
    }

    /**
     * The process's threads as {@code jcmd PID Thread.print} prints them (the launcher execs the JVM,
     * so the pid is the JVM's; it attaches without hsperfdata), to wait until the run is where a test
     * needs it; "" when it cannot attach (not started yet, gone).
     */
    public String threadDump() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Path out = Files.createTempFile("sluice-threads", ".txt");
            try {
                Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "Thread.print")
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
                if (!dump.waitFor(30, TimeUnit.SECONDS)) { // a file, not a pipe: the bound holds
                    dump.destroyForcibly();
                    return "";
                }
                return dump.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : "";
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the process printed so far (stdout). */
    public String stdoutSoFar() {
        return read(stdout);
    }

    /** What the process logged so far (stderr). */
    public String stderrSoFar() {
        return read(stderr);
    }

    private Result result() {
        return new Result(process.exitValue(), read(stdout).lines().toList(), read(stderr));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A finished process. */
    public record Result(int exit, List<String> stdout, String stderr) {
        /** The last stdout line as JSON: the command's result or the run's summary. */
        public JsonNode json() {
            if (stdout.isEmpty()) {
                throw new AssertionError("no stdout; exit " + exit + ", stderr:\n" + stderr);
            }
            try {
                return Json.MAPPER.readTree(stdout.getLast());
            } catch (IOException e) {
                throw new AssertionError(
                        "last stdout line is not JSON: " + stdout.getLast() + "\nstderr:\n" + stderr, e);
            }
        }

        /** Everything printed, for assertion messages. */
        public String describe() {
            return "exit " + exit + "\nstdout:\n" + String.join("\n", stdout) + "\nstderr:\n" + stderr;
        }
    }

    /** An environment map builder. */
    public static Map<String, String> env(Map<String, String> base, String... more) {
        Map<String, String> env = new HashMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }
}
