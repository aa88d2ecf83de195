package dev.sluice.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.RecordJob;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.StreamJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
            Chaos chaos = new Chaos(job, spec, new Random(2027));

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
            assertThat(job.input().rows("SELECT entry_id FROM stream_profiles ORDER BY entry_id"))
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

    /** Drives the attempts of the partition: kills and re-runs (as in RecordKillTest). */
    private static final class Chaos {
        private final StreamJob job;
        private final Path spec;
        private final Random random;
        private final List<String> log = new ArrayList<>();
        int kills;
        private int exitsWithoutKill;

        Chaos(StreamJob job, Path spec, Random random) {
            this.job = job;
            this.spec = spec;
            this.random = random;
        }

        /**
         * SIGKILL when the partition reaches a random number of committed records ahead of where it
         * is, plus a few random ms (landing while calls are in flight); two kills during start-up.
         */
        void killAtRandomPoints(int count) {
            int goal = kills + count;
            for (int i = 0; i < 2; i++) {
                SluiceProcess process = job.start(spec);
                RecordJob.pause(Duration.ofMillis(300 + random.nextInt(900)));
                kill(process, "during start-up");
            }
            while (kills < goal) {
                long left = MESSAGES - job.committed();
                long share = (left - 50) / (2L * (goal - kills));
                if (share < 1) {
                    if (left == 0) {
                        break;
                    }
                    SluiceProcess process = job.start(spec);
                    RecordJob.pause(Duration.ofMillis(200 + random.nextInt(1000)));
                    kill(process, "at a random moment");
                    continue;
                }
                long target = job.committed() + 1 + random.nextInt((int) share);
                SluiceProcess process = job.start(spec);
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (process.process().isAlive() && job.committed() < target) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no progress to " + target + " records in 2 minutes; stderr:\n"
                                + process.stderrSoFar() + "\n" + log());
                    }
                    RecordJob.pause(Duration.ofMillis(2));
                }
                RecordJob.pause(Duration.ofMillis(random.nextInt(40)));
                kill(process, "at " + target + " records");
            }
        }

        private void kill(SluiceProcess process, String when) {
            if (!process.process().isAlive()) {
                SluiceProcess.Result result = process.await(Duration.ofSeconds(5));
                assertThat(result.exit()).as(result.describe()).isIn(0, 75);
                if (++exitsWithoutKill > 20) {
                    throw new AssertionError("20 runs in a row exited by themselves: " + log());
                }
                log.add("exited by itself before the kill " + when + ": " + result.exit());
                return;
            }
            exitsWithoutKill = 0;
            process.kill();
            kills++;
            log.add("killed " + when + " with " + job.committed() + " committed");
        }

        /** Re-runs until a run ends with nothing left (exit 0, lag 0); returns that run. */
        SluiceProcess.Result finish() {
            for (int attempt = 0; attempt < 20; attempt++) {
                SluiceProcess.Result run = job.run(spec);
                if (run.exit() == 0 && run.json().path("lag").asLong(-1) == 0) {
                    System.out.println("RedisStreamKillTest: " + kills + " kills; " + log());
                    return run;
                }
                assertThat(run.exit()).as(run.describe()).isIn(0, 75);
            }
            throw new AssertionError("the stream was never consumed: " + log());
        }

        String log() {
            return String.join("; ", log);
        }
    }
}
