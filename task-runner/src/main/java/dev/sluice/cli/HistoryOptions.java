package dev.sluice.cli;

import dev.sluice.UsageException;
import dev.sluice.job.JobSpec;
import picocli.CommandLine.Option;

/** {@code [--partition P] [--limit N] [--json]}: the options the history views share. */
final class HistoryOptions {
    static final int MAX_LIMIT = 10_000;

    @Option(names = "--partition", paramLabel = "KEY", description = "Only this partition.")
    String partition;

    @Option(
            names = "--limit",
            defaultValue = "50",
            paramLabel = "N",
            description = "At most N rows, newest first (default 50, at most 10000).")
    int limit;

    @Option(names = "--json", description = "One JSON object on stdout instead of a table.")
    boolean json;

    /** Fails before any database access on a partition the spec cannot have or a limit out of range. */
    void check(JobSpec spec) {
        if (partition != null) {
            spec.partitions().parse(partition);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new UsageException("--limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
    }

    /** Cuts a cell to {@code width} characters for the table, marking the cut. */
    static String cell(String text, int width) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= width ? line : line.substring(0, width - 1) + "…";
    }
}
