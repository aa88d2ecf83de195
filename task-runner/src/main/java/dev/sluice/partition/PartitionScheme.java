package dev.sluice.partition;

import dev.sluice.config.SpecCheck;
import java.util.List;

/** The rules of one {@link PartitionType}: checking its spec, parsing keys, planning windows. */
sealed interface PartitionScheme permits TimeScheme, ListScheme, ShardScheme {
    void check(PartitionSpec spec, SpecCheck check);

    Partition parse(PartitionSpec spec, String key);

    List<Partition> plan(PartitionSpec spec, String from, String to);

    /** How keys of this scheme look, for error messages. */
    String keyForm();

    static PartitionScheme of(PartitionType type) {
        return switch (type) {
            case DAILY -> TimeScheme.DAILY;
            case HOURLY -> TimeScheme.HOURLY;
            case LIST -> ListScheme.INSTANCE;
            case SHARDS -> ShardScheme.INSTANCE;
        };
    }
}
