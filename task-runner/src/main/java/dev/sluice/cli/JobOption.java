package dev.sluice.cli;

import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.job.SpecDigest;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --job FILE [--spec-sha256 HEX]}: the job spec a command works on, checked against the
 * spec the DAG parsed, then loaded and validated.
 */
final class JobOption {
    @Option(
            names = "--job",
            required = true,
            paramLabel = "FILE",
            description = "The job spec (YAML), e.g. dags/jobs/orders.yaml.")
    Path file;

    @Option(
            names = "--spec-sha256",
            paramLabel = "HEX",
            description = "SHA-256 of the spec as the DAG parsed it (hex); a file that differs exits 78.")
    String sha256;

    JobSpec load() {
        if (sha256 != null) {
            SpecDigest.verify(file, sha256);
        }
        return new JobSpecLoader(Environment.current()).load(file);
    }
}
