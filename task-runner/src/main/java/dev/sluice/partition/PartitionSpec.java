package dev.sluice.partition;

import dev.sluice.UsageException;
import dev.sluice.config.SpecCheck;
import java.util.List;

/**
 * The {@code partitions:} section of a job spec: how the job is cut, and the default window that
 * {@code sluice plan} uses when no {@code --from/--to} is given.
 *
 * @param type   daily, hourly, list or shards
 * @param start  default first partition (inclusive) for daily/hourly
 * @param end    default end (exclusive) for daily/hourly
 * @param values the partitions of a {@code list} job
 * @param count  the number of shards of a {@code shards} job
 */
public record PartitionSpec(PartitionType type, String start, String end, List<String> values, Integer count) {
    /** The most partitions one plan may hold; Airflow maps at most 1024 by default. */
    public static final int MAX_PLAN = 10_000;

    public PartitionSpec {
        values = values == null ? List.of() : List.copyOf(values);
    }

    /** Checks the section's rules, reporting every problem. */
    public void check(SpecCheck check) {
        if (type == null) {
            check.fail("type", "is required: daily, hourly, list or shards");
            return;
        }
        scheme().check(this, check);
    }

    /** The partition named by {@code key}, or a usage error saying which keys this job has. */
    public Partition parse(String key) {
        if (key == null || key.isBlank()) {
            throw new UsageException("--partition is required: " + scheme().keyForm());
        }
        return scheme().parse(this, key.trim());
    }

    /**
     * The partitions of the window [{@code from}, {@code to}) for time partitions (the spec's
     * start/end where not given), or all partitions of list and shard jobs.
     */
    public List<Partition> plan(String from, String to) {
        List<Partition> plan = scheme().plan(this, from, to);
        if (plan.size() > MAX_PLAN) {
            throw new UsageException("the plan has " + plan.size() + " partitions, more than " + MAX_PLAN
                    + "; plan a narrower window with --from/--to");
        }
        return plan;
    }

    /** Explicitly named partitions, each checked. */
    public List<Partition> explicit(List<String> keys) {
        return keys.stream()
                .map(String::trim)
                .filter(k -> !k.isEmpty())
                .distinct()
                .map(this::parse)
                .toList();
    }

    private PartitionScheme scheme() {
        return PartitionScheme.of(type);
    }
}
