package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sleeper;
import dev.sluice.db.Database;
import dev.sluice.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 §6: permits taken in batches. Every permit's moment (when {@code acquire} let the call
 * through, after its last check) is recorded, and every sliding window starting at one of them is
 * counted: none may hold more than the rate's budget, across takers in separate connection pools
 * (as separate processes are).
 */
class BatchedPermitsTest {
    private static Database db;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("batches");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** What takers in several pools recorded. */
    private record Recorded(long[] permitted, long takes, long granted) {}

    private static Recorded takeFor(LimitConfig config, int pools, int threadsPerPool, Duration length)
            throws Exception {
        return takeFor(config, pools, threadsPerPool, length, Long.MAX_VALUE);
    }

    /**
     * Takes permits from {@code pools} connection pools (as many processes) for {@code length}, or
     * until {@code enough} permits were taken: a loaded machine takes longer to reach them, and a
     * test that needs full windows asks for a count, not a time.
     */
    private static Recorded takeFor(LimitConfig config, int pools, int threadsPerPool, Duration length, long enough)
            throws Exception {
        ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
        AtomicLong permitted = new AtomicLong();
        AtomicLong takes = new AtomicLong();
        AtomicLong granted = new AtomicLong();
        SharedLimits.PermitEvents events = new SharedLimits.PermitEvents() {
            @Override
            public void permitted(long nanoTime) {
                times.add(nanoTime);
                permitted.incrementAndGet();
            }

            @Override
            public void taken(String limit, int count) {
                takes.incrementAndGet();
                granted.addAndGet(count);
            }
        };
        List<Database> opened = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int p = 0; p < pools; p++) {
                Database pool = Database.open(db.settings(), "batches-" + p);
                opened.add(pool);
                SharedLimits limits = SharedLimits.open(
                        pool.jdbi(), List.of(config), "test", Clock.systemUTC(), Sleeper.SYSTEM, events);
                for (int t = 0; t < threadsPerPool; t++) {
                    threads.submit(() -> {
                        while (System.nanoTime() < end && permitted.get() < enough) {
                            limits.acquire();
                        }
                        return null;
                    });
                }
            }
        } finally {
            opened.forEach(Database::close);
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Recorded(sorted, takes.get(), granted.get());
    }

    /** The most permits in any window [t, t + length) that starts at a permit. */
    private static long busiestWindow(long[] sorted, Duration length) {
        long best = 0;
        int last = 0;
        for (int first = 0; first < sorted.length; first++) {
            while (last < sorted.length && sorted[last] < sorted[first] + length.toNanos()) {
                last++;
            }
            best = Math.max(best, last - first);
        }
        return best;
    }

    private static LimitConfig limit(String name, String... rates) {
        return new LimitConfig(name, List.of(rates), List.of(), null, Duration.ofSeconds(30), null);
    }

    @Test
    void batches_from_many_pools_never_put_more_than_the_rate_in_any_sliding_window() throws Exception {
        // 4 s of the rate, or longer on a machine too busy to take them that fast
        Recorded r = takeFor(limit("batched", "3000/1s"), 6, 3, Duration.ofSeconds(60), 12_000);

        System.out.printf(
                "3000/1s from 6 pools x 3 threads: %d permits, %d round trips took %d, busiest second %d%n",
                r.permitted().length, r.takes(), r.granted(), busiestWindow(r.permitted(), Duration.ofSeconds(1)));
        assertThat(busiestWindow(r.permitted(), Duration.ofSeconds(1)))
                .as("permits in the busiest 1 s window (budget 3000 less 1% headroom)")
                .isLessThanOrEqualTo(2970);
        assertThat(r.permitted().length).as("permits").isGreaterThan(1000);
        assertThat(r.granted())
                .as("permits granted by %d round trips: some took a batch, not one permit", r.takes())
                .isGreaterThan(r.takes());
    }

    @Test
    void two_rates_of_one_limit_each_hold_in_every_window_while_batched() throws Exception {
        Recorded r = takeFor(limit("two-rates", "400/200ms", "1500/1s"), 4, 3, Duration.ofSeconds(4));
        System.out.printf(
                "400/200ms + 1500/1s: %d permits, %d round trips took %d%n",
                r.permitted().length, r.takes(), r.granted());

        assertThat(busiestWindow(r.permitted(), Duration.ofMillis(200))).isLessThanOrEqualTo(396);
        assertThat(busiestWindow(r.permitted(), Duration.ofSeconds(1))).isLessThanOrEqualTo(1485);
    }

    @Test
    void a_low_rate_stays_exact_from_many_pools() throws Exception {
        Recorded r = takeFor(limit("low", "5/1s"), 4, 2, Duration.ofSeconds(5));

        assertThat(busiestWindow(r.permitted(), Duration.ofSeconds(1))).isLessThanOrEqualTo(4);
        assertThat(r.granted())
                .as("one permit per round trip at 5/s: nobody hoards")
                .isEqualTo(r.takes());
    }

    @Test
    void permits_left_at_close_are_handed_back_with_their_deadline_and_reused() {
        Database other = Database.open(db.settings(), "batches-other");
        try {
            LimitConfig config = limit("handed-back", "100000/1m"); // batches usable for 1 s
            SharedLimits first =
                    SharedLimits.open(db.jdbi(), null, List.of(config), "test", Clock.systemUTC(), Sleeper.SYSTEM);
            for (int i = 0; i < 16; i++) { // batches of 1, 2, 4, 8, then one of 16 with 15 left
                first.acquire();
            }
            first.close();
            var handedBack = db.jdbi()
                    .withHandle(h -> h.createQuery(
                                    "SELECT returned, returned_until <= clock_timestamp() + interval '1 second' AS soon "
                                            + "FROM sluice_limit WHERE name = 'handed-back'")
                            .mapToMap()
                            .one());
            List<Integer> taken = new ArrayList<>();
            SharedLimits second = SharedLimits.open(
                    other.jdbi(),
                    List.of(config),
                    "test",
                    Clock.systemUTC(),
                    Sleeper.SYSTEM,
                    new SharedLimits.PermitEvents() {
                        @Override
                        public void taken(String limit, int granted) {
                            taken.add(granted);
                        }
                    });
            second.acquire();

            assertThat(((Number) handedBack.get("returned")).intValue()).isPositive();
            assertThat(handedBack.get("soon"))
                    .as("handed back with their own deadline, not a new one")
                    .isEqualTo(true);
            assertThat(Arrays.asList(taken.toArray())).hasSize(1);
        } finally {
            other.close();
        }
    }
}
