package dev.sluice.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.IdempotencyMode;
import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.RecordJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rule 8: per-record calls apply each record's effect at most once where the API honours
 * idempotency keys, and name every call in doubt where it does not. Real {@code sluice run}
 * processes of a 2 000-record POST job at concurrency 16 are killed with SIGKILL at random points
 * (the sandbox applies an effect before its latency elapses, so kills land between an applied
 * effect and its answer), then re-run until done.
 */
class RecordKillTest {
    private static final int RECORDS = 2000;
    private static final int CONCURRENCY = 16;
    // 50-150 ms answers: on a quiet machine 10-80 ms let the partition run far ahead of the kills
    // (4-8 kills instead of 30+); slower answers keep every kill inside the partition at any speed.
    private static final RecordsConfig API =
            RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofMillis(50), Duration.ofMillis(150)));

    @Test
    void killing_runs_anywhere_applies_every_effect_exactly_once_when_the_api_honours_keys() {
        try (RecordJob job = RecordJob.start("records_kill", RECORDS, API)) {
            Path spec = job.spec(CONCURRENCY, "", "");
            Chaos chaos = new Chaos(job, spec, new Random(2026));

            chaos.killAtRandomPoints(32);
            SluiceProcess.Result last = chaos.finish();

            assertThat(chaos.kills).isGreaterThanOrEqualTo(30);
            RecordStats truth = job.sandbox().stats().records();
            assertThat(truth.recordsApplied()).as(chaos.log()).isEqualTo(RECORDS);
            assertThat(truth.extraEffects()).as("effects applied twice").isZero();
            assertThat(truth.effectsApplied()).isEqualTo(RECORDS);
            assertThat(truth.duplicateKeys())
                    .as("in-doubt calls were re-sent with their key")
                    .isPositive();
            assertThat(job.input().number("SELECT count(*) FROM customer_profiles"))
                    .isEqualTo(RECORDS);
            assertThat(job.input().number("SELECT count(DISTINCT id) FROM customer_profiles"))
                    .isEqualTo(RECORDS);
            assertThat(job.ledgerStates()).as("nothing left pending or sent").isEqualTo(Map.of("done", (long) RECORDS));
            assertThat(job.input().number("SELECT count(*) FROM sluice_dead_letter"))
                    .isZero();
            assertThat(last.json().get("records").asLong()).isLessThanOrEqualTo(RECORDS);
        }
    }

    @Test
    void when_the_api_ignores_keys_every_effect_applied_twice_was_reported_in_doubt() {
        try (RecordJob job =
                RecordJob.start("records_kill_ignore", RECORDS, API.withIdempotency(IdempotencyMode.IGNORE))) {
            Path spec = job.spec(CONCURRENCY, "", "");
            Chaos chaos = new Chaos(job, spec, new Random(7));

            chaos.killAtRandomPoints(32);
            long unansweredBeforeLast =
                    job.input().number("SELECT count(*) FROM sluice_call WHERE state = 'sent' AND answer IS NULL");
            SluiceProcess.Result last = chaos.finish();

            assertThat(chaos.kills).isGreaterThanOrEqualTo(30);
            RecordStats truth = job.sandbox().stats().records();
            assertThat(truth.recordsApplied()).isEqualTo(RECORDS);
            assertThat(chaos.inFlightAtKills)
                    .as("calls in flight (sent, no answer) at each kill")
                    .allSatisfy(n -> assertThat(n).isBetween(0L, (long) CONCURRENCY));
            assertThat(truth.extraEffects())
                    .as("effects applied twice are at most the calls in flight at each kill " + chaos.inFlightAtKills)
                    .isLessThanOrEqualTo(chaos.inFlightAtKills.stream()
                            .mapToLong(Long::longValue)
                            .sum());
            Map<String, Long> doubted = new HashMap<>();
            job.input()
                    .database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT record_key, in_doubt FROM sluice_call WHERE in_doubt > 0")
                            .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                            .list())
                    .forEach(e -> doubted.put(e.getKey(), e.getValue()));
            List<String> twice = job.sandbox().recordsAppliedTwice(RECORDS);
            System.out.println("RecordKillTest (keys ignored): " + chaos.kills + " kills, " + truth.extraEffects()
                    + " effects applied twice, " + doubted.size() + " records reported in doubt; in flight at the"
                    + " kills: " + chaos.inFlightAtKills);
            assertThat(twice).as("the API did apply some calls twice").isNotEmpty();
            assertThat(doubted.keySet())
                    .as("every record applied twice was reported in doubt")
                    .containsAll(twice);
            for (String id : twice) {
                assertThat(job.sandbox().record(id).effects() - 1)
                        .as("extra effects of %s: each was a call found in doubt", id)
                        .isLessThanOrEqualTo(doubted.get(id));
            }
            // A last kill after the final commit leaves the partition complete: the last run then
            // says already_complete without an in_doubt count, and nothing may be left unanswered.
            assertThat(last.json().path("in_doubt").asLong(0))
                    .as("the last run's summary counts the calls it found in doubt")
                    .isEqualTo(unansweredBeforeLast);
            assertThat(job.input().number("SELECT count(*) FROM customer_profiles"))
                    .isEqualTo(RECORDS);
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", (long) RECORDS));
        }
    }

    /** Drives the attempts of the partition: kills and re-runs. */
    private static final class Chaos {
        private final RecordJob job;
        private final Path spec;
        private final Random random;
        private final List<String> log = new ArrayList<>();
        /** Per kill of an attempt that owned the partition: its calls sent and not answered. */
        final List<Long> inFlightAtKills = new ArrayList<>();

        private long countedEpoch;
        int kills;
        private int exitsWithoutKill;

        Chaos(RecordJob job, Path spec, Random random) {
            this.job = job;
            this.spec = spec;
            this.random = random;
        }

        /**
         * SIGKILL when the partition reaches a random number of committed records ahead of where it
         * is, plus a few random ms (landing while calls are in flight); two kills during start-up.
         * The targets leave room for overshoot, so the 30+ kills fit in the partition.
         */
        void killAtRandomPoints(int count) {
            int goal = kills + count;
            for (int i = 0; i < 2; i++) {
                SluiceProcess process = job.start(spec);
                RecordJob.pause(Duration.ofMillis(300 + random.nextInt(900)));
                kill(process, "during start-up");
            }
            while (kills < goal) {
                long left = RECORDS - job.committed();
                // Half an even share of what is left: a kill lands up to a commit batch (64 records or
                // 250 ms) past its target on a loaded machine, and the rest must last for every kill.
                long share = (left - 50) / (2L * (goal - kills));
                if (share < 1) {
                    // The partition ran ahead of the kills (a loaded machine commits in full batches):
                    // the remaining kills land at random moments of a run, mostly before its first commit.
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
                // Only completion (0) or a temporary stop (75, e.g. the killed attempt's lease not yet
                // expired) may end a run before its kill; anything else would repeat on every re-run.
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
            inFlightAtKills.add(inFlightOfLastEpoch());
            log.add("killed " + when + " with " + job.committed() + " committed");
        }

        /**
         * Calls the attempt just killed had marked sent and had no answer for: "sent" carries the
         * epoch of the attempt that sent it, and the killed attempt holds the partition's latest
         * epoch; one that died before claiming the partition had none in flight.
         */
        private long inFlightOfLastEpoch() {
            List<String> epoch = job.input().rows("SELECT epoch FROM sluice_partition");
            long latest = epoch.isEmpty() ? 0 : Long.parseLong(epoch.getFirst());
            if (latest == countedEpoch) {
                return 0;
            }
            countedEpoch = latest;
            return job.input()
                    .number("SELECT count(*) FROM sluice_call WHERE state = 'sent' AND answer IS NULL AND epoch = "
                            + latest);
        }

        /** Re-runs until the partition is done; returns the run that completed it. */
        SluiceProcess.Result finish() {
            for (int attempt = 0; attempt < 20; attempt++) {
                SluiceProcess.Result run = job.run(spec);
                if (run.exit() == 0) {
                    System.out.println("RecordKillTest: " + kills + " kills; " + log());
                    return run;
                }
                assertThat(run.exit()).as(run.describe()).isEqualTo(75);
            }
            throw new AssertionError("the partition never completed: " + log());
        }

        String log() {
            return String.join("; ", log);
        }
    }
}
