package dev.sluice.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A per-record job end to end whose one partition a test runs, kills and inspects: what
 * {@link RecordJob} (a file input) and {@link StreamJob} (a Redis stream) share.
 */
public interface RecordPartitionJob extends AutoCloseable {
    /** The database, the spec directory and the processes. */
    InputJob input();

    /** The partition every run of the test runs. */
    String partition();

    /** The environment every run gets (pairs: name, value). */
    String[] env();

    /** {@code sluice run} of the partition to completion. */
    default SluiceProcess.Result run(Path spec) {
        return input().run(spec, partition(), env());
    }

    /** Starts {@code sluice run} of the partition without waiting. */
    default SluiceProcess start(Path spec) {
        return input().start(spec, partition(), env());
    }

    /** Records committed so far (loaded and dead-lettered). */
    default long committed() {
        List<String> rows = input().rows("SELECT records + dead_letters FROM sluice_partition WHERE partition_key = '"
                + partition() + "'");
        return rows.isEmpty() ? 0 : Long.parseLong(rows.getFirst());
    }

    /** Ledger rows per state. */
    default Map<String, Long> ledgerStates() {
        return input().database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT state, count(*) AS n FROM sluice_call GROUP BY state")
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Override
    void close();
}
