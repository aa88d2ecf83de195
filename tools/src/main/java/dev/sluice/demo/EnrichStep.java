package dev.sluice.demo;

import dev.sluice.db.Database;
import dev.sluice.job.JobSpec;
import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The demo's last step: the per-record example job enriches the customers the orders job loaded,
 * one POST per customer through the sandbox's enrichment endpoint, as the Airflow asset would
 * start it after the orders DAG; then the sandbox's ground truth says whether each effect was
 * applied exactly once, and one stored row shows its call's trace.
 */
final class EnrichStep {
    /** Per-record calls take about this long at the sandbox, so concurrency is what makes the pace. */
    private static final String LATENCY = "80ms~120ms";

    private final JobSpec job;
    private final Path specFile;
    private final PrintStream out;

    EnrichStep(JobSpec job, Path specFile, PrintStream out) {
        this.job = job;
        this.specFile = specFile;
        this.out = out;
    }

    /** Runs the job for {@code partitions} at once (processes sharing its limit); adds its figures to {@code result}. */
    boolean run(Sandbox api, Database database, Runs runs, List<String> partitions, Map<String, Object> result)
            throws IOException, InterruptedException {
        String limit = job.limits().getFirst().rates().getFirst();
        api.reconfigure(c -> c.withLimits(List.of(LimitSpec.parse("window:" + limit)))
                .withFaults(c.faults().withMalformedRate(0))
                .withRecords(c.records().withLatency(LatencyRange.parse("latency", LATENCY))));
        RecordStats before = api.stats().records();
        out.printf("%nStep 4: the per-record job %s for %s, after the orders job%n", job.name(), partitions);
        out.printf(
                "  (in Airflow the orders run tasks update the asset shop_orders, and sluice_%s is scheduled on it)%n",
                job.name());
        out.printf(
                "  one POST per customer of shop_orders, %d in flight, shared limit %s (%s), Idempotency-Key on;"
                        + " the API answers in %s and still fails 3%% of calls, 1%% after applying them%n",
                job.call().concurrency(), job.limits().getFirst().name(), limit, LATENCY);
        long started = System.nanoTime();
        Map<String, Runs.Outcome> outcomes = runs.all(partitions, Map.of(), null);
        double seconds = (System.nanoTime() - started) / 1e9;
        outcomes.forEach((p, o) -> out.printf("  %s: %s%n", p, o.describe()));
        long enriched =
                outcomes.values().stream().mapToLong(Runs.Outcome::records).sum();
        long calls =
                outcomes.values().stream().mapToLong(Runs.Outcome::apiCalls).sum();
        RecordStats after = api.stats().records();
        long applied = after.effectsApplied() - before.effectsApplied();
        long replays = after.replays() - before.replays();
        String table = job.sink().table().orElseThrow();
        long rows = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM " + table)
                        .mapTo(Long.class)
                        .one());
        boolean exact =
                outcomes.values().stream().allMatch(Runs.Outcome::done) && rows == enriched && applied == enriched;
        out.printf(
                "  %d customers enriched in %.1f s (%.0f/s) with %d requests; the API applied %d effects: %s"
                        + " (%d retries after an applied call were answered from the first one)%n",
                enriched,
                seconds,
                enriched / seconds,
                calls,
                applied,
                applied == enriched ? "each customer's exactly once" : "MISMATCH",
                replays);
        out.printf("  %d rows in %s; a sample row:%n  %s%n", rows, table, sample(database, table));
        result.put("enrich_job", job.name());
        result.put("enriched", enriched);
        result.put("enrich_rows", rows);
        result.put("enrich_effects_applied", applied);
        result.put("enrich_requests", calls);
        result.put("enrich_replays", replays);
        result.put("enrich_seconds", Math.round(seconds * 10) / 10.0);
        return exact;
    }

    private static String sample(Database database, String table) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT 'customer ' || customer_id || ': ' || segment"
                                + " || ', score ' || score || ', region ' || region || '; call ' || call_status || ' after '"
                                + " || call_attempts || ' attempt(s), trace_id ' || call_trace_id || ' span_id ' || call_span_id"
                                + " FROM " + table + " ORDER BY call_attempts DESC, customer_id LIMIT 1")
                        .mapTo(String.class)
                        .findOne()
                        .orElse("(none)"));
    }
}
