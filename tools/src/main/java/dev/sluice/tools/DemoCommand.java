package dev.sluice.tools;

import dev.sluice.UsageException;
import dev.sluice.cli.Console;
import dev.sluice.cli.Environment;
import dev.sluice.cli.ExitCode;
import dev.sluice.db.EmbeddedDatabase;
import dev.sluice.demo.Demo;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice demo}: the main job end to end on the embedded default and the sandbox API. */
@Command(
        mixinStandardHelpOptions = true,
        name = "demo",
        description =
                "Run the example job end to end: parallel partitions, a shared limit, faults, a crash and a resume;"
                        + " then the per-record example job enriches the customers it loaded.")
public final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--job",
            defaultValue = "dags/jobs/orders.yaml",
            paramLabel = "FILE",
            description = "The job to demonstrate (default ${DEFAULT-VALUE}).")
    Path spec;

    @Option(
            names = "--enrich-job",
            paramLabel = "FILE",
            description = "The per-record job run after it (default: customers_enrich.yaml beside --job; "
                    + "'none' skips the step).")
    String enrichSpec;

    @Override
    public Integer call() throws Exception {
        String launcher = System.getProperty("sluice.launcher");
        if (launcher == null) {
            throw new UsageException("run the demo through the launcher: task-runner/bin/sluice demo (or make demo)");
        }
        Map<String, String> env = new HashMap<>(Environment.current());
        env.putIfAbsent("SLUICE_SANDBOX_URL", "http://127.0.0.1:1");
        JobSpec job = new JobSpecLoader(env).load(spec);
        Path home = EmbeddedDatabase.home(Environment.current()).resolve("demo");
        clean(home);
        Demo demo = new Demo(job, spec.toAbsolutePath(), home, Path.of(launcher), System.out);
        Path enrich = enrichSpec == null
                ? spec.toAbsolutePath().resolveSibling("customers_enrich.yaml")
                : "none".equals(enrichSpec) ? null : Path.of(enrichSpec).toAbsolutePath();
        if (enrich != null) {
            demo.withEnrichment(new JobSpecLoader(env).load(enrich), enrich);
        }
        Map<String, Object> result = demo.run();
        Console.result(result);
        return "passed".equals(result.get("demo")) ? ExitCode.OK.code : ExitCode.SOFTWARE.code;
    }

    /** Each demo starts from an empty database: its data from the previous demo is removed. */
    private static void clean(Path home) throws IOException {
        if (Files.exists(home)) {
            try (var files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(home);
    }
}
