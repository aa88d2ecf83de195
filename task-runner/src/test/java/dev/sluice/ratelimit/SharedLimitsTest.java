package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Sleeper;
import dev.sluice.db.Database;
import dev.sluice.ratelimit.internal.LimitRows;
import dev.sluice.ratelimit.internal.LocalBatch;
import dev.sluice.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
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

    /** When a permit was asked for and when {@code acquire} returned: it was granted in between. */
    private record Bracket(long asked, long returned) {}

    /** Permits taken by {@code threads} workers, each with its own proxy, as separate processes would. */
    private static List<Bracket> permitTimes(LimitConfig config, int threads, int each) throws Exception {
        List<Bracket> times = Collections.synchronizedList(new ArrayList<>());
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                SharedLimits limits = open(config);
                pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        long asked = System.nanoTime();
                        limits.acquire();
                        times.add(new Bracket(asked, System.nanoTime()));
                    }
                    return null;
                });
            }
        }
        return times;
    }

    /**
     * The most permits certainly granted within one window: those asked for and returned inside it.
     * Only a lower bound of the true count, so a loaded machine (a thread that runs late after its
     * permit) can never push it over the limit, while a limiter that lets too many through still can.
     */
    private static long busiestWindow(List<Bracket> times, Duration window) {
        long best = 0;
        for (Bracket start : times) {
            long from = start.asked();
            long inside = times.stream()
                    .filter(b -> b.asked() >= from && b.returned() < from + window.toNanos())
                    .count();
            best = Math.max(best, inside);
        }
        return best;
    }

    @Test
    void a_paced_rate_never_lets_more_than_n_through_in_any_window_even_from_many_takers() throws Exception {
        List<Bracket> times = permitTimes(paced("paced", "20/1s"), 6, 12);

        assertThat(busiestWindow(times, Duration.ofSeconds(1))).isLessThanOrEqualTo(20);
        long first = times.stream().mapToLong(Bracket::asked).min().orElseThrow();
        long last = times.stream().mapToLong(Bracket::returned).max().orElseThrow();
        // An upper bound only: how close to 20/s the takers get is a measurement (make bench-limiter).
        assertThat((times.size() - 1) / ((last - first) / 1e9))
                .as("permits per second")
                .isLessThanOrEqualTo(20.0);
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

    /**
     * A paced rate of 2/1s (one token, refilled in about a second) and a quota of 3 an hour: the
     * second call's permit is reserved a second ahead, usable for 20 ms, and the sleeper oversleeps
     * that wait by 300 ms, like a descheduled process. The late waker drops the permit and asks
     * again; its quota unit comes back in that same take, so the quota still serves exactly 3 calls
     * (without the hand-back: 2, and the third call finds the quota used up).
     */
    @Test
    void a_waker_late_for_its_reserved_permit_gets_its_quota_unit_back_and_the_quota_serves_exactly_its_amount() {
        awayFromTheHour();
        AtomicInteger oversleeps = new AtomicInteger(1);
        Sleeper late = d -> Thread.sleep(oversleeps.getAndDecrement() > 0 ? d.plusMillis(300) : d);
        LimitConfig config =
                new LimitConfig("late-waker", List.of("2/1s"), List.of("3/1h"), null, Duration.ofSeconds(10), null);
        SharedLimits limits =
                SharedLimits.open(db.jdbi(), db.dataSource(), List.of(config), "test", Clock.systemUTC(), late);

        for (int i = 0; i < 3; i++) {
            limits.acquire();
        }

        assertThat(oversleeps.get())
                .as("the second call's waker overslept its permit")
                .isLessThan(1);
        assertThatThrownBy(limits::acquire).as("never more than the quota").isInstanceOf(LimitExhaustedException.class);
    }

    /**
     * The hand-back itself, on {@code sluice_take_permits}: units dropped unused go back to a quota
     * only within the period they were granted in (a reset already refilled an earlier period's).
     */
    @Test
    void dropped_units_go_back_to_a_quota_only_within_the_period_of_their_grant() {
        awayFromTheHour();
        LimitConfig config =
                new LimitConfig("hand-back", List.of(), List.of("2/1h"), null, Duration.ofSeconds(1), null);
        open(config);
        LimitRows rows = new LimitRows(db.jdbi());
        LimitRows.Take first = take(rows, LocalBatch.Dropped.NONE);
        take(rows, LocalBatch.Dropped.NONE);

        LimitRows.Take usedUp = take(rows, LocalBatch.Dropped.NONE);
        LimitRows.Take lastHour =
                take(rows, new LocalBatch.Dropped(1, first.dbNow().minus(Duration.ofHours(1))));
        LimitRows.Take thisHour = take(rows, new LocalBatch.Dropped(1, first.dbNow()));
        LimitRows.Take after = take(rows, LocalBatch.Dropped.NONE);

        assertThat(first.took()).isTrue();
        assertThat(usedUp.took()).isFalse();
        assertThat(lastHour.took())
                .as("a unit of the last period: not handed back")
                .isFalse();
        assertThat(thisHour.granted())
                .as("the unit handed back, taken in the same statement")
                .containsExactly(1);
        assertThat(after.took()).isFalse();
    }

    private static LimitRows.Take take(LimitRows rows, LocalBatch.Dropped dropped) {
        return rows.take(List.of("hand-back"), new int[] {1}, new int[] {1}, List.of(dropped), Duration.ofSeconds(1));
    }

    /** Waits out the last 20 s of an hour, so that a test's 1 h quota does not reset under it. */
    private static void awayFromTheHour() {
        Instant nextHour = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Duration left = Duration.between(Instant.now(), nextHour);
        if (left.compareTo(Duration.ofSeconds(20)) < 0) {
            Awaitility.await()
                    .atMost(left.plusSeconds(5))
                    .until(() -> Instant.now().isAfter(nextHour));
        }
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

    /**
     * Under the old 2/1s (a bucket of one token refilled at 0.98/s), 12 permits take over 11 s; under
     * the new 40/1s about 0.3 s. Taking them in under 5.5 s proves the running process follows the
     * new limit, with room for a loaded machine (460 ms per permit) instead of a timing threshold.
     */
    @Test
    void a_changed_configuration_reaches_processes_already_running() throws Exception {
        SharedLimits running = open(paced("changing", "2/1s"));
        running.acquire();
        long slow = timeFor(running, 2);

        SharedLimits changed = open(paced("changing", "40/1s"));
        long fast = timeFor(running, 12);

        assertThat(changed.changedConfigurations()).singleElement().asString().contains("version 2");
        assertThat(Duration.ofNanos(slow)).as("2 permits at 2/1s").isGreaterThanOrEqualTo(Duration.ofMillis(1000));
        assertThat(Duration.ofNanos(fast))
                .as("12 permits after the change to 40/1s, against at least 5.5 s at 2/1s")
                .isLessThan(Duration.ofMillis(5500));
    }

    private static long timeFor(SharedLimits limits, int permits) {
        long started = System.nanoTime();
        for (int i = 0; i < permits; i++) {
            limits.acquire();
        }
        return System.nanoTime() - started;
    }
}
