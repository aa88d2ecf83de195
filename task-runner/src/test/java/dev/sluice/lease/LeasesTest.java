package dev.sluice.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.db.Database;
import dev.sluice.run.PageTransaction;
import dev.sluice.source.Page;
import dev.sluice.testing.TestPostgres;
import dev.sluice.watermark.WatermarkStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LeasesTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static Database db;
    private final Leases leases = new Leases(db.jdbi(), SHORT);
    private final PageTransaction pages = new PageTransaction(db.jdbi(), new WatermarkStore(SHORT), 0);

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("leases");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static AttemptInfo attempt(String owner) {
        return new AttemptInfo(owner, "dag", "run", 1, 0, "trace");
    }

    private Lease claim(String partition, String owner, Leases.Start start) {
        return ((Leases.Claim.Claimed) leases.claim("job", partition, start, attempt(owner))).lease();
    }

    /** Commits an empty page through the real page transaction, from the partition's current watermark. */
    private void commit(Lease lease, JsonNode watermark, boolean last) {
        JsonNode from =
                leases.read(lease.job(), lease.partition()).orElseThrow().watermark();
        pages.commit(lease, new Page(List.of(), watermark, last), from, null, "trace", () -> {});
    }

    private static JsonNode mark(int page) {
        return Json.MAPPER.createObjectNode().put("page", page);
    }

    @Test
    void a_live_lease_keeps_other_attempts_out() {
        Lease first = claim("held", "a", new Leases.Start.Resume());

        assertThat(first.epoch()).isEqualTo(1);
        assertThat(leases.claim("job", "held", new Leases.Start.Resume(), attempt("b")))
                .isInstanceOfSatisfying(
                        Leases.Claim.Held.class, h -> assertThat(h.owner()).isEqualTo("a"));
    }

    @Test
    void an_expired_lease_is_taken_over_with_a_higher_epoch_and_the_stale_attempt_is_fenced() {
        Lease stale = claim("takeover", "a", new Leases.Start.Resume());
        commit(stale, mark(1), false);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> leases.claim("job", "takeover", new Leases.Start.Resume(), attempt("b"))
                        instanceof Leases.Claim.Claimed);
        PartitionState now = leases.read("job", "takeover").orElseThrow();

        assertThat(now.epoch()).isEqualTo(2);
        assertThat(now.watermark()).isEqualTo(mark(1));
        assertThatThrownBy(() -> commit(stale, mark(2), false))
                .isInstanceOf(FencedException.class)
                .hasMessageContaining("epoch 2 now owns the partition");
        assertThat(leases.read("job", "takeover").orElseThrow().watermark()).isEqualTo(mark(1));
        assertThat(leases.heartbeat(stale)).isFalse();
    }

    @Test
    void a_takeover_resumes_from_the_committed_watermark() {
        Lease first = claim("resume", "a", new Leases.Start.Resume());
        commit(first, mark(3), false);
        leases.release(first, new Leases.Ending("retry_later", "pending", 75, "api down", 3));

        Lease second = claim("resume", "b", new Leases.Start.Resume());

        assertThat(second.watermark()).isEqualTo(mark(3));
        assertThat(second.epoch()).isEqualTo(2);
    }

    @Test
    void a_done_partition_is_not_claimed_unless_forced() {
        Lease first = claim("done", "a", new Leases.Start.Resume());
        commit(first, mark(9), true);
        leases.release(first, new Leases.Ending("done", "done", 0, null, 9));

        assertThat(leases.claim("job", "done", new Leases.Start.Resume(), attempt("b")))
                .isInstanceOf(Leases.Claim.AlreadyComplete.class);
        Lease forced = claim("done", "c", new Leases.Start.Force());
        assertThat(forced.watermark()).isNull();
        assertThat(leases.read("job", "done").orElseThrow()).satisfies(s -> {
            assertThat(s.state()).isEqualTo("running");
            assertThat(s.pages()).isZero();
        });
    }

    @Test
    void heartbeats_keep_a_lease_alive() {
        Lease lease = claim("beat", "a", new Leases.Start.Resume());

        for (int i = 0; i < 5; i++) {
            assertThat(leases.heartbeat(lease)).isTrue();
            assertThat(leases.claim("job", "beat", new Leases.Start.Resume(), attempt("b")))
                    .isInstanceOf(Leases.Claim.Held.class);
            sleep(SHORT.dividedBy(3));
        }
    }

    @Test
    void heartbeats_store_the_call_counts_so_far_and_the_end_stores_the_last_ones() {
        Lease lease = claim("counted", "a", new Leases.Start.Resume());

        assertThat(leases.heartbeat(lease, new AttemptCounts(12, 3, 4, 1500))).isTrue();
        assertThat(counts("counted", lease.epoch()))
                .as("what a SIGKILL right now would leave")
                .isEqualTo(List.of(12L, 3L, 4L, 1500L));

        leases.release(lease, new Leases.Ending("done", "done", 0, null, new AttemptCounts(20, 5, 6, 2500)));
        assertThat(counts("counted", lease.epoch())).isEqualTo(List.of(20L, 5L, 6L, 2500L));
    }

    @Test
    void a_fenced_attempts_heartbeat_changes_no_counts() {
        Lease stale = claim("fencedcounts", "a", new Leases.Start.Resume());
        leases.reset("job", "fencedcounts");

        assertThat(leases.heartbeat(stale, new AttemptCounts(99, 9, 9, 9))).isFalse();
        assertThat(counts("fencedcounts", stale.epoch())).isEqualTo(List.of(0L, 0L, 0L, 0L));
    }

    private static List<Long> counts(String partition, long epoch) {
        return db.jdbi()
                .withHandle(h -> h.createQuery("""
                        SELECT api_calls, http_429, retries, permit_wait_ms FROM sluice_attempt
                        WHERE job = 'job' AND partition_key = :p AND epoch = :e""")
                        .bind("p", partition)
                        .bind("e", epoch)
                        .map((rs, ctx) -> List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                        .one());
    }

    @Test
    void reset_forgets_the_watermark_and_fences_a_running_attempt() {
        Lease running = claim("reset", "a", new Leases.Start.Resume());
        commit(running, mark(4), false);

        leases.reset("job", "reset");

        assertThatThrownBy(() -> commit(running, mark(5), false)).isInstanceOf(FencedException.class);
        assertThat(leases.read("job", "reset").orElseThrow()).satisfies(s -> {
            assertThat(s.watermark()).isNull();
            assertThat(s.state()).isEqualTo("pending");
            assertThat(s.leaseOwner()).isNull();
        });
        assertThat(claim("reset", "b", new Leases.Start.Resume()).watermark()).isNull();
    }

    @Test
    void each_claim_records_an_attempt_with_its_airflow_context() {
        Lease lease = claim("history", "a", new Leases.Start.Resume());
        leases.release(lease, new Leases.Ending("done", "done", 0, null, 12));

        var row = db.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT owner, dag_id, run_id, try_number, status, exit_code, api_calls FROM sluice_attempt WHERE partition_key = 'history'")
                        .mapToMap()
                        .one());
        assertThat(row)
                .containsEntry("owner", "a")
                .containsEntry("dag_id", "dag")
                .containsEntry("try_number", 1)
                .containsEntry("status", "done")
                .containsEntry("exit_code", 0)
                .containsEntry("api_calls", 12L);
    }

    private static java.util.List<java.util.Map<String, Object>> attempts(String partition) {
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT epoch, status, message, finished_at IS NOT NULL AS finished, "
                                + "exit_code FROM sluice_attempt WHERE partition_key = :p ORDER BY epoch")
                        .bind("p", partition)
                        .mapToMap()
                        .list());
    }

    @Test
    void a_takeover_closes_the_attempt_it_supersedes_as_lost_in_the_same_transaction() {
        claim("lost", "host-a/1", new Leases.Start.Resume()); // then killed: it never releases

        await().atMost(Duration.ofSeconds(30))
                .until(() -> leases.claim("job", "lost", new Leases.Start.Resume(), attempt("host-b/2"))
                        instanceof Leases.Claim.Claimed);

        var attempts = attempts("lost");
        assertThat(attempts).extracting(a -> a.get("status")).containsExactly("lost", "running");
        assertThat(attempts.getFirst()).containsEntry("finished", true);
        assertThat((String) attempts.getFirst().get("message"))
                .startsWith("lost: its lease (host-a/1) expired at ")
                .contains("without a heartbeat; taken over at ")
                .endsWith("by host-b/2 (epoch 2)");
    }

    @Test
    void a_lost_attempt_that_ends_late_keeps_its_lost_status_and_records_its_exit() {
        Lease zombie = claim("zombie", "a", new Leases.Start.Resume());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> leases.claim("job", "zombie", new Leases.Start.Resume(), attempt("b"))
                        instanceof Leases.Claim.Claimed);

        leases.release(zombie, new Leases.Ending("retry_later", "pending", 75, "fenced out", 3));

        assertThat(attempts("zombie").getFirst())
                .containsEntry("status", "lost")
                .containsEntry("exit_code", 75)
                .satisfies(a -> assertThat((String) a.get("message")).startsWith("lost: "));
        assertThat(leases.read("job", "zombie").orElseThrow().state())
                .as("the late ending does not touch the partition the takeover owns")
                .isEqualTo("running");
    }

    @Test
    void a_reset_closes_the_running_attempt_as_lost() {
        claim("reset-lost", "a", new Leases.Start.Resume());

        leases.reset("job", "reset-lost");

        assertThat(attempts("reset-lost")).singleElement().satisfies(a -> {
            assertThat(a).containsEntry("status", "lost").containsEntry("finished", true);
            assertThat((String) a.get("message"))
                    .matches("lost: the partition was reset at \\S+Z while this " + "attempt held it");
        });
    }

    @Test
    void an_ending_with_text_postgresql_cannot_store_is_recorded_spelled_out() {
        Lease lease = claim("nul", "a", new Leases.Start.Resume());

        leases.release(lease, new Leases.Ending("failed", "failed", 70, "the API said \u0000 here", 1));

        assertThat(attempts("nul").getFirst()).containsEntry("message", "the API said \\u0000 here");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
