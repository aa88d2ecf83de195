package dev.sluice.bench.internal;

import dev.sluice.db.Database;
import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.lease.Lease;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import dev.sluice.sink.postgres.internal.PostgresSink;
import dev.sluice.watermark.WatermarkStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * Where a page transaction's time goes: the real path's steps run one by one with a clock around
 * each (the sink's own Rows, Csv and SQL, the real WatermarkStore and DeadLetterStore). The sum
 * is reported beside the real path's measured rate, so the copy can be checked against it. The
 * unnest prototype can be timed the same way (its stage steps are then 0).
 */
public final class SinkAnatomy {
    static final List<String> STEPS = List.of("open_and_begin", "fence", "convert_json_to_rows", "encode_csv",
            "create_stage", "copy_to_stage", "upsert", "dead_letters_and_advance", "commit_and_close");

    /**
     * @param perPageMicros  median over repetitions of each step's mean time per page
     * @param share          each step's share of the total
     * @param recordsPerSecond the implied rate of the step-by-step copy (compare with "sluice")
     */
    public record Result(Map<String, Double> perPageMicros, Map<String, Double> share, double totalPerPageMicros,
            double recordsPerSecond) {}

    private final Database database;
    private final SinkInternals sink;
    private final UnnestUpsert unnest;
    private final BenchLeases leases;
    private final WatermarkStore watermarks = new WatermarkStore(Duration.ofSeconds(30));
    private final DeadLetterStore deadLetters = new DeadLetterStore();

    /** @param unnest time the unnest prototype's transaction instead of the real one */
    public SinkAnatomy(Database database, PostgresSink sink, PostgresSinkConfig config, boolean unnest) {
        this.database = database;
        this.sink = new SinkInternals(sink);
        this.unnest = unnest ? new UnnestUpsert(this.sink, config) : null;
        this.leases = new BenchLeases(database.jdbi());
    }

    public Result measure(List<OrderPages.Page> pages, int repetitions) {
        Map<String, List<Double>> perPage = new LinkedHashMap<>();
        STEPS.forEach(s -> perPage.put(s, new ArrayList<>()));
        for (int rep = 0; rep < repetitions; rep++) {
            long[] nanos = pass(pages);
            for (int i = 0; i < STEPS.size(); i++) {
                perPage.get(STEPS.get(i)).add(nanos[i] / 1e3 / pages.size());
            }
        }
        Map<String, Double> micros = new LinkedHashMap<>();
        perPage.forEach((step, values) -> micros.put(step, Samples.of(values).median()));
        double total = micros.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> share = new LinkedHashMap<>();
        micros.forEach((step, v) -> share.put(step, Samples.round(v / total)));
        double records = pages.stream().mapToInt(p -> p.records().size()).sum();
        return new Result(micros, share, Samples.round(total), Samples.round(records / (total * pages.size() / 1e6)));
    }

    private long[] pass(List<OrderPages.Page> pages) {
        BenchTable.empty(database.jdbi());
        Lease lease = leases.claim();
        long[] nanos = new long[STEPS.size()];
        try {
            var position = lease.watermark();
            for (OrderPages.Page page : pages) {
                page(lease, page, position, nanos);
                position = page.next();
            }
        } finally {
            leases.release(lease);
        }
        return nanos;
    }

    private void page(Lease lease, OrderPages.Page page, com.fasterxml.jackson.databind.JsonNode position, long[] nanos) {
        Clock clock = new Clock(nanos);
        Handle tx = database.jdbi().open();
        tx.begin();
        clock.lap(0);
        watermarks.fence(tx, lease);
        clock.lap(1);
        SinkInternals.Converted converted = sink.convert(page.records());
        clock.lap(2);
        if (unnest == null) {
            byte[] csv = sink.encode(converted.rows());
            clock.lap(3);
            tx.execute(sink.createStage);
            clock.lap(4);
            copy(tx, csv);
            clock.lap(5);
            tx.createUpdate(sink.upsert).bind("partition", lease.partition()).bind("epoch", lease.epoch()).bind("trace", "bench").execute();
        } else {
            unnest.execute(tx, lease, converted.rows());
        }
        clock.lap(6);
        deadLetters.store(tx, lease, position, List.of());
        watermarks.advance(tx, lease, page.next(), converted.rows().size(), converted.deadLetters(), page.last());
        clock.lap(7);
        tx.commit();
        tx.close();
        clock.lap(8);
    }

    private void copy(Handle tx, byte[] csv) {
        try {
            tx.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(sink.copy, new ByteArrayInputStream(csv));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("COPY into the stage failed: " + e.getMessage(), e);
        }
    }

    /** Adds the time since the previous lap to a step's total. */
    private static final class Clock {
        private final long[] totals;
        private long last = System.nanoTime();

        Clock(long[] totals) {
            this.totals = totals;
        }

        void lap(int step) {
            long now = System.nanoTime();
            totals[step] += now - last;
            last = now;
        }
    }
}
