package dev.sluice.bench.internal;

import dev.sluice.job.JobSpecLoader;
import dev.sluice.sink.SinkDefinition;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The table every sink contender writes: the orders sink of {@code dags/jobs/orders.yaml} under
 * another name, loaded from a job spec the way a run loads it, and created by the real sink's
 * {@code prepare} (declared columns, Sluice's columns, primary key on id).
 */
public final class BenchTable {
    public static final String NAME = "bench_orders";
    public static final String JOB = "bench_sink";

    private static final String SPEC = """
            job: %s
            partitions: {type: list, values: ["%s"]}
            source: {type: http, url: "http://127.0.0.1:1/never-called"}
            sink:
              type: postgres
              table: %s
              key: [id]
              columns:
                id:          {path: $.id, type: text}
                customer_id: {path: $.customer_id, type: bigint}
                amount:      {path: $.amount, type: numeric}
                currency:    {path: $.currency, type: text}
                status:      {path: $.status, type: text}
                note:        {path: $.note, type: text}
                updated_at:  {path: $.updated_at, type: timestamptz}
            """.formatted(JOB, OrderPages.PARTITION, NAME);

    private BenchTable() {}

    /** The sink as a job spec defines it; {@code open} gives a fresh instance, as each run attempt gets. */
    public static SinkDefinition sink() {
        return new JobSpecLoader(Map.of()).load("bench_sink.yaml", SPEC).sink();
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
        return jdbi.withHandle(h ->
                h.createQuery("SELECT count(*) FROM " + NAME).mapTo(Long.class).one());
    }

    /** Rows last written by the given attempt (the bench writes trace id "bench"; a pre-fill writes "prefill"). */
    public static long writtenBy(Jdbi jdbi, long epoch) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + NAME
                        + " WHERE _sluice_attempt = :epoch AND _sluice_trace_id = 'bench'")
                .bind("epoch", epoch)
                .mapTo(Long.class)
                .one());
    }

    /** A digest of the business columns and partition, by id: equal digests mean the same rows. */
    public static String digest(Jdbi jdbi) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT md5(string_agg(concat_ws('|', id, customer_id, amount, currency, "
                                + "status, coalesce(note, '<null>'), updated_at, _sluice_partition), E'\\n' ORDER BY id)) FROM "
                                + NAME)
                        .mapTo(String.class)
                        .one());
    }
}
