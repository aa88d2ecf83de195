package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Sleeper;
import dev.sluice.db.Database;
import dev.sluice.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SharedLimitsTest {
    private static Database db;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("limits");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static SharedLimits open(LimitConfig config) {
        return SharedLimits.open(
                db.jdbi(), db.dataSource(), List.of(config), "test", Clock.systemUTC(), Sleeper.SYSTEM);
    }

    private static LimitConfig paced(String name, String rate) {
        return new LimitConfig(name, List.of(rate), List.of(), null, Duration.ofSeconds(30), null);
    }

    /** Permits taken by {@code threads} workers, each with its own proxy, as separate processes would. */
    private static List<Long> permitTimes(LimitConfig config, int threads, int each) throws Exception {
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                SharedLimits limits = open(config);
                pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        limits.acquire();
                        times.add(System.nanoTime());
                    }
                    return null;
                });
            }
        }
        times.sort(null);
        return times;
    }

    private static int busiestWindow(List<Long> times, Duration window) {
        int best = 0;
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(j) >= window.toNanos()) {
                j++;
            }
            best = Math.max(best, i - j + 1);
        }
        return best;
    }

    @Test
    void a_paced_rate_never_lets_more_than_n_through_in_any_window_even_from_many_takers() throws Exception {
        List<Long> times = permitTimes(paced("paced", "20/1s"), 6, 12);

        assertThat(busiestWindow(times, Duration.ofSeconds(1))).isLessThanOrEqualTo(20);
        double seconds = (times.getLast() - times.getFirst()) / 1e9;
        assertThat((times.size() - 1) / seconds).as("permits per second").isBetween(17.0, 20.0);
    }

    @Test
    void a_used_up_quota_fails_fast_with_the_time_it_refills() {
        SharedLimits limits =
                open(new LimitConfig("quota", List.of(), List.of("3/1h"), null, Duration.ofSeconds(2), null));
        for (int i = 0; i < 3; i++) {
            limits.acquire();
        }
        Instant nextHour = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));

        assertThatThrownBy(limits::acquire)
                .isInstanceOfSatisfying(
                        LimitExhaustedException.class,
                        e -> assertThat(e.resumeAt()).isBetween(nextHour.minusSeconds(2), nextHour.plusSeconds(2)));
    }

    @Test
    void a_pause_holds_every_process_sharing_the_limit() {
        SharedLimits one = open(paced("paused", "1000/1s"));
        SharedLimits other = open(paced("paused", "1000/1s"));

        one.pause(Duration.ofMillis(1500), "test pause");
        long started = System.nanoTime();
        other.acquire();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    }

    @Test
    void a_pause_longer_than_max_wait_fails_with_its_end() {
        SharedLimits limits =
                open(new LimitConfig("long-pause", List.of("10/1s"), List.of(), null, Duration.ofSeconds(1), null));

        limits.pause(Duration.ofMinutes(5), "Retry-After 300s");

        assertThatThrownBy(limits::acquire).isInstanceOfSatisfying(LimitExhaustedException.class, e -> {
            assertThat(e.resumeAt()).isAfter(Instant.now().plus(Duration.ofMinutes(4)));
            assertThat(e.getMessage()).contains("Retry-After 300s");
        });
    }

    @Test
    void a_changed_configuration_reaches_processes_already_running() throws Exception {
        SharedLimits running = open(paced("changing", "4/1s"));
        running.acquire();
        long slow = timeFor(running, 6);

        SharedLimits changed = open(paced("changing", "40/1s"));
        long fast = timeFor(running, 6);

        assertThat(changed.changedConfigurations()).singleElement().asString().contains("version 2");
        assertThat(slow).isGreaterThan(fast * 4);
    }

    private static long timeFor(SharedLimits limits, int permits) {
        long started = System.nanoTime();
        for (int i = 0; i < permits; i++) {
            limits.acquire();
        }
        return System.nanoTime() - started;
    }
}
