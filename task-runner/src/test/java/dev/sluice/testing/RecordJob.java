package dev.sluice.testing;

import dev.sluice.sandbox.Faults;
import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.sandbox.Sandbox;
import dev.sluice.sandbox.SandboxConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A per-record job end to end: the sandbox's per-record API in this JVM (ground truth: effects
 * applied per id), a fresh database, a JSON Lines input of customers {@code c00001...}, and a spec
 * that POSTs each one to {@code /v1/customers/{id}/enrichment} and maps the answer into a table.
 */
public final class RecordJob implements RecordPartitionJob {
    public static final String PARTITION = "2026-11-01";
    public static final String TABLE = "customer_profiles";

    private final Sandbox sandbox;
    private final InputJob input;
    private final int records;

    private RecordJob(Sandbox sandbox, InputJob input, int records) {
        this.sandbox = sandbox;
        this.input = input;
        this.records = records;
    }

    /** A job over {@code records} customers against a sandbox with {@code config}. */
    public static RecordJob start(String name, int records, RecordsConfig config) {
        return start(name, records, config, new String[0]);
    }

    /** The same against a sandbox that enforces {@code limits} of its own (e.g. {@code window:20/1s}). */
    public static RecordJob start(String name, int records, RecordsConfig config, String... limits) {
        return start(name, records, config, Faults.NONE, limits);
    }

    /** The same against a sandbox that also injects {@code faults} (e.g. connections broken after the effect). */
    public static RecordJob start(String name, int records, RecordsConfig config, Faults faults, String... limits) {
        Sandbox sandbox = Sandbox.start(SandboxConfig.defaults()
                .withLimits(List.of(limits).stream().map(LimitSpec::parse).toList())
                .withToken(JobFixture.TOKEN)
                .withRecords(config)
                .withFaults(faults));
        InputJob input = InputJob.start(name);
        input.write(
                "customers.jsonl",
                IntStream.rangeClosed(1, records)
                        .mapToObj(i -> "{\"id\": \"" + id(i) + "\", \"name\": \"Customer " + i
                                + "\", \"address\": {\"city\": \"Lyon\", \"zip\": \"6900" + (i % 10) + "\"}}\n")
                        .collect(Collectors.joining()));
        return new RecordJob(sandbox, input, records);
    }

    /** The id of the i-th customer (1-based). */
    public static String id(int i) {
        return "c%05d".formatted(i);
    }

    /**
     * Writes the spec with the call's extra fields (e.g. {@code in_doubt: check}) and top-level
     * sections (e.g. {@code dead_letters: {max: 5}}).
     */
    public Path spec(int concurrency, String callExtra, String topExtra) {
        return input.write("enrich.yaml", """
                job: enrich
                partitions: {type: daily, start: 2026-11-01, end: 2026-11-07}
                input: {type: file, path: customers.jsonl, key: id, page_size: 50}
                call:
                  method: POST
                  url: %s/v1/customers/{record.id}/enrichment
                  auth: {type: bearer, token: "${SHOP_API_TOKEN}"}
                  body: {customer: "{record}", city: "{record.address.city}", day: "{partition}"}
                  concurrency: %d
                  timeout: 10s
                %s
                sink:
                  type: postgres
                  table: %s
                  key: [id]
                  columns:
                    id: {path: $.record.id}
                    segment: {path: $.response.segment, required: true}
                    score: {path: $.response.score, type: double, required: true}
                    lifetime_value: {path: $.response.lifetime_value, type: numeric}
                    active: {path: $.response.active, type: boolean}
                    status: {path: $.call.status, type: integer}
                    attempts: {path: $.call.attempts, type: integer}
                    trace_id: {path: $.call.trace_id}
                    span_id: {path: $.call.span_id}
                runner: {lease_ttl: 3s}
                %s
                """.formatted(
                        sandbox.baseUrl(),
                        concurrency,
                        indent(callExtra),
                        TABLE,
                        topExtra.contains("retry:") ? topExtra : "retry: {max_attempts: 8}\n" + topExtra));
    }

    private static String indent(String yaml) {
        return yaml.lines().map(l -> "  " + l).collect(Collectors.joining("\n"));
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public InputJob input() {
        return input;
    }

    @Override
    public String partition() {
        return PARTITION;
    }

    public int records() {
        return records;
    }

    /** The environment every run gets: the sandbox's token. */
    @Override
    public String[] env() {
        return new String[] {"SHOP_API_TOKEN", JobFixture.TOKEN};
    }

    /** A bounded wait that a test uses as a polling step. */
    public static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        input.close();
        sandbox.close();
    }
}
