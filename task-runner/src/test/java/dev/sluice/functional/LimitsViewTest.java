package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxStats;
import dev.sluice.testing.AdminProcess;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shared history after runs the sandbox answered with 429s: {@code sluice limits}, the series
 * rows and the attempt rows report the calls and 429s the sandbox itself counted (issue 9,
 * "equal to ground truth"), so does the admin server's {@code /metrics}, the last seconds survive a
 * SIGTERM, and {@code SLUICE_HISTORY=off} records nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // /metrics sums the job's attempts: before other tests run more
class LimitsViewTest {
    private static final String LIMIT = "views-api";
    private static final List<String> DAYS = List.of("2026-11-01", "2026-11-02");
    private static JobFixture job;
    /** The sandbox's counts of the runs' requests and 429s (the rogue client's taken out). */
    private static Truth truth;

    private record Truth(long requests, long rateLimited) {}

    /** What the rogue client sent and how many of those were answered 429. */
    private static long rogueRequests;

    private static long rogue429s;
    private static List<SluiceProcess.Result> runs;

    @BeforeAll
    static void two_partitions_run_against_an_api_stricter_than_the_limit() throws Exception {
        // The sandbox admits 2 per second; the job's limit allows 60. The API's own headers ("0 left
        // until the reset") keep Sluice inside its window, so 429s come from another client of the
        // same key that uses the window up (as in SharedLimitTest): its requests are taken out of
        // the sandbox's counts below.
        job = JobFixture.start(
                "limitsview",
                SandboxConfig.defaults().withLimits("window:2/1s").withRecordsPerPartition(100),
                10,
                "limits: [{name: " + LIMIT + ", rates: [60/1s]}]\nretry: {max_attempts: 30, max_duration: 2m}");
        List<SluiceProcess> running =
                DAYS.stream().map(d -> job.start(d, Map.of())).toList();
        await().atMost(Duration.ofMinutes(1)).until(() -> job.sandbox().stats().requests() >= 2);
        for (int burst = 0; burst < 20 && !aRunWasToldToWait(); burst++) {
            useUpTheWindow();
            Thread.sleep(300);
        }
        runs = running.stream().map(p -> p.await(Duration.ofMinutes(3))).toList();
        runs.forEach(r -> assertThat(r.exit()).as(r.describe()).isZero());
        SandboxStats stats = job.sandbox().stats();
        truth = new Truth(stats.requests() - rogueRequests, stats.rateLimited() - rogue429s);
        assertThat(truth.rateLimited()).as("the sandbox answered the runs 429s").isPositive();
    }

    /** True once a run recorded the pause a 429 asked for. */
    private static boolean aRunWasToldToWait() {
        return !job.query("SELECT 1 FROM sluice_limit WHERE pause_reason LIKE '429%'")
                .isEmpty();
    }

    /** Another client of the same API key takes what is left of the current window. */
    private static void useUpTheWindow() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(job.sandbox().baseUrl() + "/v1/orders?partition=rogue"))
                .header("Authorization", "Bearer " + JobFixture.TOKEN)
                .build();
        for (int calls = 1; calls <= 300; calls++) {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            rogueRequests++;
            if (response.statusCode() == 429) {
                rogue429s++;
                return;
            }
            if (response.headers()
                    .firstValue("X-RateLimit-Remaining")
                    .orElse("1")
                    .equals("0")) {
                return;
            }
        }
        throw new AssertionError("the window never ran out in 300 calls");
    }

    @AfterAll
    static void close() {
        job.close();
    }

    @Test
    @Order(1)
    void the_admin_servers_metrics_report_the_sandboxs_own_calls_and_429s() {
        try (AdminProcess admin = AdminProcess.start(job.env())) {
            String metrics = admin.get("/metrics", null).body();

            assertThat(metrics)
                    .contains("sluice_api_calls_total{job=\"limitsview\"} " + truth.requests() + "\n")
                    .contains("sluice_http_429_total{job=\"limitsview\"} " + truth.rateLimited() + "\n")
                    .contains("# TYPE sluice_retries_total counter")
                    .contains("# TYPE sluice_permit_wait_seconds_total counter");
        }
    }

    @Test
    void limits_as_json_report_the_sandboxs_own_calls_and_429s() {
        SluiceProcess.Result out = job.command("limits", "--json");

        assertThat(out.exit()).as(out.describe()).isZero();
        JsonNode limits = out.json().get("limits");
        assertThat(limits).hasSize(1);
        JsonNode limit = limits.get(0).get("limit");
        JsonNode recent = limits.get(0).get("recent");
        assertThat(limit.get("name").asText()).isEqualTo(LIMIT);
        assertThat(limit.get("rates").get(0).asText()).isEqualTo("60/1s");
        assertThat(limit.get("version").asLong()).isEqualTo(1);
        assertThat(limit.get("available").asLong()).isNotNegative();
        assertThat(recent.get("calls").asLong())
                .as("calls, the sandbox's count")
                .isEqualTo(truth.requests());
        assertThat(recent.get("http_429").asLong())
                .as("429s, the sandbox's count")
                .isEqualTo(truth.rateLimited());
        assertThat(recent.get("permits").asLong())
                .as("every call took a permit")
                .isGreaterThanOrEqualTo(truth.requests());
        assertThat(recent.get("permit_wait_ms").asDouble())
                .as("the limit and the 429s made calls wait")
                .isPositive();
        JsonNode breaker = out.json().get("breakers").get(0);
        assertThat(breaker.get("name").asText()).isEqualTo(LIMIT);
        assertThat(breaker.get("state").asText()).isEqualTo("closed");
    }

    @Test
    void the_series_rows_add_up_to_the_sandboxs_counts_second_by_second() {
        SluiceProcess.Result out = job.command("limits", "--json", "--series", "--window", "1h");

        JsonNode seconds = out.json().get("limits").get(0).get("seconds");
        long calls = 0;
        long rejected = 0;
        for (JsonNode s : seconds) {
            calls += s.get("calls").asLong();
            rejected += s.get("http_429").asLong();
        }
        assertThat(calls).isEqualTo(truth.requests());
        assertThat(rejected).isEqualTo(truth.rateLimited());
        assertThat(seconds.size()).as("one row per second the runs called in").isGreaterThan(2);
        Map<String, Object> rows = job.query("""
                        SELECT sum(calls)::bigint AS calls, sum(http_429)::bigint AS rejected
                        FROM sluice_limit_series WHERE limit_name = '%s'""".formatted(LIMIT)).getFirst();
        assertThat(rows).containsEntry("calls", truth.requests()).containsEntry("rejected", truth.rateLimited());
    }

    @Test
    void each_attempt_row_keeps_its_summarys_calls_429s_retries_and_wait() {
        SluiceProcess.Result out = job.command("attempts", "--json");

        List<JsonNode> attempts = new ArrayList<>();
        out.json().get("attempts").forEach(a -> {
            if (DAYS.contains(a.get("partition").asText())) {
                attempts.add(a);
            }
        });
        assertThat(attempts).hasSize(DAYS.size());
        long calls = 0;
        long rejected = 0;
        for (JsonNode a : attempts) {
            JsonNode summary =
                    runs.get(DAYS.indexOf(a.get("partition").asText())).json();
            assertThat(a.get("api_calls").asLong())
                    .isEqualTo(summary.get("api_calls").asLong());
            assertThat(a.get("http_429").asLong())
                    .isEqualTo(summary.get("http_429").asLong());
            assertThat(a.get("retries").asLong())
                    .isEqualTo(summary.get("retries").asLong());
            assertThat(a.get("permit_wait_ms").asLong())
                    .isEqualTo(summary.get("permit_wait_ms").asLong());
            calls += a.get("api_calls").asLong();
            rejected += a.get("http_429").asLong();
        }
        assertThat(calls).isEqualTo(truth.requests());
        assertThat(rejected).isEqualTo(truth.rateLimited());
    }

    @Test
    void limits_as_a_table_show_the_limit_and_its_breaker() {
        SluiceProcess.Result out = job.command("limits");

        assertThat(out.exit()).as(out.describe()).isZero();
        assertThat(out.stdout().get(0)).startsWith("LIMIT").contains("AVAILABLE", "CALLS", "429");
        assertThat(out.stdout().get(1).split("\\s+"))
                .startsWith(LIMIT, "60/1s", "1")
                .contains(String.valueOf(truth.requests()), String.valueOf(truth.rateLimited()));
        assertThat(String.join("\n", out.stdout())).contains("BREAKER").containsPattern(LIMIT + "\\s+closed");
    }

    @Test
    void a_bad_window_is_a_usage_error_that_says_what_to_fix() {
        SluiceProcess.Result out = job.command("limits", "--window", "forever");

        assertThat(out.exit()).as(out.describe()).isEqualTo(64);
        assertThat(out.json().get("message").asText()).contains("--window \"forever\"");
    }

    @Test
    void with_history_off_a_run_records_no_seconds_and_after_sigterm_the_last_seconds_are_written() throws Exception {
        long before = seriesCalls();
        long requests = job.sandbox().stats().requests();
        SluiceProcess.Result off =
                job.start("2026-11-05", Map.of("SLUICE_HISTORY", "off")).await(Duration.ofMinutes(3));
        assertThat(off.exit()).as(off.describe()).isZero();
        assertThat(job.sandbox().stats().requests()).isGreaterThan(requests);
        assertThat(seriesCalls()).as("nothing recorded with SLUICE_HISTORY=off").isEqualTo(before);

        // A slow limit keeps the run going, and a flush interval longer than the run leaves only the
        // write at exit to record its seconds.
        Path slow = job.spec().resolveSibling("slow-limit.yaml");
        Files.writeString(
                slow,
                Files.readString(job.spec())
                        .replace("{name: " + LIMIT + ", rates: [60/1s]}", "{name: slow-api, rates: [3/1s]}"));
        long sent = job.sandbox().stats().requests();
        SluiceProcess stopped = SluiceProcess.start(
                job.env("SLUICE_HISTORY_FLUSH", "10m"), "run", "--job", slow.toString(), "--partition", "2026-11-06");
        await().atMost(Duration.ofMinutes(1)).until(() -> job.sandbox().stats().requests() - sent >= 4);
        stopped.process().destroy(); // SIGTERM
        SluiceProcess.Result result = stopped.await(Duration.ofMinutes(1));

        assertThat(result.exit()).as(result.describe()).isEqualTo(75);
        long recorded = seriesCalls() - before;
        long received = job.sandbox().stats().requests() - sent;
        // A call counted just before the signal cut it off may never have reached the sandbox.
        assertThat(recorded)
                .as("calls recorded after SIGTERM, the sandbox's count")
                .isBetween(received, received + 1);
        assertThat(recorded).isEqualTo(result.json().get("api_calls").asLong());
    }

    private static long seriesCalls() {
        return ((Number) job.query("SELECT coalesce(sum(calls), 0)::bigint AS c FROM sluice_limit_series")
                        .getFirst()
                        .get("c"))
                .longValue();
    }
}
