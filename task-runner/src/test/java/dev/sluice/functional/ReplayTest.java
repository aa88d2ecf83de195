package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.sandbox.IdSet;
import dev.sluice.sandbox.MalformedKind;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.AdminProcess;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.RecordJob;
import dev.sluice.testing.SluiceProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice replay} in real processes: poison and malformed records become dead letters, a
 * replay before the fix keeps them (with the new call's error and trace), and a replay after the
 * sandbox is fixed completes every record in the sink, applied once, with no dead letter left.
 */
class ReplayTest {
    private static final int RECORDS = 60;
    private static final String ADMIN_TOKEN = "replay-admin-t0ken";

    @Test
    void replay_after_the_api_is_fixed_completes_the_dead_letters_and_clears_them() {
        RecordsConfig api = RecordsConfig.DEFAULTS
                .withPoison(IdSet.parse("poison", RecordJob.id(7) + "," + RecordJob.id(13)))
                .withMalformed(IdSet.parse("malformed", RecordJob.id(20) + "," + RecordJob.id(30)))
                .withMalformedKind(MalformedKind.MIXED);
        try (RecordJob job = RecordJob.start("records_replay", RECORDS, api)) {
            Path spec = job.spec(4, "", "dead_letters: {max: 5}");
            SluiceProcess.Result run = job.run(spec);
            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(job.input().number("SELECT count(*) FROM sluice_dead_letter"))
                    .isEqualTo(4);
            long seven = job.input()
                    .number("SELECT id FROM sluice_dead_letter WHERE record_key = '" + RecordJob.id(7) + "'");

            SluiceProcess.Result tooEarly = replay(job, spec, "--ids", Long.toString(seven));

            assertThat(tooEarly.exit()).as(tooEarly.describe()).isEqualTo(65);
            assertThat(tooEarly.json().get("still_failing").toString()).isEqualTo("[" + seven + "]");
            assertThat(job.input()
                            .rows("SELECT status || ' ' || (trace_id = '"
                                    + tooEarly.json().get("trace_id").asText()
                                    + "') FROM sluice_dead_letter WHERE id = " + seven))
                    .as("the dead letter now holds the replayed call's answer and trace")
                    .containsExactly("422 true");
            assertThat(job.input().number("SELECT count(*) FROM sluice_dead_letter"))
                    .isEqualTo(4);

            job.sandbox().fixRecords();
            SluiceProcess.Result fixed = replay(job, spec, "--partition", RecordJob.PARTITION);

            assertThat(fixed.exit()).as(fixed.describe()).isZero();
            JsonNode summary = fixed.json();
            assertThat(summary.get("replayed").asInt()).isEqualTo(4);
            assertThat(summary.get("cleared").asInt()).isEqualTo(4);
            assertThat(job.input().number("SELECT count(*) FROM sluice_dead_letter"))
                    .isZero();
            assertThat(job.input().number("SELECT count(DISTINCT id) FROM customer_profiles WHERE segment IS NOT NULL"))
                    .isEqualTo(RECORDS);
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", (long) RECORDS));
            assertThat(job.input().rows("SELECT records || ' ' || dead_letters FROM sluice_partition"))
                    .containsExactly(RECORDS + " 0");
            var truth = job.sandbox().stats().records();
            assertThat(truth.recordsApplied()).isEqualTo(RECORDS);
            assertThat(truth.extraEffects())
                    .as("the malformed answers' effects were applied once: the replay reused their keys")
                    .isZero();
            assertThat(replay(job, spec).json().get("replayed").asInt())
                    .as("nothing left to replay")
                    .isZero();
        }
    }

    @Test
    void an_id_that_is_not_a_dead_letter_of_the_job_is_a_usage_error_before_any_call() {
        try (RecordJob job = RecordJob.start("records_replay_ids", 5, RecordsConfig.DEFAULTS)) {
            Path spec = job.spec(2, "", "");
            assertThat(job.run(spec).exit()).isZero();
            long before = job.sandbox().stats().requests();

            SluiceProcess.Result result = replay(job, spec, "--ids", "4242");

            assertThat(result.exit()).as(result.describe()).isEqualTo(64);
            assertThat(result.stderr()).contains("--ids [4242]: no such dead letter of job enrich");
            assertThat(job.sandbox().stats().requests()).isEqualTo(before);
        }
    }

    @Test
    void the_admin_servers_replay_route_finds_the_spec_in_its_jobs_directory_and_needs_the_token() {
        RecordsConfig api =
                RecordsConfig.DEFAULTS.withPoison(IdSet.parse("poison", RecordJob.id(7) + "," + RecordJob.id(13)));
        try (RecordJob job = RecordJob.start("records_replay_admin", 30, api)) {
            Path spec = job.spec(4, "", "dead_letters: {max: 5}");
            assertThat(job.run(spec).exit()).isZero();
            String letters = "SELECT count(*) FROM sluice_dead_letter";
            assertThat(job.input().number(letters)).isEqualTo(2);
            Map<String, String> env = job.input().env(job.env());
            env.put("SLUICE_ADMIN_TOKEN", ADMIN_TOKEN);
            env.put("SLUICE_JOBS_DIR", spec.getParent().toString());
            String route = "/api/jobs/enrich/dead-letters/replay";
            try (AdminProcess admin = AdminProcess.start(env)) {
                long requests = job.sandbox().stats().requests();
                assertThat(admin.send("POST", route, null, "{}").statusCode()).isEqualTo(401);
                assertThat(admin.send("POST", route, "wrong-token", "{}").statusCode())
                        .isEqualTo(401);
                assertThat(job.sandbox().stats().requests())
                        .as("no call without the token")
                        .isEqualTo(requests);
                assertThat(admin.send("POST", "/api/jobs/nosuchjob/dead-letters/replay", ADMIN_TOKEN, "{}")
                                .statusCode())
                        .isEqualTo(404);

                HttpResponse<String> early = admin.send("POST", route, ADMIN_TOKEN, "{}");
                assertThat(early.statusCode()).as(early.body()).isEqualTo(409);
                assertThat(json(early).get("still_failing").size()).isEqualTo(2);
                assertThat(job.input().number(letters)).isEqualTo(2);

                job.sandbox().fixRecords();
                HttpResponse<String> fixed =
                        admin.send("POST", route, ADMIN_TOKEN, "{\"partition\": \"" + RecordJob.PARTITION + "\"}");

                assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
                assertThat(json(fixed).get("cleared").asInt()).isEqualTo(2);
                assertThat(fixed.body()).doesNotContain(JobFixture.TOKEN);
            }
            assertThat(job.input().number(letters)).isZero();
            assertThat(job.input().number("SELECT count(DISTINCT id) FROM customer_profiles WHERE segment IS NOT NULL"))
                    .isEqualTo(30);
            assertThat(job.sandbox().stats().records().extraEffects()).isZero();
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static SluiceProcess.Result replay(RecordJob job, Path spec, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("replay", "--job", spec.toString()));
        args.addAll(List.of(options));
        return SluiceProcess.run(job.input().env(job.env()), args.toArray(String[]::new));
    }
}
