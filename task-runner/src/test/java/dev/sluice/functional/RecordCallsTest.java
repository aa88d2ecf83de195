package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.Enrichment;
import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.RecordReport;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.RecordJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-record jobs in real {@code sluice run} processes against the sandbox's per-record API: every
 * record's call applied once and its answer mapped into the sink, one trace per record, rejected
 * and unreadable answers as dead letters.
 */
class RecordCallsTest {
    @Test
    void posts_every_record_once_and_maps_each_answer_into_the_sink_with_its_trace() {
        RecordsConfig api =
                RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofMillis(5), Duration.ofMillis(40)));
        try (RecordJob job = RecordJob.start("records_happy", 300, api)) {
            Path spec = job.spec(8, "", "");

            SluiceProcess.Result run = job.run(spec);

            assertThat(run.exit()).as(run.describe()).isZero();
            JsonNode summary = run.json();
            assertThat(summary.get("status").asText()).isEqualTo("done");
            assertThat(summary.get("records").asLong()).isEqualTo(300);
            assertThat(summary.get("in_doubt").asLong()).isZero();
            var truth = job.sandbox().stats().records();
            assertThat(truth.recordsApplied()).isEqualTo(300);
            assertThat(truth.extraEffects()).isZero();
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", 300L));

            String id = RecordJob.id(42);
            Enrichment expected = Enrichment.expected(id);
            List<String> row = job.input()
                    .rows("SELECT segment, score, status, attempts, trace_id, span_id, "
                            + "_sluice_trace_id FROM customer_profiles WHERE id = '" + id + "'");
            String[] cells = row.getFirst().split(" \\| ");
            assertThat(cells[0]).isEqualTo(expected.segment());
            assertThat(Double.parseDouble(cells[1])).isEqualTo(expected.score());
            assertThat(cells[2]).isEqualTo("201");
            assertThat(cells[3]).isEqualTo("1");
            String traceId = summary.get("trace_id").asText();
            assertThat(cells[4])
                    .as("the call's trace is the run's")
                    .isEqualTo(traceId)
                    .isEqualTo(cells[6]);
            String spanId = cells[5];
            assertThat(job.input()
                            .rows("SELECT trace_id, span_id, attempts, idempotency_key IS NOT NULL "
                                    + "FROM sluice_call WHERE record_key = '" + id + "'"))
                    .containsExactly(traceId + " | " + spanId + " | 1 | true");
            RecordReport report = job.sandbox().record(id);
            assertThat(report.traceparents())
                    .as("the request carried the call's own span")
                    .singleElement()
                    .asString()
                    .startsWith("00-" + traceId + "-" + spanId + "-");
            assertThat(run.stderr()).containsPattern("record " + id + ": done 201 .*span_id " + spanId);
        }
    }
}
