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
            KillLoop chaos =
                    new KillLoop("RecordKillTest", job, spec, RECORDS, new Random(2026), run -> run.exit() == 0);

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
            KillLoop chaos = new KillLoop("RecordKillTest", job, spec, RECORDS, new Random(7), run -> run.exit() == 0);

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
}
