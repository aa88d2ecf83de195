package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.StreamJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The {@code redis_stream} input's size bound holds on the wire, against a real redis-server: an
 * entry over {@code max_entry_bytes} is never sent to the runner (a runner whose heap could not
 * hold it reads past it), it becomes a dead letter with its id and size only, and the watermark
 * moves past it; a Redis that refuses the read script stops the run with 78, saying what to grant.
 */
class RedisStreamBoundTest {
    /** Far more than the runner's heap in the test below: reading it whole fails. */
    private static final int HUGE = 64 << 20;

    @Test
    void an_entry_over_max_entry_bytes_is_a_dead_letter_with_its_id_and_size_and_never_crosses_the_wire() {
        try (StreamJob job = StreamJob.start("stream_huge_entry", RecordsConfig.DEFAULTS)) {
            List<String> ids = new ArrayList<>(job.add(1, 30));
            String value = "{\"id\": \"c09999\", \"blob\": \"" + "x".repeat(HUGE) + "\"}";
            String huge = job.addRaw(Map.of("customer", value));
            long bytes = "customer".length() + value.length();
            ids.addAll(job.add(31, 60));
            // measuring the entry costs the server a copy of it (1-1.5 s at load 12 on 2 cores;
            // XRANGE sending it whole took 2.5-3 s): a timeout that covers it
            Path spec = job.input()
                    .write(
                            "huge.yaml",
                            read(job.spec(4, job.url(), "dead_letters: {max: 1}"))
                                    .replace("timeout: 2s", "timeout: 20s"));

            SluiceProcess.Result run =
                    job.input().run(spec, StreamJob.PARTITION, with(job.env(), "SLUICE_JAVA_OPTS", "-Xmx40m"));
            SluiceProcess.Result again = job.run(spec);

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("records").asLong()).isEqualTo(60);
            assertThat(run.json().get("dead_letters").asLong()).isEqualTo(1);
            assertThat(run.json().get("watermark").get("source").get("after").asText())
                    .isEqualTo(ids.getLast());
            assertThat(job.input().rows("SELECT record_key FROM sluice_dead_letter"))
                    .containsExactly(huge);
            assertThat(job.input().rows("SELECT error FROM sluice_dead_letter"))
                    .singleElement()
                    .asString()
                    .contains("entry " + huge + ": its fields hold " + bytes + " bytes")
                    .contains("more than input.max_entry_bytes = 1048576");
            assertThat(job.input().rows("SELECT payload::text FROM sluice_dead_letter"))
                    .containsExactly("{\"id\": \"" + huge + "\", \"bytes\": " + bytes + "}");
            // stream ids in stream order: text order puts 5-10 before 5-2 when 11 entries share a millisecond
            assertThat(job.input()
                            .rows("SELECT entry_id FROM stream_profiles ORDER BY split_part(entry_id, '-', 1)::bigint,"
                                    + " split_part(entry_id, '-', 2)::bigint"))
                    .containsExactlyElementsOf(ids);
            RecordStats truth = job.sandbox().stats().records();
            assertThat(truth.recordsApplied())
                    .as("every other entry called once")
                    .isEqualTo(60);
            assertThat(truth.effectsApplied()).isEqualTo(60);
            assertThat(again.exit()).as(again.describe()).isZero();
            assertThat(again.json().get("records").asLong())
                    .as("the watermark is past the dead letter")
                    .isZero();
            assertThat(job.input().number("SELECT count(*) FROM sluice_dead_letter"))
                    .isEqualTo(1);
        }
    }

    @Test
    void a_redis_that_refuses_the_read_script_exits_78_saying_what_to_grant_and_the_documented_grants_suffice() {
        try (StreamJob job = StreamJob.start("stream_no_scripts", RecordsConfig.DEFAULTS)) {
            List<String> ids = job.add(1, 5);
            try (Jedis admin = job.redis().client()) {
                admin.aclSetUser(
                        "plain", "on", ">" + StreamJob.PASSWORD, "~*", "+xrange", "+xrevrange", "+xinfo", "+xlen");
                admin.aclSetUser(
                        "reader",
                        "on",
                        ">" + StreamJob.PASSWORD,
                        "~*",
                        "+evalsha",
                        "+eval",
                        "+xrange",
                        "+xrevrange",
                        "+xlen");
            }
            String at = "@127.0.0.1:" + job.redis().port() + "/0";
            Path refused = job.spec(4, "redis://plain:${REDIS_PASSWORD}" + at, "");

            SluiceProcess.Result noScripts = job.run(refused);
            SluiceProcess.Result granted = job.run(job.spec(4, "redis://reader:${REDIS_PASSWORD}" + at, ""));

            assertThat(noScripts.exit()).as(noScripts.describe()).isEqualTo(78);
            assertThat(noScripts.json().get("message").asText())
                    .contains("input.url (" + refused + ":5)")
                    .contains("no permissions to run the 'evalsha' command")
                    .contains("+evalsha +eval +xrange +xrevrange +xlen")
                    .doesNotContain(StreamJob.PASSWORD);
            assertThat(granted.exit()).as(granted.describe()).isZero();
            assertThat(granted.json().get("records").asLong()).isEqualTo(5);
            assertThat(granted.json()
                            .get("watermark")
                            .get("source")
                            .get("after")
                            .asText())
                    .isEqualTo(ids.getLast());
            assertThat(granted.json().get("lag").asLong()).isZero();
        }
    }

    @Test
    void validate_refuses_a_max_entry_bytes_out_of_bounds() {
        try (StreamJob job = StreamJob.start("stream_cap_spec", RecordsConfig.DEFAULTS)) {
            Path spec = job.spec(4, job.url(), "");
            Path small = job.input().write("small.yaml", read(spec).replace("page_size: 100", "max_entry_bytes: 100"));

            SluiceProcess.Result bad = SluiceProcess.run(
                    job.input().env("REDIS_PASSWORD", StreamJob.PASSWORD), "validate", "--job", small.toString());

            assertThat(bad.exit()).as(bad.describe()).isEqualTo(78);
            assertThat(bad.json().get("message").asText())
                    .contains("input.max_entry_bytes = \"100\" (" + small + ":7): must be from 1024 to 67108864");
        }
    }

    private static String[] with(String[] env, String name, String value) {
        List<String> all = new ArrayList<>(List.of(env));
        all.addAll(List.of(name, value));
        return all.toArray(String[]::new);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
