package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.ratelimit.Rate;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.AdminProcess;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice serve} on a real port over real PostgreSQL, after real runs against the sandbox:
 * every endpoint answers with what the tables hold, every change needs the token (and changes
 * nothing without it), and running partitions observe each change.
 */
class AdminServerTest {
    static final String ADMIN_TOKEN = "admin-token-for-tests-42";
    static final String LIMIT = "admin-api";
    static final String DONE = "2026-11-01";
    private static JobFixture job;
    private static Path spec;
    private static AdminProcess admin;
    private static String jobName;

    @BeforeAll
    static void run_a_partition_and_serve() throws Exception {
        job = JobFixture.start(
                "admin",
                SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(400),
                20,
                "dead_letters: {max: 1000}\nlimits: [{name: " + LIMIT + ", rates: [20/1s]}]");
        // notes are required here, so the sandbox's null notes become dead letters
        spec = job.spec().resolveSibling("admin-strict.yaml");
        Files.writeString(
                spec,
                Files.readString(job.spec()).replace("note: {path: $.note}", "note: {path: $.note, required: true}"));
        jobName = "admin";
        SluiceProcess.Result run = run(DONE).await(Duration.ofMinutes(2));
        assertThat(run.exit()).as(run.describe()).isZero();
        job.database()
                .jdbi()
                .useHandle(h -> h.execute(
                        "UPDATE sluice_dead_letter SET payload = jsonb_set(payload, '{note}', to_jsonb('echoed "
                                + JobFixture.TOKEN + "'::text)) WHERE id = (SELECT min(id) FROM sluice_dead_letter)"));
        admin = AdminProcess.start(job.env("SLUICE_ADMIN_TOKEN", ADMIN_TOKEN));
    }

    @AfterAll
    static void close() {
        if (admin != null) {
            admin.close();
        }
        job.close();
    }

    private static SluiceProcess run(String partition) {
        Map<String, String> env = job.env();
        return SluiceProcess.start(env, "run", "--job", spec.toString(), "--partition", partition);
    }

    // ---- reads

    @Test
    void health_says_changes_need_the_token() {
        JsonNode health = admin.json("/health", null);
        assertThat(health.get("read_only").asBoolean()).isFalse();
        assertThat(health.get("mutations").asText()).contains("Bearer");
    }

    @Test
    void jobs_and_partitions_show_what_the_tables_hold() {
        JsonNode jobs = admin.json("/api/jobs", null);
        JsonNode mine = find(jobs, "job", jobName);
        long records = sum("SELECT sum(records) AS n FROM sluice_partition");
        assertThat(mine.get("records").asLong()).isEqualTo(records).isPositive();
        assertThat(mine.get("api_calls").asLong())
                .isGreaterThanOrEqualTo(job.sandbox().stats().partitionRequests(DONE));

        JsonNode done = admin.json("/api/jobs/admin/partitions?state=done", null);
        assertThat(find(done, "partition", DONE).get("watermark").isNull()).isFalse();
        assertThat(admin.json("/api/jobs/admin/partitions?state=failed", null))
                .noneMatch(p -> p.get("partition").asText().equals(DONE));
        assertThat(admin.json("/api/jobs/admin/partitions/" + DONE, null)
                        .get("state")
                        .asText())
                .isEqualTo("done");
        assertThat(admin.get("/api/jobs/admin/partitions?state=sleeping", null).statusCode())
                .isEqualTo(400);
        assertThat(admin.get("/api/jobs/admin/partitions/2031-01-01", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void attempts_dead_letters_limits_breakers_and_the_series_answer() {
        JsonNode attempts = admin.json("/api/jobs/admin/attempts?partition=" + DONE, null);
        assertThat(attempts.get(attempts.size() - 1).get("status").asText()).isEqualTo("done");

        JsonNode letters = admin.json("/api/jobs/admin/dead-letters?limit=500", null);
        long stored = (Long) job.query("SELECT count(*) AS n FROM sluice_dead_letter")
                .getFirst()
                .get("n");
        assertThat(letters).hasSize((int) stored).isNotEmpty();
        long oldest = letters.get(letters.size() - 1).get("id").asLong();
        JsonNode full = admin.json("/api/dead-letters/" + oldest, null);
        assertThat(full.get("payload").get("note").asText()).isEqualTo("echoed ****");

        JsonNode limit = find(admin.json("/api/limits", null), "name", LIMIT);
        Map<String, Object> row = job.query(
                        "SELECT config->'rates'->>0 AS rate, version FROM sluice_limit WHERE name = '" + LIMIT + "'")
                .getFirst();
        assertThat(limit.get("rates").get(0).asText()).isEqualTo(row.get("rate"));
        assertThat(limit.get("version").asLong()).isEqualTo(row.get("version"));
        double perSecond = Rate.parse(limit.get("rates").get(0).asText()).perSecond();
        assertThat(limit.has("available") && limit.has("observed_at"))
                .as("limits are read through LimitViews, the one reader of limits and breakers: " + limit)
                .isTrue();
        assertThat(find(admin.json("/api/breakers", null), "name", LIMIT)
                        .get("state")
                        .asText())
                .isEqualTo("closed");
        JsonNode points =
                admin.json("/api/limits/" + LIMIT + "/series?minutes=15", null).get("points");
        long recorded = sum("SELECT coalesce(sum(calls), 0) AS n FROM sluice_limit_series WHERE limit_name = '" + LIMIT
                + "' AND bucket_start >= now() - interval '15 minutes'");
        long served = 0;
        for (JsonNode p : points) {
            served += p.get("calls").asLong();
            assertThat(p.get("limit_per_second").asDouble()).isEqualTo(perSecond);
        }
        assertThat(served).as("the runners' own series").isEqualTo(recorded).isPositive();
        assertThat(admin.get("/api/limits/nope/series", null).statusCode()).isEqualTo(404);
    }

    @Test
    void no_response_carries_a_secret_of_the_spec() {
        List<String> bodies = new ArrayList<>();
        for (String path : readPaths()) {
            HttpResponse<String> response = admin.get(path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            bodies.add(response.body());
        }
        assertThat(job.query("SELECT payload::text AS p FROM sluice_dead_letter ORDER BY id LIMIT 1")
                        .getFirst()
                        .get("p")
                        .toString())
                .as("the table holds the token, so the server must mask it")
                .contains(JobFixture.TOKEN);
        assertThat(String.join("\n", bodies)).doesNotContain(JobFixture.TOKEN).doesNotContain(ADMIN_TOKEN);
    }

    @Test
    void every_documented_read_answers() {
        for (String path : readPaths()) {
            assertThat(admin.get(path, null).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void metrics_count_the_api_calls_the_sandbox_saw() {
        String metrics = admin.get("/metrics", null).body();
        long calls = sum("SELECT sum(api_calls) AS n FROM sluice_attempt");
        assertThat(metrics)
                .contains("# TYPE sluice_api_calls_total counter")
                .contains("sluice_api_calls_total{job=\"admin\"} " + calls)
                .contains("sluice_partitions{job=\"admin\",state=\"done\"}")
                .contains("sluice_limit_paused{limit=\"" + LIMIT + "\"}")
                .contains("sluice_breaker_open{breaker=\"" + LIMIT + "\"} 0");
    }

    /** Every GET path of the OpenAPI document, its parameters filled with real values. */
    private static List<String> readPaths() {
        JsonNode paths = admin.json("/openapi.json", null).get("paths");
        long letter = (Long) job.query("SELECT min(id) AS id FROM sluice_dead_letter")
                .getFirst()
                .get("id");
        List<String> out = new ArrayList<>();
        paths.properties().forEach(e -> {
            if (e.getValue().has("get")) {
                out.add(e.getKey()
                        .replace("{job}", jobName)
                        .replace("{partition}", DONE)
                        .replace("{name}", LIMIT)
                        .replace("{id}", String.valueOf(letter)));
            }
        });
        assertThat(out).hasSizeGreaterThan(10);
        return out;
    }

    // ---- the token

    @Test
    void every_change_without_the_token_or_with_a_wrong_one_is_refused_and_changes_nothing() {
        String before = snapshot();
        List<String[]> mutations = mutations();
        assertThat(mutations).hasSizeGreaterThanOrEqualTo(8);
        for (String[] m : mutations) {
            for (String token : new String[] {null, "wrong-" + ADMIN_TOKEN, ADMIN_TOKEN.substring(1)}) {
                HttpResponse<String> response = admin.send(m[0], m[1], token, m[2]);
                assertThat(response.statusCode())
                        .as(m[0] + " " + m[1] + " with " + token)
                        .isEqualTo(401);
                assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
            }
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    /** Every change the document lists, with a valid body: method, path, body. */
    private static List<String[]> mutations() {
        JsonNode paths = admin.json("/openapi.json", null).get("paths");
        List<String[]> out = new ArrayList<>();
        paths.properties()
                .forEach(e -> e.getValue().properties().forEach(op -> {
                    if (!op.getKey().equals("get")) {
                        String path = e.getKey()
                                .replace("{job}", jobName)
                                .replace("{partition}", DONE)
                                .replace("{name}", LIMIT);
                        String body = path.endsWith("/rates") ? "{\"rates\": [\"5/1s\"]}" : "{\"seconds\": 30}";
                        out.add(new String[] {op.getKey().toUpperCase(), path, body});
                    }
                }));
        return out;
    }

    private static String snapshot() {
        return job.query("""
                        SELECT (SELECT md5(string_agg(p::text, ',' ORDER BY partition_key)) FROM sluice_partition p)
                            || (SELECT md5(string_agg(a::text, ',' ORDER BY partition_key, epoch)) FROM sluice_attempt a)
                            || (SELECT md5(string_agg(d::text, ',' ORDER BY id)) FROM sluice_dead_letter d)
                            || (SELECT md5(string_agg(l::text, ',' ORDER BY name)) FROM sluice_limit l)
                            || (SELECT md5(string_agg(b::text, ',' ORDER BY name)) FROM sluice_breaker b) AS s""").getFirst().get("s").toString();
    }

    @Test
    void a_server_without_a_token_is_read_only_and_says_so() {
        try (AdminProcess readOnly = AdminProcess.start(job.env())) {
            JsonNode health = readOnly.json("/health", null);
            assertThat(health.get("read_only").asBoolean()).isTrue();
            assertThat(health.get("mutations").asText()).contains("no SLUICE_ADMIN_TOKEN");
            assertThat(readOnly.process().stderrSoFar()).contains("READ-ONLY");
            String before = snapshot();
            HttpResponse<String> refused =
                    readOnly.send("POST", "/api/limits/" + LIMIT + "/pause", ADMIN_TOKEN, "{\"seconds\": 30}");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("read-only");
            assertThat(snapshot()).isEqualTo(before);
            assertThat(readOnly.get("/api/jobs", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void protected_reads_need_the_token_too() {
        try (AdminProcess closed =
                AdminProcess.start(job.env("SLUICE_ADMIN_TOKEN", ADMIN_TOKEN, "SLUICE_ADMIN_PROTECT_READS", "true"))) {
            assertThat(closed.get("/api/jobs", null).statusCode()).isEqualTo(401);
            assertThat(closed.get("/metrics", "wrong").statusCode()).isEqualTo(401);
            assertThat(closed.get("/api/jobs", ADMIN_TOKEN).statusCode()).isEqualTo(200);
            assertThat(closed.get("/health", null).statusCode()).isEqualTo(200);
        }
    }

    // ---- changes, observed by running partitions

    @Test
    void a_reset_partition_is_reprocessed_by_its_next_run() {
        String partition = "2026-11-06";
        assertThat(run(partition).await(Duration.ofMinutes(2)).exit()).isZero();
        long before = job.sandbox().stats().partitionRequests(partition);
        SluiceProcess.Result noop = run(partition).await(Duration.ofMinutes(2));
        assertThat(job.sandbox().stats().partitionRequests(partition))
                .as("a done partition re-runs as a no-op")
                .isEqualTo(before);
        assertThat(noop.exit()).isZero();

        JsonNode reset = mutate("POST", "/api/jobs/admin/partitions/" + partition + "/reset", null);
        assertThat(reset.get("state").asText()).isEqualTo("pending");
        assertThat(reset.get("watermark").isNull()).isTrue();

        assertThat(run(partition).await(Duration.ofMinutes(2)).exit()).isZero();
        assertThat(job.sandbox().stats().partitionRequests(partition) - before)
                .as("every page fetched again")
                .isGreaterThanOrEqualTo(20);
    }

    @Test
    void a_paused_limit_makes_a_running_partition_wait() {
        mutate("PUT", "/api/limits/" + LIMIT + "/rates", "{\"rates\": [\"10/1s\"]}");
        String partition = "2026-11-02";
        SluiceProcess running = run(partition);
        await().atMost(Duration.ofSeconds(60)).until(() -> job.sandbox().stats().partitionRequests(partition) >= 3);

        JsonNode paused = mutate("POST", "/api/limits/" + LIMIT + "/pause", "{\"seconds\": 5, \"reason\": \"test\"}");
        Instant pausedAt = Instant.now();
        assertThat(paused.get("pause_reason").asText()).isEqualTo("paused by hand: test");
        // a permit already in hand may still go out within its short deadline; then nothing until the pause ends
        await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
        long held = job.sandbox().stats().partitionRequests(partition);
        await().during(Duration.ofMillis(2500))
                .atMost(Duration.ofMillis(3000))
                .until(() -> job.sandbox().stats().partitionRequests(partition) == held);
        assertThat(Duration.between(pausedAt, Instant.now())).isLessThan(Duration.ofSeconds(5));

        SluiceProcess.Result result = running.await(Duration.ofMinutes(2));
        assertThat(result.exit()).as(result.describe()).isZero();
        assertThat(job.sandbox().stats().partitionRequests(partition)).isGreaterThan(held);
    }

    @Test
    void a_changed_rate_reaches_a_running_partition() {
        JsonNode slow = mutate("PUT", "/api/limits/" + LIMIT + "/rates", "{\"rates\": [\"5/1s\"]}");
        long version = slow.get("version").asLong();
        assertThat(slow.get("rates").get(0).asText()).isEqualTo("5/1s");
        String partition = "2026-11-03";
        long startedAt = Instant.now().getEpochSecond();
        SluiceProcess running = run(partition);
        await().atMost(Duration.ofSeconds(60)).until(() -> job.sandbox().stats().partitionRequests(partition) >= 3);
        long changedAt = Instant.now().getEpochSecond();
        long peakBefore = peak(startedAt, changedAt);
        assertThat(peakBefore).as("at 5/1s").isLessThanOrEqualTo(5);

        JsonNode fast = mutate("PUT", "/api/limits/" + LIMIT + "/rates", "{\"rates\": [\"50/1s\"]}");
        assertThat(fast.get("version").asLong()).isEqualTo(version + 1);

        SluiceProcess.Result result = running.await(Duration.ofMinutes(2));
        assertThat(result.exit()).as(result.describe()).isZero();
        assertThat(peak(changedAt, Long.MAX_VALUE))
                .as("calls in the busiest second after the change: more than the old limit allowed")
                .isGreaterThan(5);
        assertThat(find(admin.json("/api/limits", null), "name", LIMIT)
                        .get("rates")
                        .get(0)
                        .asText())
                .as("a run of the same spec keeps the operator's rates")
                .isEqualTo("50/1s");
    }

    private static long peak(long fromSecond, long toSecond) {
        return job.sandbox().stats().admittedPerSecond().subMap(fromSecond, toSecond).values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
    }

    @Test
    void a_released_lease_fences_out_the_attempt_holding_it() {
        mutate("PUT", "/api/limits/" + LIMIT + "/rates", "{\"rates\": [\"5/1s\"]}");
        String partition = "2026-11-04";
        SluiceProcess running = run(partition);
        await().atMost(Duration.ofSeconds(60)).until(() -> job.sandbox().stats().partitionRequests(partition) >= 2);

        JsonNode released = mutate("POST", "/api/jobs/admin/partitions/" + partition + "/release", null);
        assertThat(released.get("lease_owner").isNull()).isTrue();
        assertThat(released.get("epoch").asLong()).isEqualTo(2);

        SluiceProcess.Result fenced = running.await(Duration.ofMinutes(2));
        assertThat(fenced.exit()).as(fenced.describe()).isNotZero();
        assertThat(job.query("SELECT status FROM sluice_attempt WHERE partition_key = '" + partition
                                + "' AND epoch = 1")
                        .getFirst()
                        .get("status"))
                .isEqualTo("lost");
        mutate("PUT", "/api/limits/" + LIMIT + "/rates", "{\"rates\": [\"50/1s\"]}");
        assertThat(run(partition).await(Duration.ofMinutes(2)).exit())
                .as("the next run resumes")
                .isZero();
    }

    @Test
    void an_opened_breaker_stops_runs_until_it_is_closed() {
        String partition = "2026-11-05";
        JsonNode open = mutate("POST", "/api/breakers/" + LIMIT + "/open", "{\"seconds\": 60}");
        try {
            assertThat(open.get("state").asText()).isEqualTo("open");
            SluiceProcess.Result stopped = run(partition).await(Duration.ofMinutes(2));
            assertThat(stopped.exit()).as(stopped.describe()).isEqualTo(75);
            assertThat(job.sandbox().stats().partitionRequests(partition)).isZero();
        } finally {
            assertThat(mutate("POST", "/api/breakers/" + LIMIT + "/close", null)
                            .get("state")
                            .asText())
                    .isEqualTo("closed");
        }
        assertThat(run(partition).await(Duration.ofMinutes(2)).exit()).isZero();
    }

    @Test
    void replaying_dead_letters_without_a_jobs_directory_says_how_to_start_the_server_for_it() {
        HttpResponse<String> response = admin.send("POST", "/api/jobs/admin/dead-letters/replay", ADMIN_TOKEN, null);
        assertThat(response.statusCode()).isEqualTo(501);
        assertThat(response.body()).contains("sluice serve --jobs DIR");
    }

    @Test
    void bad_changes_are_refused_with_what_to_send() {
        HttpResponse<String> badRate =
                admin.send("PUT", "/api/limits/" + LIMIT + "/rates", ADMIN_TOKEN, "{\"rates\": [\"fast\"]}");
        assertThat(badRate.statusCode()).isEqualTo(400);
        assertThat(badRate.body()).contains("fast").contains("50/1s");
        HttpResponse<String> noSeconds = admin.send("POST", "/api/limits/" + LIMIT + "/pause", ADMIN_TOKEN, "{}");
        assertThat(noSeconds.statusCode()).isEqualTo(400);
        assertThat(admin.send("POST", "/api/limits/nope/resume", ADMIN_TOKEN, null)
                        .statusCode())
                .isEqualTo(404);
    }

    private static long sum(String sql) {
        return ((Number) job.query(sql).getFirst().get("n")).longValue();
    }

    /** Each test starts from a fast, unpaused limit and a closed breaker, whatever the one before changed. */
    @BeforeEach
    void fast_unpaused_limit() {
        mutate("PUT", "/api/limits/" + LIMIT + "/rates", "{\"rates\": [\"50/1s\"]}");
        mutate("POST", "/api/limits/" + LIMIT + "/resume", null);
        mutate("POST", "/api/breakers/" + LIMIT + "/close", null);
    }

    private static JsonNode mutate(String method, String path, String body) {
        HttpResponse<String> response = admin.send(method, path, ADMIN_TOKEN, body);
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(200);
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (node.path(field).asText().equals(value)) {
                return node;
            }
        }
        throw new AssertionError("no " + field + " = " + value + " in " + array);
    }
}
