package dev.sluice.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.StreamJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's queue-input kill test: broker to API to sink exactly once across SIGKILLs. Real
 * {@code sluice run} processes consume 5 000 entries of a real Redis stream, POSTing each to the
 * sandbox at concurrency 16, and are killed with SIGKILL at random points (the sandbox applies an
 * effect before its latency elapses, so kills land between an applied effect and its answer), then
 * re-run until the stream is consumed.
 */
class RedisStreamKillTest {
    private static final int MESSAGES = 5000;
    private static final int CONCURRENCY = 16;
    private static final RecordsConfig API =
            RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofMillis(50), Duration.ofMillis(150)));

    @Test
    void killing_runs_anywhere_delivers_every_message_to_the_api_and_the_sink_exactly_once() {
        try (StreamJob job = StreamJob.start("stream_kill", API)) {
            List<String> ids = job.add(1, MESSAGES);
            Path spec = job.spec(CONCURRENCY, job.url(), "");
            // Done: exit 0 with nothing left in the stream (lag 0).
            KillLoop chaos = new KillLoop(
                    "RedisStreamKillTest",
                    job,
                    spec,
                    MESSAGES,
                    new Random(2027),
                    run -> run.exit() == 0 && run.json().path("lag").asLong(-1) == 0);

            chaos.killAtRandomPoints(32);
            SluiceProcess.Result last = chaos.finish();

            assertThat(chaos.kills).isGreaterThanOrEqualTo(30);
            RecordStats truth = job.sandbox().stats().records();
            assertThat(truth.recordsApplied()).as(chaos.log()).isEqualTo(MESSAGES);
            assertThat(truth.extraEffects()).as("effects applied twice").isZero();
            assertThat(truth.effectsApplied()).isEqualTo(MESSAGES);
            assertThat(truth.duplicateKeys())
                    .as("kills left calls in doubt, re-sent with their key")
                    .isPositive();
            assertThat(job.input().number("SELECT count(*) FROM stream_profiles"))
                    .as("one sink row per message")
                    .isEqualTo(MESSAGES);
            assertThat(job.input().number("SELECT count(DISTINCT customer_id) FROM stream_profiles"))
                    .isEqualTo(MESSAGES);
            assertThat(job.input().rows("SELECT entry_id FROM stream_profiles"))
                    .as("every message, none skipped")
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(job.ledgerStates()).as("nothing left pending or sent").isEqualTo(Map.of("done", (long)
                    MESSAGES));
            assertThat(job.input().number("SELECT count(*) FROM sluice_dead_letter"))
                    .isZero();
            assertThat(
                            job.input()
                                    .rows(
                                            "SELECT watermark->'source'->>'after' AS after, watermark->>'skip' AS skip FROM sluice_partition"))
                    .as("the watermark is the last message's id")
                    .containsExactly(ids.getLast() + " | 0");
            assertThat(last.json().get("lag").asLong()).isZero();
            System.out.println("RedisStreamKillTest: " + chaos.kills + " kills, " + truth.duplicateKeys()
                    + " in-doubt calls re-sent with their key, " + truth.requests() + " requests for " + MESSAGES
                    + " messages");
        }
    }
}
