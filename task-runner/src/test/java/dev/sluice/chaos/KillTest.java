package dev.sluice.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.Faults;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * Rule 2: a re-run after any crash point produces exactly the rows of a clean run. Real
 * {@code sluice run} processes are killed with SIGKILL at random points of a 300-page partition
 * (and halted at exact points: mid-transaction, right after commit), re-run each time until done.
 */
class KillTest {
    private static final String PARTITION = "2026-11-01";
    private static final int RECORDS = 3000;
    private static final int PAGE = 10;
    private static final String FAST_LEASES = "runner: {lease_ttl: 3s}";
    private static List<String> cleanRows;

    @Test
    void killing_a_run_anywhere_and_rerunning_gives_exactly_the_clean_runs_rows() {
        try (JobFixture job = JobFixture.start("kill", sandbox(Faults.NONE), PAGE, FAST_LEASES)) {
            Chaos chaos = new Chaos(job, new Random(2026));

            chaos.haltAtExactPoints();
            chaos.killAtRandomPoints(32);
            chaos.finish();

            assertThat(chaos.kills).isGreaterThanOrEqualTo(30);
            assertThat(job.tableRows(PARTITION)).isEqualTo(cleanRun()).isEqualTo(job.expectedRows(PARTITION));
            assertThat(job.query("SELECT count(DISTINCT _sluice_attempt) AS n FROM " + job.table())
                            .getFirst()
                            .get("n"))
                    .as("rows written by many attempts")
                    .asInstanceOf(InstanceOfAssertFactories.LONG)
                    .isGreaterThan(10L);
        }
    }

    @Test
    void killing_runs_while_the_api_fails_mid_page_still_gives_exactly_the_clean_runs_rows() {
        Faults faults = Faults.NONE.withErrorRate(0.03).withResetRate(0.03).withMalformedRate(0.03);
        try (JobFixture job = JobFixture.start("killfaults", sandbox(faults), PAGE, FAST_LEASES)) {
            Chaos chaos = new Chaos(job, new Random(7));

            chaos.killAtRandomPoints(30);
            chaos.finish();

            assertThat(chaos.kills).isGreaterThanOrEqualTo(30);
            assertThat(job.sandbox().stats().faults().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .as("the API did fail")
                    .isPositive();
            assertThat(job.tableRows(PARTITION)).isEqualTo(cleanRun());
        }
    }

    private static SandboxConfig sandbox(Faults faults) {
        return SandboxConfig.defaults()
                .withLimits(List.of())
                .withRecordsPerPartition(RECORDS)
                .withFaults(faults);
    }

    /**
     * The same partition, run once without interference in its own database. The sandbox's data
     * is fixed by its seed, so both tests compare with the rows of one clean run.
     */
    private static synchronized List<String> cleanRun() {
        if (cleanRows == null) {
            try (JobFixture clean = JobFixture.start("clean", sandbox(Faults.NONE), PAGE, FAST_LEASES)) {
                SluiceProcess.Result run = clean.run(PARTITION);
                assertThat(run.exit()).as(run.describe()).isZero();
                cleanRows = List.copyOf(clean.tableRows(PARTITION));
            }
        }
        return cleanRows;
    }

    /** Drives the attempts of one partition: kills, halts, re-runs. */
    private static final class Chaos {
        private final JobFixture job;
        private final Random random;
        int kills;
        final List<String> log = new ArrayList<>();

        Chaos(JobFixture job, Random random) {
            this.job = job;
            this.random = random;
        }

        /** SLUICE_CRASH_AT: halted before the transaction starts, inside it, and right after commit. */
        void haltAtExactPoints() {
            for (String point : List.of("after_read", "before_commit", "after_commit")) {
                for (int page : List.of(1, 3, 8)) {
                    long before = committedPages();
                    SluiceProcess.Result run = job.start(PARTITION, Map.of("SLUICE_CRASH_AT", point + ":" + page))
                            .await(Duration.ofMinutes(1));
                    assertThat(run.exit())
                            .as(point + ":" + page + "\n" + run.describe())
                            .isEqualTo(137);
                    long expected = before + (point.equals("after_commit") ? page : page - 1);
                    assertThat(committedPages())
                            .as("pages committed when halted " + point + " of page " + page)
                            .isEqualTo(expected);
                    kills++;
                }
            }
        }

        /**
         * SIGKILL when the partition reaches a random page count ahead of where it is, plus a few
         * random ms (landing mid-page or mid-transaction); three kills during start-up. Runs that
         * stop by themselves (exit 75 when the API fails) do not count.
         */
        void killAtRandomPoints(int count) {
            int goal = kills + count;
            for (int i = 0; i < 3; i++) {
                killAfter(Duration.ofMillis(150 + random.nextInt(700)));
            }
            while (kills < goal) {
                long left = RECORDS / PAGE - committedPages();
                if (left < 5) {
                    throw new AssertionError("the partition is almost done after only " + kills + " kills: " + log);
                }
                long target = committedPages() + 1 + random.nextInt((int) Math.max(1, (left - 5) / (goal - kills)));
                SluiceProcess process = job.start(PARTITION, Map.of());
                while (process.process().isAlive() && committedPages() < target) {
                    sleep(Duration.ofMillis(2));
                }
                sleep(Duration.ofMillis(random.nextInt(12)));
                kill(process, "at page " + target);
            }
        }

        private void killAfter(Duration delay) {
            SluiceProcess process = job.start(PARTITION, Map.of());
            sleep(delay);
            kill(process, "after " + delay.toMillis() + " ms");
        }

        private void kill(SluiceProcess process, String when) {
            if (!process.process().isAlive()) {
                log.add("exited by itself before the kill " + when + ": "
                        + process.await(Duration.ofSeconds(5)).exit());
                return;
            }
            process.kill();
            kills++;
            log.add("killed " + when + " with " + committedPages() + " pages committed");
        }

        /** Re-runs until the partition is done (runs may stop with 75 when the API fails). */
        void finish() {
            for (int attempt = 0; attempt < 50; attempt++) {
                SluiceProcess.Result run = job.run(PARTITION);
                if (run.exit() == 0) {
                    assertThat(run.json().get("status").asText()).isIn("done", "already_complete");
                    System.out.println("KillTest " + job.table() + ": " + kills + " kills; " + String.join("; ", log));
                    return;
                }
                assertThat(run.exit()).as(run.describe()).isEqualTo(75);
            }
            throw new AssertionError("the partition never completed");
        }

        private long committedPages() {
            var rows = job.query("SELECT pages FROM sluice_partition WHERE partition_key = '" + PARTITION + "'");
            return rows.isEmpty() ? 0 : (Long) rows.getFirst().get("pages");
        }

        private static void sleep(Duration d) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
