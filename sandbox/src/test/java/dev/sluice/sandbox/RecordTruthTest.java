package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordTruthTest {
    private static final String BODY = "{\"tokens\":1}";
    private static final String TP1 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String TP2 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b8-01";

    @Test
    void a_record_report_counts_requests_by_endpoint_and_status_keys_duplicates_and_traceparents() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("3/1h"))) {
            Client client = new Client(sandbox);
            client.post(EnrichmentTest.enrichment("5"), BODY, "Idempotency-Key", "k-5", "traceparent", TP1);
            client.post(EnrichmentTest.enrichment("5"), BODY, "Idempotency-Key", "k-5", "traceparent", TP2);
            client.get(EnrichmentTest.enrichment("5"));
            client.get("/v1/customers/5", "traceparent", TP1);
            RecordReport report = sandbox.record("5");

            assertThat(report.effects()).isEqualTo(1);
            assertThat(report.firstAppliedAt()).isNotNull();
            assertThat(report.requests()).isEqualTo(4);
            assertThat(report.requests("enrich", 201)).isEqualTo(1);
            assertThat(report.requests("enrich", 200)).isEqualTo(1);
            assertThat(report.requests("check", 200)).isEqualTo(1);
            assertThat(report.requests("lookup", 429))
                    .as("the gate's refusals count too")
                    .isEqualTo(1);
            assertThat(report.idempotencyKeys()).containsExactly("k-5");
            assertThat(report.distinctKeys()).isEqualTo(1);
            assertThat(report.duplicateKeys()).isEqualTo(1);
            assertThat(report.traceparents()).containsExactly(TP1, TP2, TP1);
            assertThat(report.traceparentsSeen()).isEqualTo(3);
            assertThat(sandbox.stats().records().requests("lookup", 429)).isEqualTo(1);
            assertThat(sandbox.stats().records().records()).isEqualTo(1);
        }
    }

    @Test
    void the_admin_api_serves_a_record_and_lists_the_ids_applied_twice() {
        SandboxConfig ignore = SandboxConfig.defaults()
                .withLimits()
                .withRecords(RecordsConfig.DEFAULTS.withIdempotency(IdempotencyMode.IGNORE));
        try (Sandbox sandbox = Sandbox.start(ignore)) {
            Client client = new Client(sandbox);
            client.post(EnrichmentTest.enrichment("5"), BODY, "Idempotency-Key", "k-5");
            client.post(EnrichmentTest.enrichment("5"), BODY, "Idempotency-Key", "k-5");
            client.post(EnrichmentTest.enrichment("6"), BODY, "Idempotency-Key", "k-6");
            JsonNode record = Client.json(client.get("/_sandbox/records/5"));
            JsonNode unseen = Client.json(client.get("/_sandbox/records/never"));
            JsonNode records = Client.json(client.get("/_sandbox/records"));
            JsonNode stats = Client.json(client.get("/_sandbox/stats")).path("records");

            assertThat(record.path("effects").asLong()).isEqualTo(2);
            assertThat(record.path("requests_by_status")
                            .path("enrich")
                            .path("201")
                            .asLong())
                    .isEqualTo(2);
            assertThat(record.path("idempotency_keys").get(0).asText()).isEqualTo("k-5");
            assertThat(unseen.path("effects").asLong()).isZero();
            assertThat(unseen.path("requests").asLong()).isZero();
            assertThat(records.path("applied_twice").toString()).isEqualTo("[\"5\"]");
            assertThat(records.path("summary").path("effects_applied").asLong()).isEqualTo(3);
            assertThat(stats.path("records_applied_twice").asLong()).isEqualTo(1);
            assertThat(stats.path("duplicate_keys").asLong()).isEqualTo(1);
            assertThat(sandbox.recordsAppliedTwice(10)).containsExactly("5");
        }
    }

    @Test
    void a_record_stops_growing_with_its_requests_while_its_totals_stay_exact() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            Client client = new Client(sandbox);
            for (int i = 0; i < 40; i++) {
                String tp = "00-4bf92f3577b34da6a3ce929d0e0e47%02d-00f067aa0ba902b7-01".formatted(i);
                client.post(EnrichmentTest.enrichment("5"), BODY, "Idempotency-Key", "k-" + i, "traceparent", tp);
            }
            RecordReport report = sandbox.record("5");

            assertThat(report.idempotencyKeys()).hasSize(RecordReport.KEPT_KEYS);
            assertThat(report.distinctKeys()).isEqualTo(40);
            assertThat(report.traceparents()).hasSize(RecordReport.KEPT_TRACEPARENTS);
            assertThat(report.traceparentsSeen()).isEqualTo(40);
            assertThat(report.effects()).isEqualTo(40);
        }
    }

    @Test
    void a_stats_reset_keeps_the_records_and_a_records_reset_forgets_them_and_their_keys() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            Client client = new Client(sandbox);
            client.post(EnrichmentTest.enrichment("5"), BODY, "Idempotency-Key", "k-5");
            sandbox.resetStats();
            HttpResponse<String> afterStatsReset = client.get(EnrichmentTest.enrichment("5"));
            long effectsAfterStatsReset = sandbox.stats().records().effectsApplied();
            HttpResponse<String> reset = client.post("/_sandbox/records/reset", "");
            HttpResponse<String> afterRecordsReset = client.get(EnrichmentTest.enrichment("5"));
            HttpResponse<String> sameKey = client.post(EnrichmentTest.enrichment("5"), BODY, "Idempotency-Key", "k-5");

            assertThat(afterStatsReset.statusCode()).isEqualTo(200);
            assertThat(effectsAfterStatsReset).isEqualTo(1);
            assertThat(reset.statusCode()).isEqualTo(200);
            assertThat(afterRecordsReset.statusCode()).isEqualTo(404);
            assertThat(sameKey.statusCode()).as("a fresh world forgot the key").isEqualTo(201);
            assertThat(sandbox.stats().records().effectsApplied()).isEqualTo(1);
        }
    }

    @Test
    void gate_refusals_and_faults_are_recorded_per_record_and_apply_nothing() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            Client client = new Client(sandbox);
            sandbox.outage(Duration.ofHours(1));
            HttpResponse<String> down = client.post(EnrichmentTest.enrichment("5"), BODY);
            client.post("/_sandbox/config", "{\"outage\":\"0s\",\"error_rate\":1.0}");
            HttpResponse<String> error = client.post(EnrichmentTest.enrichment("5"), BODY);

            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(error.statusCode()).isIn(500, 503);
            assertThat(sandbox.record("5").requests()).isEqualTo(2);
            assertThat(sandbox.record("5").requests("enrich", 503)).isPositive();
            assertThat(sandbox.record("5").effects()).isZero();
        }
    }
}
