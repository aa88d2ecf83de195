package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.db.Database;
import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.RecordJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 §6: database connections per runner stay bounded, so N runners need at most N × the
 * bound. Counted on the server, in pg_stat_activity by the run's application_name
 * ({@code sluice <job>/<partition>}) every 10 ms, while the test holds the run's writes up so
 * that its threads want connections at once: a page run holds 2 (what the README promises page
 * jobs, whatever {@code SLUICE_DB_POOL_SIZE}), and a per-record run completes within the
 * smallest bound, 2.
 */
class ConnectionBoundTest {
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(10);

    /**
     * What the README promises a page job: 2 connections at most, whatever its pool. The test locks
     * the partition, limit and history tables for 2.5 s mid-run, so the page thread (its commit or
     * its permit) and the lease's heartbeat with the history flush (every 2 s and 100 ms, on one
     * thread) each wait on a connection at once; with a pool of 4 the run still holds exactly 2.
     */
    @Test
    void a_page_run_holds_two_connections_at_most_even_with_a_pool_of_4() {
        SandboxConfig api = SandboxConfig.defaults().withLimits("window:20/1s").withRecordsPerPartition(300);
        String spec = "limits: [{name: bound-api, rates: [20/1s]}]\nrunner: {lease_ttl: 6s}";
        try (JobFixture job = JobFixture.start("bound", api, 10, spec);
                Sampler sampler = new Sampler(job.database(), "sluice bound/2026-11-01")) {
            SluiceProcess run =
                    job.start("2026-11-01", Map.of("SLUICE_DB_POOL_SIZE", "2", "SLUICE_HISTORY_FLUSH", "100ms"));
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> !job.query("SELECT 1 FROM sluice_partition WHERE pages >= 5")
                            .isEmpty());
            job.database().jdbi().useTransaction(h -> {
                h.execute("LOCK TABLE sluice_partition, sluice_limit, sluice_limit_series IN EXCLUSIVE MODE");
                RecordJob.pause(Duration.ofMillis(2500)); // the hold-up itself, not a wait for a condition
            });
            SluiceProcess.Result result = run.await(Duration.ofMinutes(3));

            assertThat(result.exit()).as(result.describe()).isZero();
            assertThat(sampler.seenAtOnce())
                    .as("the sampler saw the run's connections")
                    .isPositive();
            assertThat(sampler.mostAtOnce())
                    .as("connections of the page run at once, SLUICE_DB_POOL_SIZE=4")
                    .isEqualTo(2);
            assertThat(job.tableRows("2026-11-01")).isEqualTo(job.expectedRows("2026-11-01"));
        }
    }

    /**
     * The smallest bound works for the busiest job shape: 16 calls in flight, and the ledger's
     * commits, the lease's heartbeat and the permit takes all held up for 2 s (the test locks their
     * tables); the run holds at most 2 connections and completes, every effect applied once.
     * (Checked by hand: with the bound ignored, a pool of 10, the run still held 2 here; the
     * runner's threads, not only the pool, keep it there. The pool is the backstop that
     * bench-scale saw holding at 3-4 of 4 under heavy load.)
     */
    @Test
    void a_per_record_run_at_concurrency_16_completes_within_a_pool_of_2_while_its_writes_are_held_up() {
        RecordsConfig api =
                RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofMillis(5), Duration.ofMillis(30)));
        try (RecordJob job = RecordJob.start("bound_records", 1500, api)) {
            Path spec = job.spec(16, "", "limits: [{name: bound-crm, rates: [100/1s]}]");
            Database db = job.input().database();
            try (Sampler sampler = new Sampler(db, "sluice enrich/" + RecordJob.PARTITION)) {
                SluiceProcess run = job.input()
                        .start(
                                spec,
                                RecordJob.PARTITION,
                                "SHOP_API_TOKEN",
                                JobFixture.TOKEN,
                                "SLUICE_DB_POOL_SIZE",
                                "2");
                await().atMost(Duration.ofMinutes(2))
                        .until(() -> job.input().number("SELECT count(*) FROM sluice_call WHERE state = 'done'") >= 100
                                || !run.process().isAlive());
                assertThat(run.process().isAlive())
                        .as("the run is still going: %s", run.stderrSoFar())
                        .isTrue();
                db.jdbi().useTransaction(h -> {
                    // writes wait, reads go on: the ledger's commits, the heartbeat and the permit takes
                    h.execute("LOCK TABLE sluice_call, sluice_partition, sluice_limit IN EXCLUSIVE MODE");
                    RecordJob.pause(Duration.ofSeconds(2)); // the hold-up itself, not a wait for a condition
                });
                SluiceProcess.Result result = run.await(Duration.ofMinutes(3));

                assertThat(result.exit()).as(result.describe()).isZero();
                assertThat(sampler.seenAtOnce())
                        .as("the sampler saw the run's connections")
                        .isPositive();
                assertThat(sampler.mostAtOnce())
                        .as("connections of the run at once, SLUICE_DB_POOL_SIZE=2")
                        .isLessThanOrEqualTo(2);
            }
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", 1500L));
            var truth = job.sandbox().stats().records();
            assertThat(truth.recordsApplied()).as("records the API applied").isEqualTo(1500);
            assertThat(truth.extraEffects()).isZero();
        }
    }

    /** Counts, every {@link #SAMPLE_EVERY}, the server connections whose application_name is the run's. */
    private static final class Sampler implements AutoCloseable {
        private final AtomicInteger most = new AtomicInteger();
        private final AtomicInteger seen = new AtomicInteger();
        private final Thread thread;
        private volatile boolean stopping;

        Sampler(Database db, String application) {
            thread = Thread.ofPlatform()
                    .daemon()
                    .start(() -> db.jdbi().useHandle(h -> {
                        while (!stopping) {
                            int n = h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = :app")
                                    .bind("app", application)
                                    .mapTo(Integer.class)
                                    .one();
                            most.accumulateAndGet(n, Math::max);
                            if (n > 0) {
                                seen.incrementAndGet();
                            }
                            RecordJob.pause(SAMPLE_EVERY); // the sampling period, not a wait for a condition
                        }
                    }));
        }

        int mostAtOnce() {
            return most.get();
        }

        int seenAtOnce() {
            return seen.get();
        }

        @Override
        public void close() {
            stopping = true;
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
