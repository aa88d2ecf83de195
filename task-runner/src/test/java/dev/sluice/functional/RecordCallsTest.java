package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.Enrichment;
import dev.sluice.sandbox.IdSet;
import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.MalformedKind;
import dev.sluice.sandbox.RecordReport;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.HostileApi;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.OtlpCollector;
import dev.sluice.testing.RecordJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Files;
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

    @Test
    void a_rerun_resumes_from_a_commit_inside_the_first_page() throws Exception {
        // 100 ms answers at concurrency 8 (about 80 records/s): the first commit, 250 ms in, holds a
        // few dozen records whatever the machine's speed (with instant answers a quiet machine
        // finished all 200 before it).
        RecordsConfig api =
                RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofMillis(100), Duration.ofMillis(100)));
        try (RecordJob job = RecordJob.start("records_resume", 200, api)) {
            Path spec = job.spec(8, "", "");
            // One page of 500: the first commit stops inside the first page, whose start position is
            // JSON null in the stored watermark.
            Files.writeString(spec, Files.readString(spec).replace("page_size: 50", "page_size: 500"));
            SluiceProcess.Result crashed = job.input()
                    .run(
                            spec,
                            RecordJob.PARTITION,
                            "SHOP_API_TOKEN",
                            JobFixture.TOKEN,
                            "SLUICE_CRASH_AT",
                            "after_commit:1");
            assertThat(crashed.exit()).as(crashed.describe()).isEqualTo(137);
            assertThat(job.committed()).isBetween(1L, 199L);

            SluiceProcess.Result run = job.run(spec);

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(job.sandbox().stats().records().recordsApplied()).isEqualTo(200);
            assertThat(job.sandbox().stats().records().extraEffects()).isZero();
            assertThat(job.input().number("SELECT count(*) FROM customer_profiles"))
                    .isEqualTo(200);
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", 200L));
        }
    }

    @Test
    void poison_and_malformed_answers_become_dead_letters_with_status_excerpt_and_trace() {
        RecordsConfig api = RecordsConfig.DEFAULTS
                .withPoison(IdSet.parse("poison", RecordJob.id(7) + "," + RecordJob.id(13)))
                .withMalformed(
                        IdSet.parse("malformed", RecordJob.id(20) + "," + RecordJob.id(30) + "," + RecordJob.id(40)))
                .withMalformedKind(MalformedKind.MIXED);
        try (RecordJob job = RecordJob.start("records_dead", 100, api)) {
            Path spec = job.spec(4, "", "dead_letters: {max: 5}");
            SluiceProcess.Result run = job.run(spec);

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("dead_letters").asLong()).isEqualTo(5);
            String traceId = run.json().get("trace_id").asText();
            assertThat(
                            job.input()
                                    .rows(
                                            "SELECT record_key, status, excerpt LIKE '%unprocessable_record%' AS shown, trace_id, "
                                                    + "payload->'record'->>'name' AS name FROM sluice_dead_letter WHERE status = 422 ORDER BY record_key"))
                    .containsExactly(
                            RecordJob.id(7) + " | 422 | true | " + traceId + " | Customer 7",
                            RecordJob.id(13) + " | 422 | true | " + traceId + " | Customer 13");
            List<String> malformed = job.input()
                    .rows("SELECT record_key || ' ' || status || ' ' || error "
                            + "FROM sluice_dead_letter WHERE status <> 422 ORDER BY record_key");
            assertThat(malformed).hasSize(3);
            assertThat(malformed)
                    .allSatisfy(line -> assertThat(line)
                            .containsPattern(
                                    " 20[01] (the answer \\(20[01]\\) is not JSON|the answer does not fit the sink)"));
            assertThat(job.input().number("SELECT count(*) FROM sluice_dead_letter WHERE trace_id = '" + traceId + "'"))
                    .isEqualTo(5);
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", 95L, "rejected", 5L));
            assertThat(job.input().number("SELECT count(*) FROM customer_profiles"))
                    .isEqualTo(95);
            assertThat(job.sandbox().stats().records().poisonRejected())
                    .as("a rejection is not retried")
                    .isEqualTo(2);
            SluiceProcess.Result listed = SluiceProcess.run(
                    job.input().env(job.env()),
                    "dead-letters",
                    "--job",
                    spec.toString(),
                    "--partition",
                    RecordJob.PARTITION,
                    "--json");
            assertThat(listed.exit()).as(listed.describe()).isZero();
            JsonNode letters = listed.json().get("dead_letters");
            assertThat(letters.size()).isEqualTo(5);
            JsonNode seven = null;
            for (JsonNode letter : letters) { // newest first
                if (RecordJob.id(7).equals(letter.get("record_key").asText())) {
                    seven = letter;
                }
            }
            assertThat(seven).as("record 7 in %s", letters).isNotNull();
            assertThat(seven.get("status").asInt()).isEqualTo(422);
            assertThat(seven.get("trace_id").asText()).isEqualTo(traceId);
            assertThat(seven.get("excerpt").asText()).contains("unprocessable_record");
            assertThat(seven.get("payload_excerpt")
                            .asText()) // jsonb puts "call" before "record"; the name is checked above
                    .contains("\"status\": 422", traceId);
        }
    }

    @Test
    void more_dead_letters_than_dead_letters_max_stop_the_run_with_65() {
        RecordsConfig api =
                RecordsConfig.DEFAULTS.withPoison(IdSet.parse("poison", RecordJob.id(7) + "," + RecordJob.id(13)));
        try (RecordJob job = RecordJob.start("records_dead_max", 60, api)) {
            SluiceProcess.Result run = job.run(job.spec(4, "", "dead_letters: {max: 1}"));

            assertThat(run.exit()).as(run.describe()).isEqualTo(65);
            assertThat(run.json().get("message").asText())
                    .contains("dead_letters.max = 1")
                    .contains("422");
            assertThat(job.input().number("SELECT count(*) FROM sluice_dead_letter"))
                    .isLessThanOrEqualTo(1);
            assertThat(job.input().rows("SELECT state FROM sluice_partition")).containsExactly("failed");
        }
    }

    @Test
    void in_doubt_dead_letter_hands_calls_a_killed_attempt_had_sent_to_a_person() {
        RecordsConfig api =
                RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofSeconds(30), Duration.ofSeconds(30)));
        try (RecordJob job = RecordJob.start("records_doubt", 20, api)) {
            Path spec = job.spec(4, "in_doubt: dead_letter", "dead_letters: {max: 10}");
            SluiceProcess first = job.start(spec);
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .until(() -> job.ledgerStates().getOrDefault("sent", 0L) == 4);
            first.kill();
            job.sandbox().reconfigure(c -> c.withRecords(RecordsConfig.DEFAULTS));

            SluiceProcess.Result run;
            try (HostileApi collector = OtlpCollector.start()) {
                run = job.input()
                        .run(
                                spec,
                                RecordJob.PARTITION,
                                "SHOP_API_TOKEN",
                                JobFixture.TOKEN,
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                collector.origin(),
                                "OTEL_METRIC_EXPORT_INTERVAL",
                                "600000");
                // the metrics exported at exit: the calls found in doubt, the records and dead letters
                assertThat(OtlpCollector.total(collector, "sluice.calls.in_doubt"))
                        .isEqualTo(4);
                assertThat(OtlpCollector.total(collector, "sluice.records.written"))
                        .isEqualTo(16);
                assertThat(OtlpCollector.total(collector, "sluice.dead_letters"))
                        .isEqualTo(4);
            }

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("in_doubt").asLong()).isEqualTo(4);
            assertThat(job.input().rows("SELECT count(*), min(error) FROM sluice_dead_letter"))
                    .singleElement()
                    .asString()
                    .startsWith("4 | in doubt: an earlier attempt sent this call");
            assertThat(job.sandbox().stats().records().extraEffects()).isZero();
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", 16L, "rejected", 4L));
        }
    }

    @Test
    void in_doubt_check_asks_the_api_and_commits_what_a_killed_attempt_had_applied_without_sending_it_again() {
        RecordsConfig api =
                RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofSeconds(30), Duration.ofSeconds(30)));
        try (RecordJob job = RecordJob.start("records_check", 20, api)) {
            Path spec = job.spec(
                    4,
                    "in_doubt: check\ncheck: {url: \"" + job.sandbox().baseUrl()
                            + "/v1/customers/{record.id}/enrichment\"}",
                    "");
            SluiceProcess first = job.start(spec);
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .until(() -> job.sandbox().stats().records().effectsApplied() == 4);
            first.kill();
            job.sandbox().reconfigure(c -> c.withRecords(RecordsConfig.DEFAULTS));

            SluiceProcess.Result run = job.run(spec);

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("in_doubt").asLong()).isEqualTo(4);
            var truth = job.sandbox().stats().records();
            assertThat(truth.requests("check", 200))
                    .as("each in-doubt call checked")
                    .isEqualTo(4);
            assertThat(truth.duplicateKeys())
                    .as("applied calls were not sent again")
                    .isZero();
            assertThat(truth.effectsApplied()).isEqualTo(20);
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", 20L));
            assertThat(job.input().number("SELECT count(*) FROM customer_profiles WHERE segment IS NOT NULL"))
                    .isEqualTo(20);
        }
    }

    @Test
    void every_call_takes_a_permit_from_the_shared_limit_so_the_api_never_answers_429() {
        try (RecordJob job = RecordJob.start("records_limit", 120, RecordsConfig.DEFAULTS, "window:20/1s")) {
            SluiceProcess.Result run = job.run(job.spec(16, "", "limits: [{name: crm-api, rates: [15/1s]}]"));

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(job.sandbox().stats().rateLimited()).isZero();
            assertThat(job.sandbox().stats().records().recordsApplied()).isEqualTo(120);
            assertThat(job.sandbox().stats().records().extraEffects()).isZero();
        }
    }

    @Test
    void answers_429_pause_and_retry_and_still_apply_every_record_once() {
        try (RecordJob job = RecordJob.start("records_429", 120, RecordsConfig.DEFAULTS, "window:20/1s")) {
            SluiceProcess.Result run = job.run(job.spec(16, "", "retry: {max_attempts: 30}"));

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("http_429").asLong()).isPositive();
            assertThat(job.sandbox().stats().records().recordsApplied()).isEqualTo(120);
            assertThat(job.sandbox().stats().records().extraEffects()).isZero();
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", 120L));
        }
    }

    @Test
    void an_outage_opens_the_breaker_for_every_call_in_flight_and_the_rerun_applies_each_record_once() {
        RecordsConfig api =
                RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofMillis(20), Duration.ofMillis(60)));
        try (RecordJob job = RecordJob.start("records_outage", 400, api)) {
            Path spec = job.spec(
                    16,
                    "",
                    "retry: {max_attempts: 4, initial_delay: 100ms, max_delay: 400ms}\n"
                            + "breaker: {failure_threshold: 5, open_for: 3s}");
            SluiceProcess first = job.start(spec);
            // The outage begins once the API has applied 50 effects: counted by the API as they happen
            // (committed records trail by a commit, and a quiet machine finished all 400 before the
            // outage when it waited for 50 of those).
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> job.sandbox().stats().records().effectsApplied() >= 50);
            long before = job.sandbox().stats().requests();
            job.sandbox().outage(Duration.ofSeconds(5));

            SluiceProcess.Result stopped = first.await(Duration.ofMinutes(1));
            long duringOutage = job.sandbox().stats().requests() - before;

            assertThat(stopped.exit()).as(stopped.describe()).isEqualTo(75);
            System.out.println(
                    "per-record outage: " + duringOutage + " requests reached the API before the run stopped");
            assertThat(duringOutage)
                    .as("the open breaker stops all 16 concurrent calls, not each after its own retries")
                    .isLessThan(16L * 4);
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        SluiceProcess.Result rerun = job.run(spec);
                        if (rerun.exit() != 0) {
                            System.out.println("re-run after the outage: " + rerun.describe());
                        }
                        return rerun.exit() == 0;
                    });
            assertThat(job.sandbox().stats().records().recordsApplied()).isEqualTo(400);
            assertThat(job.sandbox().stats().records().extraEffects()).isZero();
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", 400L));
        }
    }
}
