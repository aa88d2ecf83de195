package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Issue 10 §6: database connections per runner stay bounded by {@code SLUICE_DB_POOL_SIZE}, so N
 * runners need at most N × bound server connections (64 runners on a server's default
 * max_connections = 100 need a bound below 1.6). Counted on the server, in pg_stat_activity by the
 * run's application_name ({@code sluice <job>/<partition>}), while the run works: a connection
 * opened outside the pool, or a pool that ignores the setting, shows up there.
 */
class ConnectionBoundTest {
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(10);

    /**
     * A page run whose every helper is busy at once: a shared limit paced slowly, the lease's
     * heartbeat every second, the history flushed every 100 ms, beside the page transactions.
     */
    @Test
    void a_page_run_never_holds_more_connections_than_its_pool_size() {
        SandboxConfig api = SandboxConfig.defaults().withLimits("window:20/1s").withRecordsPerPartition(300);
        String spec = "limits: [{name: bound-api, rates: [20/1s]}]\nrunner: {lease_ttl: 3s}";
        try (JobFixture job = JobFixture.start("bound", api, 10, spec);
                Sampler sampler = new Sampler(job.database(), "sluice bound/2026-11-01")) {
            SluiceProcess.Result result = job.start(
                            "2026-11-01", Map.of("SLUICE_DB_POOL_SIZE", "2", "SLUICE_HISTORY_FLUSH", "100ms"))
                    .await(Duration.ofMinutes(3));

            assertThat(result.exit()).as(result.describe()).isZero();
            assertThat(sampler.seenAtOnce())
                    .as("the sampler saw the run's connections")
                    .isPositive();
            assertThat(sampler.mostAtOnce())
                    .as("connections of the run at once, SLUICE_DB_POOL_SIZE=2")
                    .isLessThanOrEqualTo(2);
            assertThat(job.tableRows("2026-11-01")).isEqualTo(job.expectedRows("2026-11-01"));
        }
    }

    /**
     * 16 calls in flight, each taking its permit and committing through the pool: demand far above
     * the bound waits for a connection rather than opening one, and the run still completes.
     */
    @Test
    void a_per_record_run_at_concurrency_16_stays_within_a_pool_of_2_and_completes() {
        RecordsConfig api =
                RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofMillis(5), Duration.ofMillis(30)));
        try (RecordJob job = RecordJob.start("bound_records", 400, api)) {
            Path spec = job.spec(16, "", "limits: [{name: bound-crm, rates: [400/1s]}]");
            Database db = job.input().database();
            try (Sampler sampler = new Sampler(db, "sluice enrich/" + RecordJob.PARTITION)) {
                SluiceProcess.Result result = job.input()
                        .start(
                                spec,
                                RecordJob.PARTITION,
                                "SHOP_API_TOKEN",
                                JobFixture.TOKEN,
                                "SLUICE_DB_POOL_SIZE",
                                "2")
                        .await(Duration.ofMinutes(3));

                assertThat(result.exit()).as(result.describe()).isZero();
                assertThat(sampler.seenAtOnce())
                        .as("the sampler saw the run's connections")
                        .isPositive();
                assertThat(sampler.mostAtOnce())
                        .as("connections of the run at once, SLUICE_DB_POOL_SIZE=2")
                        .isLessThanOrEqualTo(2);
            }
            assertThat(job.ledgerStates()).isEqualTo(Map.of("done", 400L));
            var truth = job.sandbox().stats().records();
            assertThat(truth.recordsApplied()).as("records the API applied").isEqualTo(400);
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
