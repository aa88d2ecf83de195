package dev.sluice.partition;

import dev.sluice.UsageException;
import dev.sluice.config.SpecCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** N hash shards of one dataset; key {@code 03-of-16}, variables index (0-based) and count. */
final class ShardScheme implements PartitionScheme {
    static final ShardScheme INSTANCE = new ShardScheme();
    static final int MAX_SHARDS = 4096;
    private static final Pattern KEY = Pattern.compile("(\\d+)-of-(\\d+)");

    @Override
    public void check(PartitionSpec spec, SpecCheck check) {
        if (spec.count() == null) {
            check.fail("count", "shards partitions need a count, e.g. count: 16");
        } else if (spec.count() < 1 || spec.count() > MAX_SHARDS) {
            check.fail("count", "must be between 1 and " + MAX_SHARDS);
        }
        check.require(spec.values().isEmpty(), "values", "is only for list partitions");
        check.require(
                spec.start() == null && spec.end() == null,
                "start",
                "start/end are only for daily and hourly partitions");
    }

    @Override
    public Partition parse(PartitionSpec spec, String key) {
        Matcher m = KEY.matcher(key);
        int count = spec.count();
        if (!m.matches()
                || Integer.parseInt(m.group(2)) != count
                || Integer.parseInt(m.group(1)) >= count
                || !key.equals(key(Integer.parseInt(m.group(1)), count))) {
            throw new UsageException("partition \"" + key + "\" is not a shard of this job: " + keyForm(count));
        }
        return shard(Integer.parseInt(m.group(1)), count);
    }

    @Override
    public List<Partition> plan(PartitionSpec spec, String from, String to) {
        if (from != null || to != null) {
            throw new UsageException(
                    "--from/--to are for daily and hourly partitions; this job has " + spec.count() + " shards");
        }
        List<Partition> plan = new ArrayList<>();
        for (int i = 0; i < spec.count(); i++) {
            plan.add(shard(i, spec.count()));
        }
        return plan;
    }

    @Override
    public String keyForm() {
        return "a shard key like 03-of-16";
    }

    private static String keyForm(int count) {
        return "keys are " + key(0, count) + " to " + key(count - 1, count);
    }

    private static Partition shard(int index, int count) {
        return new Partition(key(index, count), Map.of("index", String.valueOf(index), "count", String.valueOf(count)));
    }

    private static String key(int index, int count) {
        int width = String.valueOf(count - 1).length();
        return String.format("%0" + Math.max(2, width) + "d-of-%d", index, count);
    }
}
