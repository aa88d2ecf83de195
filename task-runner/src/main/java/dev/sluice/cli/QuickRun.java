package dev.sluice.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The plain form of {@code sluice run}, read without picocli: every partition pays its start, and
 * picocli's classes are Java 5 bytecode that the JDK cannot keep in the AOT cache, so building its
 * model costs a run ~0.25 CPU-s (measured; a third of the run's own start). Only the exact form
 * the DAGs use is read here: {@code --job}, {@code --partition}, {@code --spec-sha256} (each once,
 * with a value, as {@code --name value} or {@code --name=value}) and {@code --force}. Anything
 * else (help, a missing or repeated option, an unknown one, a value that looks like an option)
 * goes to picocli, which reads it or says what is wrong. {@code MainTest} keeps these names equal
 * to {@link RunCommand}'s options.
 */
final class QuickRun {
    /** The options read here, exactly {@link RunCommand}'s (a test compares them). */
    static final List<String> OPTIONS = List.of("--job", "--partition", "--spec-sha256", "--force");

    private QuickRun() {}

    /** The run command the arguments describe, or null when picocli must read them. */
    static RunCommand parse(String... args) {
        if (args.length < 5 || !args[0].equals("run")) {
            return null;
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value;
            if (name.equals("--force") && eq < 0) {
                value = "true";
            } else if (!OPTIONS.contains(name) || name.equals("--force")) {
                return null;
            } else {
                value = eq >= 0 ? arg.substring(eq + 1) : i + 1 < args.length ? args[++i] : "";
            }
            if (value.isEmpty() || value.startsWith("-") || values.putIfAbsent(name, value) != null) {
                return null;
            }
        }
        return values.containsKey("--job") && values.containsKey("--partition") ? command(values) : null;
    }

    private static RunCommand command(Map<String, String> values) {
        RunCommand run = new RunCommand();
        run.job = new JobOption();
        try {
            run.job.file = Path.of(values.get("--job"));
        } catch (InvalidPathException e) {
            return null;
        }
        run.job.sha256 = values.get("--spec-sha256");
        run.partition = values.get("--partition");
        run.force = values.containsKey("--force");
        return run;
    }

    /** Runs it as picocli would: its exit code, or a failure that escapes it mapped by {@link FailureHandler}. */
    static int execute(RunCommand run) {
        try {
            return run.call();
        } catch (Exception e) {
            return FailureHandler.handle(e, "run");
        }
    }
}
