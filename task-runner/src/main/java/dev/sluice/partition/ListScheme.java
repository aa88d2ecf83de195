package dev.sluice.partition;

import dev.sluice.UsageException;
import dev.sluice.config.SpecCheck;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** One partition per value listed in the spec (accounts, regions, endpoints). */
final class ListScheme implements PartitionScheme {
    static final ListScheme INSTANCE = new ListScheme();
    /** Keys travel through command lines, Airflow map indexes and SQL: keep them plain. */
    static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@=+-]{0,127}");

    @Override
    public void check(PartitionSpec spec, SpecCheck check) {
        if (spec.values().isEmpty()) {
            check.fail("values", "list partitions need at least one value, e.g. values: [eu, us]");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.values().size(); i++) {
            String value = spec.values().get(i);
            if (value == null || !SAFE_KEY.matcher(value).matches()) {
                check.fail("values/" + i, "must be 1-128 letters, digits or _.:@=+- and start with a letter or digit");
            } else if (!seen.add(value)) {
                check.fail("values/" + i, "is listed twice");
            }
        }
        check.require(
                spec.start() == null && spec.end() == null,
                "start",
                "start/end are only for daily and hourly partitions");
        check.require(spec.count() == null, "count", "is only for shards partitions");
    }

    @Override
    public Partition parse(PartitionSpec spec, String key) {
        if (!spec.values().contains(key)) {
            throw new UsageException("partition \"" + key + "\" is not one of this job's values: " + keyForm(spec));
        }
        return new Partition(key, Map.of("value", key));
    }

    @Override
    public List<Partition> plan(PartitionSpec spec, String from, String to) {
        if (from != null || to != null) {
            throw new UsageException("--from/--to are for daily and hourly partitions; this job lists its partitions");
        }
        return spec.values().stream().map(v -> parse(spec, v)).toList();
    }

    @Override
    public String keyForm() {
        return "one of the values listed under partitions.values";
    }

    private static String keyForm(PartitionSpec spec) {
        List<String> values = spec.values();
        return values.size() <= 20 ? String.join(", ", values) : String.join(", ", values.subList(0, 20)) + ", ...";
    }
}
