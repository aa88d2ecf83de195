package dev.sluice.bench.internal;

import dev.sluice.sink.postgres.ColumnConfig;
import dev.sluice.sink.postgres.ColumnType;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The table every sink contender writes: the orders sink of {@code dags/jobs/orders.yaml}, created
 * by the real sink's {@code prepare} (declared columns, Sluice's columns, primary key on id).
 */
public final class BenchTable {
    public static final String NAME = "bench_orders";
    public static final String JOB = "bench-sink";

    private BenchTable() {}

    public static PostgresSinkConfig config() {
        Map<String, ColumnConfig> columns = new LinkedHashMap<>();
        columns.put("id", new ColumnConfig("$.id", ColumnType.TEXT, null));
        columns.put("customer_id", new ColumnConfig("$.customer_id", ColumnType.BIGINT, null));
        columns.put("amount", new ColumnConfig("$.amount", ColumnType.NUMERIC, null));
        columns.put("currency", new ColumnConfig("$.currency", ColumnType.TEXT, null));
        columns.put("status", new ColumnConfig("$.status", ColumnType.TEXT, null));
        columns.put("note", new ColumnConfig("$.note", ColumnType.TEXT, null));
        columns.put("updated_at", new ColumnConfig("$.updated_at", ColumnType.TIMESTAMPTZ, null));
        return new PostgresSinkConfig(NAME, List.of("id"), columns);
    }

    /** Empties the table and flushes dirty buffers, so every contender starts from the same state. */
    public static void empty(Jdbi jdbi) {
        jdbi.useHandle(h -> {
            h.execute("TRUNCATE " + NAME);
            h.execute("CHECKPOINT");
        });
    }

    /** Rows in the table. */
    public static long count(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + NAME).mapTo(Long.class).one());
    }

    /** A digest of the business columns and partition, by id: equal digests mean the same rows. */
    public static String digest(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT md5(string_agg(concat_ws('|', id, customer_id, amount, currency, "
                        + "status, coalesce(note, '<null>'), updated_at, _sluice_partition), E'\\n' ORDER BY id)) FROM " + NAME)
                .mapTo(String.class).one());
    }
}
