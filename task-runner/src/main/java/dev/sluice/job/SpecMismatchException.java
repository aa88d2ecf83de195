package dev.sluice.job;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;
import java.nio.file.Path;

/**
 * The spec file the runner reads is not the one the DAG parsed (exit 78, before anything is
 * written): the image or the mounted {@code dags/jobs} is out of step with the DAG folder.
 */
public class SpecMismatchException extends SluiceException {
    private final String actual;
    private final String expected;

    public SpecMismatchException(Path file, String actual, String expected) {
        super("job spec " + file + " has SHA-256 " + shortly(actual) + ", but the DAG parsed a spec with SHA-256 "
                + shortly(expected) + ": the runner's copy of the spec differs from the one the DAG parsed:"
                + " redeploy the image or mount dags/jobs");
        this.actual = actual;
        this.expected = expected;
    }

    /** The SHA-256 of the file the runner read. */
    public String actual() {
        return actual;
    }

    /** The SHA-256 the DAG passed. */
    public String expected() {
        return expected;
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }

    private static String shortly(String sha256) {
        return sha256.substring(0, 12);
    }
}
