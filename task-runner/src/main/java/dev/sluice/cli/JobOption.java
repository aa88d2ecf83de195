package dev.sluice.cli;

import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --job FILE}: the job spec a command works on, loaded and validated. */
final class JobOption {
    @Option(
            names = "--job",
            required = true,
            paramLabel = "FILE",
            description = "The job spec (YAML), e.g. dags/jobs/orders.yaml.")
    Path file;

    JobSpec load() {
        return new JobSpecLoader(Environment.current()).load(file);
    }
}
