package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.db.Database;
import dev.sluice.db.DatabaseConfigException;
import dev.sluice.testing.ManualClock;
import dev.sluice.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LimitHistoryTest {
    private static final HistorySettings FAST = new HistorySettings(true, Duration.ofMillis(100), Duration.ofHours(24));
    private static Database db;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("history");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void empty() {
        db.jdbi().useHandle(h -> h.execute("TRUNCATE sluice_limit_series"));
    }

    private static long sum(String column, String limit) {
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT coalesce(sum(" + column
                                + "), 0)::bigint FROM sluice_limit_series WHERE limit_name = :l")
                        .bind("l", limit)
                        .mapTo(Long.class)
                        .one());
    }

    @Test
    void processes_writing_the_same_seconds_add_up_and_nothing_is_lost_while_flushing() throws Exception {
        List<LimitHistory> processes = List.of(
                LimitHistory.start(db.jdbi(), FAST, Clock.systemUTC(), w -> {}),
                LimitHistory.start(db.jdbi(), FAST, Clock.systemUTC(), w -> {}));
        int threadsEach = 4;
        int callsEach = 20_000;
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> work = new ArrayList<>();
            for (LimitHistory process : processes) {
                LimitHistory.Recorder recorder = process.recorder(List.of("crm", "crm-daily"));
                for (int t = 0; t < threadsEach; t++) {
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < callsEach; i++) {
                            recorder.waited(2_000_000); // 2 ms
                            recorder.call();
                            if (i % 10 == 0) {
                                recorder.rateLimited();
                                recorder.permits("crm", 10);
                            }
                        }
                    }));
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        processes.forEach(LimitHistory::close);

        long calls = 2L * threadsEach * callsEach;
        assertThat(sum("calls", "crm")).isEqualTo(calls);
        assertThat(sum("calls", "crm-daily")).isEqualTo(calls);
        assertThat(sum("http_429", "crm")).isEqualTo(calls / 10);
        assertThat(sum("permits", "crm")).isEqualTo(calls);
        assertThat(sum("permits", "crm-daily"))
                .as("permits are counted per limit")
                .isZero();
        Map<String, Object> waits =
                db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT round(sum(permit_wait_ms))::bigint AS total, max(permit_wait_max_ms) AS longest
                        FROM sluice_limit_series WHERE limit_name = 'crm'""").mapToMap().one());
        assertThat(waits).containsEntry("total", calls * 2).containsEntry("longest", 2.0);
    }

    private static Map<Long, Long> callsPerSecond(String limit) {
        Map<Long, Long> out = new TreeMap<>();
        db.jdbi()
                .useHandle(h -> h.createQuery("""
                        SELECT extract(epoch FROM bucket_start)::bigint AS s, sum(calls)::bigint AS c
                        FROM sluice_limit_series WHERE limit_name = :l GROUP BY 1""")
                        .bind("l", limit)
                        .mapToMap()
                        .forEach(row ->
                                out.put(((Number) row.get("s")).longValue(), ((Number) row.get("c")).longValue())));
        return out;
    }

    @Test
    void counts_made_while_writes_run_are_each_written_once_in_their_own_second() throws Exception {
        ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        LimitHistory history = LimitHistory.start(db.jdbi(), FAST, clock, w -> {});
        LimitHistory.Recorder recorder = history.recorder(List.of("stepped"));
        Map<Long, Long> expected = new TreeMap<>();
        int threads = 4;
        int callsEach = 30_000;
        try (var pool = Executors.newFixedThreadPool(threads + 1)) {
            for (int second = 0; second < 8; second++) {
                var writing = new AtomicBoolean(true);
                Future<?> writer = pool.submit(() -> {
                    while (writing.get()) {
                        history.flush(); // besides the timer's writes, every 100 ms
                    }
                });
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < callsEach; i++) {
                            recorder.call();
                        }
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
                writing.set(false);
                writer.get();
                expected.put(clock.instant().getEpochSecond(), (long) threads * callsEach);
                clock.advance(Duration.ofSeconds(1));
                history.tick();
            }
        }
        history.close();

        assertThat(callsPerSecond("stepped")).isEqualTo(expected);
    }

    @Test
    void the_exit_writes_the_second_still_running() {
        HistorySettings rarely = new HistorySettings(true, Duration.ofMinutes(10), Duration.ofHours(24));
        ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        LimitHistory history = LimitHistory.start(db.jdbi(), rarely, clock, w -> {});
        LimitHistory.Recorder recorder = history.recorder(List.of("last"));
        recorder.call();
        recorder.call();

        history.close();

        assertThat(callsPerSecond("last")).isEqualTo(Map.of(clock.instant().getEpochSecond(), 2L));
    }

    @Test
    void the_timer_writes_while_the_process_runs_not_only_at_its_end() {
        try (LimitHistory history = LimitHistory.start(db.jdbi(), FAST, Clock.systemUTC(), w -> {})) {
            history.recorder(List.of("live")).call();

            await().atMost(Duration.ofSeconds(20)).until(() -> sum("calls", "live") == 1);
        }
        assertThat(sum("calls", "live")).as("the close wrote nothing twice").isEqualTo(1);
    }

    @Test
    void off_writes_nothing() {
        try (LimitHistory history = LimitHistory.start(
                db.jdbi(), HistorySettings.fromEnv(Map.of("SLUICE_HISTORY", "off")), Clock.systemUTC(), w -> {})) {
            history.recorder(List.of("quiet")).call();
            history.flush();
        }
        assertThat(sum("calls", "quiet")).isZero();
    }

    @Test
    void rows_older_than_the_retention_are_deleted_by_a_flush() {
        Instant old = Instant.now().minus(Duration.ofHours(2));
        db.jdbi()
                .useHandle(h -> h.createUpdate("""
                        INSERT INTO sluice_limit_series (limit_name, bucket_start, calls)
                        VALUES ('aged', :old, 5), ('aged', now(), 7)""")
                        .bind("old", old.atOffset(ZoneOffset.UTC))
                        .execute());
        HistorySettings hour = new HistorySettings(true, Duration.ofMinutes(1), Duration.ofHours(1));

        try (LimitHistory history = LimitHistory.start(db.jdbi(), hour, Clock.systemUTC(), w -> {})) {
            history.flush();
        }

        assertThat(sum("calls", "aged")).isEqualTo(7);
    }

    @Test
    void a_failed_write_keeps_the_counts_for_the_next_one() {
        List<String> warnings = new ArrayList<>();
        Database broken = TestPostgres.migratedDatabase("history_broken");
        LimitHistory history = LimitHistory.start(broken.jdbi(), FAST, Clock.systemUTC(), warnings::add);
        history.recorder(List.of("kept")).call();
        broken.jdbi().useHandle(h -> h.execute("ALTER TABLE sluice_limit_series RENAME TO away"));

        assertThatThrownBy(history::flush).hasMessageContaining("sluice_limit_series");
        broken.jdbi().useHandle(h -> h.execute("ALTER TABLE away RENAME TO sluice_limit_series"));
        history.close();

        Long written = broken.jdbi()
                .withHandle(h -> h.createQuery("SELECT sum(calls)::bigint FROM sluice_limit_series")
                        .mapTo(Long.class)
                        .one());
        assertThat(written).isEqualTo(1);
        broken.close();
    }

    @Test
    void bad_settings_are_configuration_errors_that_name_the_variable() {
        assertThatThrownBy(() -> HistorySettings.fromEnv(Map.of("SLUICE_HISTORY", "maybe")))
                .isInstanceOf(DatabaseConfigException.class)
                .hasMessageContaining("SLUICE_HISTORY = \"maybe\": expected on or off");
        assertThatThrownBy(() -> HistorySettings.fromEnv(Map.of("SLUICE_HISTORY_FLUSH", "soon")))
                .isInstanceOf(DatabaseConfigException.class)
                .hasMessageContaining("SLUICE_HISTORY_FLUSH = \"soon\"");
        assertThatThrownBy(() -> HistorySettings.fromEnv(Map.of("SLUICE_HISTORY_RETENTION", "10s")))
                .isInstanceOf(DatabaseConfigException.class)
                .hasMessageContaining("SLUICE_HISTORY_RETENTION must be at least 1m, not 10s");
        assertThat(HistorySettings.fromEnv(Map.of())).isEqualTo(HistorySettings.DEFAULTS);
    }
}
