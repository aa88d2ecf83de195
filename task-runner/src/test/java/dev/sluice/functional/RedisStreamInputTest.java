package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.IdSet;
import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.RecordJob;
import dev.sluice.testing.RedisServer;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.StreamJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code redis_stream} input against a real redis-server: each run consumes the stream up to
 * its last entry as of the run's start, stores the last consumed entry id as the watermark, and
 * reports the entries left after it (the lag); entries that cannot be read are dead letters in
 * their place; a Redis that is down is a temporary failure (75), a refused login and a bad spec are
 * configuration errors (78), and the password shows nowhere.
 */
class RedisStreamInputTest {
    private static final RecordsConfig API =
            RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofMillis(30), Duration.ofMillis(60)));

    @Test
    void each_run_consumes_to_the_end_as_of_its_start_and_reports_the_entries_added_since_as_lag() {
        try (StreamJob job = StreamJob.start("stream_lag", API)) {
            List<String> first = job.add(1, 300);
            Path spec = job.spec(4, job.url(), "");

            SluiceProcess running = job.start(spec);
            awaitCommitted(job, running);
            List<String> during = job.add(301, 340); // after the run's first read: the next run's
            SluiceProcess.Result one = running.await(Duration.ofMinutes(3));
            SluiceProcess.Result two = job.run(spec);
            SluiceProcess.Result three = job.run(spec);

            assertThat(one.exit()).as(one.describe()).isZero();
            assertThat(one.json().get("records").asLong()).isEqualTo(300);
            assertThat(one.json().get("lag").asLong())
                    .as("entries added during the run")
                    .isEqualTo(40);
            assertThat(afterId(one.json())).isEqualTo(first.getLast());
            assertThat(two.exit()).as(two.describe()).isZero();
            assertThat(two.json().get("records").asLong()).isEqualTo(40);
            assertThat(two.json().get("lag").asLong()).isZero();
            assertThat(afterId(two.json())).isEqualTo(during.getLast());
            assertThat(three.json().get("records").asLong())
                    .as("nothing new: nothing called")
                    .isZero();
            assertThat(three.json().get("lag").asLong()).isZero();
            assertThat(job.input().number("SELECT count(*) FROM stream_profiles"))
                    .isEqualTo(340);
            assertThat(job.input().number("SELECT count(DISTINCT customer_id) FROM stream_profiles"))
                    .isEqualTo(340);
            RecordStats truth = job.sandbox().stats().records();
            assertThat(truth.recordsApplied()).isEqualTo(340);
            assertThat(truth.effectsApplied()).isEqualTo(340);
            for (SluiceProcess.Result r : List.of(one, two, three)) {
                assertThat(String.join("\n", r.stdout()) + r.stderr()).doesNotContain(StreamJob.PASSWORD);
            }
        }
    }

    @Test
    void a_run_stopped_by_a_data_error_reports_the_entries_after_its_last_commit_as_lag() {
        try (StreamJob job = StreamJob.start(
                "stream_lag_down", RecordsConfig.DEFAULTS.withPoison(IdSet.parse("poison", "c00150")))) {
            job.add(1, 200);
            Path spec = job.spec(1, job.url(), "dead_letters: {max: 0}");

            SluiceProcess.Result stopped = job.run(spec);

            assertThat(stopped.exit()).as(stopped.describe()).isEqualTo(65);
            assertThat(stopped.json().get("lag").asLong())
                    .as("the entries after the last committed one")
                    .isEqualTo(200 - job.committed());
        }
    }

    @Test
    void as_a_pull_jobs_source_it_loads_the_entries_into_a_table_with_the_last_id_as_watermark() {
        try (StreamJob job = StreamJob.start("stream_pull", API)) {
            List<String> ids = job.add(1, 230);
            Path spec = job.input().write("pull.yaml", """
                    job: stream_pull
                    partitions: {type: list, values: [eu, us]}
                    source:
                      type: redis_stream
                      url: "%s"
                      stream: "customers:{partition}"
                      page_size: 100
                      json_fields: [customer]
                    sink:
                      type: postgres
                      table: stream_rows
                      key: [entry_id]
                      columns:
                        entry_id: {path: $.id}
                        customer_id: {path: $.fields.customer.id}
                        city: {path: $.fields.customer.address.city}
                    """.formatted(job.url()));

            SluiceProcess.Result run = job.run(spec);
            List<String> more = job.add(231, 240);
            SluiceProcess.Result again = job.run(spec);

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("records").asLong()).isEqualTo(230);
            assertThat(run.json().get("watermark").get("after").asText()).isEqualTo(ids.getLast());
            assertThat(run.json().get("lag").asLong()).isZero();
            assertThat(again.json().get("records").asLong()).isEqualTo(10);
            assertThat(again.json().get("watermark").get("after").asText()).isEqualTo(more.getLast());
            assertThat(job.input().number("SELECT count(DISTINCT customer_id) FROM stream_rows"))
                    .isEqualTo(240);
        }
    }

    @Test
    void entries_that_are_not_json_are_dead_letters_in_their_place_and_nothing_is_skipped() {
        try (StreamJob job = StreamJob.start("stream_unreadable", API)) {
            job.add(1, 10);
            String notJson = job.addRaw(Map.of("customer", "{\"id\": \"c09999\", broken"));
            job.add(11, 20);
            String missing = job.addRaw(Map.of("source", "shop"));
            List<String> tail = job.add(21, 25);
            Path spec = job.spec(4, job.url(), "dead_letters: {max: 5}");

            SluiceProcess.Result run = job.run(spec);

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("records").asLong()).isEqualTo(25);
            assertThat(run.json().get("dead_letters").asLong()).isEqualTo(2);
            assertThat(afterId(run.json())).isEqualTo(tail.getLast());
            assertThat(job.input().rows("SELECT record_key FROM sluice_dead_letter ORDER BY id"))
                    .containsExactly(notJson, missing);
            assertThat(job.input().rows("SELECT error FROM sluice_dead_letter ORDER BY id"))
                    .satisfiesExactly(
                            e -> assertThat(e).contains("entry " + notJson + ": field customer is not valid JSON"),
                            e -> assertThat(e).contains("entry " + missing + ": has no field customer"));
            assertThat(job.input().number("SELECT count(*) FROM stream_profiles"))
                    .isEqualTo(25);
        }
    }

    @Test
    void an_unreachable_redis_exits_75_naming_the_server_and_never_the_password() {
        try (StreamJob job = StreamJob.start("stream_down", API)) {
            int nothing = RedisServer.freePort();
            Path spec = job.spec(4, "redis://:${REDIS_PASSWORD}@127.0.0.1:" + nothing + "/0", "");

            SluiceProcess.Result run = job.run(spec);

            assertThat(run.exit()).as(run.describe()).isEqualTo(75);
            assertThat(run.json().get("status").asText()).isEqualTo("retry_later");
            assertThat(run.json().get("message").asText())
                    .contains("Redis at redis://127.0.0.1:" + nothing + "/0 cannot be read")
                    .contains("customers:eu");
            assertThat(String.join("\n", run.stdout()) + run.stderr()).doesNotContain(StreamJob.PASSWORD);
            assertThat(job.input().number("SELECT count(*) FROM sluice_call")).isZero();
        }
    }

    @Test
    void a_refused_login_exits_78_and_the_wrong_password_shows_nowhere() {
        try (StreamJob job = StreamJob.start("stream_login", API)) {
            job.add(1, 5);
            Path spec = job.spec(
                    4, "redis://:${REDIS_PASSWORD}@127.0.0.1:" + job.redis().port() + "/0", "");
            String wrong = "not-the-password-4b1d";

            SluiceProcess.Result run =
                    job.input().run(spec, StreamJob.PARTITION, "SHOP_API_TOKEN", "t", "REDIS_PASSWORD", wrong);

            assertThat(run.exit()).as(run.describe()).isEqualTo(78);
            assertThat(run.json().get("message").asText())
                    .contains("input.url (" + spec + ":5)")
                    .contains("refused")
                    .contains("check the user and password");
            assertThat(String.join("\n", run.stdout()) + run.stderr())
                    .doesNotContain(wrong)
                    .doesNotContain(StreamJob.PASSWORD);
            assertThat(job.sandbox().stats().records().requests()).isZero();
        }
    }

    @Test
    void validate_refuses_a_bad_stream_input_with_78_naming_each_field() {
        try (StreamJob job = StreamJob.start("stream_spec", API)) {
            Path spec = job.input().write("bad.yaml", """
                    job: stream_bad
                    partitions: {type: list, values: [eu, us]}
                    input:
                      type: redis_stream
                      url: "http://:${REDIS_PASSWORD}@127.0.0.1:6379/0"
                      stream: "customers:{partition.region}"
                      page_size: 0
                      timeout: 0s
                      json_fields: [customer, customer]
                    call:
                      method: POST
                      url: https://api.example.com/v1/customers/{record.id}
                      body: {entry: "{record.fields}"}
                    sink: {type: postgres, table: out, key: [id], columns: {id: {path: $.record.id}}}
                    """);
            Path noUrl = job.input().write("nourl.yaml", """
                    job: stream_bad
                    partitions: {type: list, values: [eu, us]}
                    input: {type: redis_stream, stream: "customers:{partition}"}
                    call: {method: GET, url: "https://api.example.com/v1/customers/{record.id}"}
                    sink: {type: postgres, table: out, key: [id], columns: {id: {path: $.record.id}}}
                    """);

            SluiceProcess.Result bad = SluiceProcess.run(
                    job.input().env("REDIS_PASSWORD", StreamJob.PASSWORD), "validate", "--job", spec.toString());
            SluiceProcess.Result missing = job.input().command("validate", "--job", noUrl.toString());

            assertThat(bad.exit()).as(bad.describe()).isEqualTo(78);
            assertThat(bad.json().get("message").asText())
                    .contains("input.url (" + spec + ":5): must start with redis:// or rediss://")
                    .contains("input.stream = \"customers:{partition.region}\" (" + spec + ":6): {partition.region} is "
                            + "not a variable of this job's partitions")
                    .contains("input.page_size = \"0\" (" + spec + ":7): must be from 1 to 10000")
                    .contains("input.timeout = \"0s\" (" + spec + ":8): must be more than 0s")
                    .contains("input.json_fields[1]")
                    .contains("is listed twice")
                    .doesNotContain(StreamJob.PASSWORD);
            assertThat(missing.exit()).as(missing.describe()).isEqualTo(78);
            assertThat(missing.json().get("message").asText())
                    .contains("input.url")
                    .contains("is required");
            assertThat(job.input().number("SELECT count(*) FROM sluice_partition"))
                    .isZero();
        }
    }

    private static String afterId(JsonNode summary) {
        JsonNode watermark = summary.get("watermark");
        assertThat(watermark.get("skip").asInt())
                .as("the watermark is an entry id itself")
                .isZero();
        return watermark.get("source").get("after").asText();
    }

    private static void awaitCommitted(StreamJob job, SluiceProcess running) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (job.committed() == 0) {
            assertThat(running.process().isAlive())
                    .as("the run ended before its first commit: %s", running.stderrSoFar())
                    .isTrue();
            assertThat(System.nanoTime()).as("no commit in 2 minutes").isLessThan(deadline);
            RecordJob.pause(Duration.ofMillis(5));
        }
    }
}
