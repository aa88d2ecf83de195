package dev.sluice.functional;

import static dev.sluice.testing.HostileApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testing.HostileApi;
import dev.sluice.testing.HostileJob;
import dev.sluice.testing.SluiceProcess;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM (what Docker, Kubernetes and Airflow send to stop a task) ends a run within a bounded
 * time wherever it waits: for a permit, in a backoff, inside a stalled exchange, for another
 * attempt's lease. It exits 75 with a summary; its attempt is recorded and its lease released. When
 * the run cannot finish in order (its database does not answer), the grace deadline or a second
 * signal still ends the process with 75 and a summary. The SIGTERM-to-exit times are printed.
 */
class SigtermTest {
    /** Sanity bound only: the target is 10 s (Docker's default grace), measured, not asserted here. */
    private static final Duration SANITY = Duration.ofSeconds(45);

    private static final Map<String, Duration> TIMES = new ConcurrentHashMap<>();

    @AfterAll
    static void report() {
        TIMES.forEach((what, took) -> System.out.println("SIGTERM to exit, " + what + ": " + took.toMillis() + " ms"));
    }

    @Test
    void sigterm_while_waiting_for_a_permit_ends_the_run_with_75_and_the_attempt_recorded() {
        try (HostileApi api = pages();
                HostileJob job = HostileJob.create(
                        "term_permit",
                        "url: ${API}/items\npagination: {type: cursor}",
                        "limits: [{name: term-permit, rates: [\"2/1m\"]}]",
                        Map.of("API", api.origin()))) {
            SluiceProcess run = job.start();
            // the next permit is a minute away; the page's commit is seen a moment before the run asks
            // for that permit, and a SIGTERM in between stops at the page boundary instead
            await().atMost(SANITY).until(() -> pages(job) == 1);
            await().atMost(SANITY).until(() -> run.threadDump().contains("dev.sluice.ratelimit.SharedLimits.waitFor("));

            SluiceProcess.Result stopped = terminate(run, "waiting for a permit");

            assertStoppedInOrder(stopped, job, "interrupted while waiting for a permit");
            assertThat(api.requests()).hasSize(1);
        }
    }

    @Test
    void sigterm_in_a_backoff_ends_the_run_with_75_and_the_attempt_recorded() {
        try (HostileApi api = HostileApi.start().on("/items", json(503, "{}"));
                HostileJob job = HostileJob.create(
                        "term_backoff",
                        "url: ${API}/items",
                        "retry: {max_attempts: 3, initial_delay: 1m, max_delay: 1m}",
                        Map.of("API", api.origin()))) {
            SluiceProcess run = job.start();
            await().atMost(SANITY)
                    .until(() -> !job.query("SELECT 1 FROM sluice_breaker WHERE failures = 1")
                            .isEmpty()); // the 503 is counted: the minute's backoff begins

            SluiceProcess.Result stopped = terminate(run, "in a backoff");

            assertStoppedInOrder(stopped, job, "interrupted in the backoff before retrying GET " + api.origin());
            assertThat(api.requests()).hasSize(1);
        }
    }

    @Test
    void sigterm_inside_a_stalled_exchange_ends_the_run_with_75_and_the_attempt_recorded() {
        try (HostileApi api = HostileApi.start().on("/items", HostileApi.headersThenSilence());
                HostileJob job = HostileJob.create(
                        "term_stalled", "url: ${API}/items\ntimeout: 5m", "", Map.of("API", api.origin()))) {
            SluiceProcess run = job.start();
            await().atMost(SANITY).until(() -> api.requests().size() == 1);

            SluiceProcess.Result stopped = terminate(run, "inside a stalled exchange");

            assertStoppedInOrder(stopped, job, "interrupted while waiting for the answer to GET " + api.origin());
        }
    }

    @Test
    void sigterm_while_waiting_for_another_attempts_lease_ends_with_75_and_writes_nothing() {
        try (HostileApi api = pages();
                HostileJob job = HostileJob.create(
                        "term_lease", "url: ${API}/items", "runner: {lease_wait: 5m}", Map.of("API", api.origin()))) {
            job.query("INSERT INTO sluice_partition (job, partition_key, state, epoch, lease_owner, lease_expires_at)"
                    + " VALUES ('term_lease', '" + HostileJob.PARTITION + "', 'running', 1, '1@elsewhere/abcd1234',"
                    + " now() + interval '1 hour') RETURNING 1");
            SluiceProcess run = job.start();
            await().atMost(SANITY).until(() -> run.stderrSoFar().contains("is held by 1@elsewhere/abcd1234"));

            SluiceProcess.Result stopped = terminate(run, "waiting for a lease");

            assertThat(stopped.exit()).as(stopped.describe()).isEqualTo(75);
            assertThat(stopped.json().get("status").asText()).isEqualTo("retry_later");
            assertThat(stopped.json().get("message").asText())
                    .contains("stopped on request (SIGTERM) while waiting for the lease held by 1@elsewhere/abcd1234");
            assertThat(job.attempts()).as("it never claimed the partition").isEmpty();
            assertThat(job.partition()).containsEntry("lease_owner", "1@elsewhere/abcd1234");
            assertThat(api.requests()).isEmpty();
        }
    }

    @Test
    void when_the_run_cannot_stop_in_order_the_grace_deadline_ends_it_with_75_and_a_summary() throws Exception {
        try (HostileApi api = HostileApi.start().on("/items", HostileApi.headersThenSilence());
                HostileJob job = HostileJob.create(
                        "term_deadline", "url: ${API}/items\ntimeout: 5m", "", Map.of("API", api.origin()));
                Connection lock = job.database().dataSource().getConnection()) {
            SluiceProcess run = job.start();
            await().atMost(SANITY).until(() -> api.requests().size() == 1);
            holdPartitionRow(lock, job); // recording the attempt now waits for this lock

            SluiceProcess.Result stopped = terminate(run, "blocked database, grace deadline");

            assertThat(stopped.exit()).as(stopped.describe()).isEqualTo(75);
            assertThat(stopped.json().get("status").asText()).isEqualTo("retry_later");
            assertThat(stopped.json().get("message").asText())
                    .contains("the run did not stop within 8 s of SIGTERM", "the attempt may not be recorded");
            lock.rollback();
        }
    }

    @Test
    void a_second_sigterm_ends_a_run_that_cannot_stop_in_order_at_once_with_75() throws Exception {
        try (HostileApi api = HostileApi.start().on("/items", HostileApi.headersThenSilence());
                HostileJob job = HostileJob.create(
                        "term_twice", "url: ${API}/items\ntimeout: 5m", "", Map.of("API", api.origin()));
                Connection lock = job.database().dataSource().getConnection()) {
            SluiceProcess run = job.start();
            await().atMost(SANITY).until(() -> api.requests().size() == 1);
            holdPartitionRow(lock, job);
            run.process().destroy();
            await().atMost(SANITY)
                    .until(() -> !job.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                    + " AND query LIKE '%SET lease_owner = NULL%'")
                            .isEmpty()); // the run is stuck recording its attempt

            SluiceProcess.Result stopped = terminate(run, "second SIGTERM");

            assertThat(stopped.exit()).as(stopped.describe()).isEqualTo(75);
            assertThat(stopped.json().get("message").asText())
                    .contains("a second SIGTERM came while the run was stopping");
            lock.rollback();
        }
    }

    /** Endless cursor pages of one record each. */
    private static HostileApi pages() {
        return HostileApi.start().on("/items", request -> {
            int page = request.query() == null
                    ? 0
                    : Integer.parseInt(request.query().replace("cursor=", ""));
            return json("{\"data\":[{\"id\":\"p" + page + "\"}],\"next_cursor\":\"" + (page + 1) + "\"}");
        });
    }

    private static long pages(HostileJob job) {
        Object pages = job.partition().get("pages");
        return pages == null ? 0 : (Long) pages;
    }

    /** SIGTERM, then the exit: the time between them is recorded for the report. */
    private static SluiceProcess.Result terminate(SluiceProcess run, String what) {
        long sent = System.nanoTime();
        run.process().destroy();
        SluiceProcess.Result result = run.await(SANITY);
        TIMES.put(what, Duration.ofNanos(System.nanoTime() - sent));
        return result;
    }

    private static void holdPartitionRow(Connection lock, HostileJob job) throws SQLException {
        lock.setAutoCommit(false);
        try (Statement s = lock.createStatement()) {
            s.execute("SELECT 1 FROM sluice_partition WHERE job = '" + job.name() + "' FOR UPDATE");
        }
    }

    private static void assertStoppedInOrder(SluiceProcess.Result stopped, HostileJob job, String during) {
        assertThat(stopped.exit()).as(stopped.describe()).isEqualTo(75);
        JsonNode summary = stopped.json();
        assertThat(summary.get("status").asText()).isEqualTo("retry_later");
        assertThat(summary.get("exit_code").asInt()).isEqualTo(75);
        assertThat(summary.get("message").asText()).contains("stopped on request (SIGTERM) while", during);
        assertThat(job.attempts()).singleElement().satisfies(a -> {
            assertThat(a.get("status")).isEqualTo("retry_later");
            assertThat(a.get("exit_code")).isEqualTo(75);
            assertThat(a.get("finished_at")).isNotNull();
        });
        assertThat(job.partition()).containsEntry("lease_owner", null).containsEntry("state", "pending");
    }
}
