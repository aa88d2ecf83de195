package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Sleeper;
import dev.sluice.db.Database;
import dev.sluice.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 §5: weighted permits. Takers in several connection pools (as separate processes are)
 * call with random costs under a requests limit and a tokens limit at once; the moment every call
 * was let through is recorded with its cost, and every sliding window starting at one is counted,
 * in calls for the one and in tokens for the other: neither budget is ever exceeded.
 */
class WeightedPermitsTest {
    private static Database db;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("weighted");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** One call let through: when (after every check) and what it cost in tokens. */
    private record Call(long at, long tokens) {}

    private static LimitConfig limit(String name, Integer burst, String... rates) {
        return new LimitConfig(name, List.of(rates), List.of(), burst, Duration.ofSeconds(30), null);
    }

    private static List<Call> callFor(
            List<LimitConfig> limits, String tokensLimit, int maxCost, int pools, int threads, Duration length)
            throws Exception {
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        ThreadLocal<Long> cost = new ThreadLocal<>();
        SharedLimits.PermitEvents events = new SharedLimits.PermitEvents() {
            @Override
            public void permitted(long nanoTime) {
                calls.add(new Call(nanoTime, cost.get())); // told on the acquiring thread, under its lock
            }
        };
        List<Database> opened = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        try (var running = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int p = 0; p < pools; p++) {
                Database pool = Database.open(db.settings(), "weighted-" + p);
                opened.add(pool);
                SharedLimits shared =
                        SharedLimits.open(pool.jdbi(), limits, "test", Clock.systemUTC(), Sleeper.SYSTEM, events);
                for (int t = 0; t < threads; t++) {
                    SplittableRandom random = new SplittableRandom(p * 100L + t);
                    running.submit(() -> {
                        while (System.nanoTime() < end) {
                            long tokens = random.nextInt(1, maxCost + 1);
                            cost.set(tokens);
                            shared.acquire(new PermitCost(Map.of(tokensLimit, tokens)));
                        }
                        return null;
                    });
                }
            }
        } finally {
            opened.forEach(Database::close);
        }
        List<Call> sorted = new ArrayList<>(calls);
        sorted.sort(Comparator.comparingLong(Call::at));
        return sorted;
    }

    /** The most calls and the most tokens in any window [t, t + length) that starts at a call. */
    private static long[] busiest(List<Call> calls, Duration length) {
        long mostCalls = 0;
        long mostTokens = 0;
        long tokens = 0;
        int last = 0;
        for (int first = 0; first < calls.size(); first++) {
            while (last < calls.size()
                    && calls.get(last).at() < calls.get(first).at() + length.toNanos()) {
                tokens += calls.get(last).tokens();
                last++;
            }
            mostCalls = Math.max(mostCalls, last - first);
            mostTokens = Math.max(mostTokens, tokens);
            tokens -= calls.get(first).tokens();
        }
        return new long[] {mostCalls, mostTokens};
    }

    @Test
    void requests_and_tokens_limits_together_never_exceed_either_in_any_window_from_many_pools() throws Exception {
        List<LimitConfig> limits = List.of(limit("w-requests", null, "100/1s"), limit("w-tokens", 300, "6000/1s"));

        List<Call> calls = callFor(limits, "w-tokens", 300, 4, 3, Duration.ofSeconds(5));

        long[] busiest = busiest(calls, Duration.ofSeconds(1));
        long tokens = calls.stream().mapToLong(Call::tokens).sum();
        System.out.printf(
                "100 calls/s + 6000 tokens/s, costs 1-300, 4 pools x 3 threads: %d calls, %d tokens in 5 s;"
                        + " busiest second %d calls, %d tokens%n",
                calls.size(), tokens, busiest[0], busiest[1]);
        assertThat(busiest[0])
                .as("calls in the busiest 1 s window (budget 100 less 1%)")
                .isLessThanOrEqualTo(99);
        assertThat(busiest[1])
                .as("tokens in the busiest 1 s window (budget 6000 less 1%)")
                .isLessThanOrEqualTo(5940);
        assertThat(calls.size())
                .as("sanity: the takers made progress (how fast is a measurement, not asserted)")
                .isGreaterThan(5);
    }

    /**
     * Both limits binding at once (40 calls/s, and 6000 tokens/s at an average cost of 150): the
     * worst case for taking two limits, where a unit of one could expire while the call waits for
     * the other. Neither is exceeded, and the takers still get through.
     */
    @Test
    void two_limits_that_bind_at_once_are_both_kept_and_calls_still_get_through() throws Exception {
        List<LimitConfig> limits = List.of(limit("e-requests", null, "40/1s"), limit("e-tokens", 300, "6000/1s"));

        List<Call> calls = callFor(limits, "e-tokens", 300, 4, 3, Duration.ofSeconds(5));

        long[] busiest = busiest(calls, Duration.ofSeconds(1));
        System.out.printf(
                "40 calls/s + 6000 tokens/s, costs 1-300: %d calls in 5 s; busiest second %d calls, %d tokens%n",
                calls.size(), busiest[0], busiest[1]);
        assertThat(busiest[0]).isLessThanOrEqualTo(39);
        assertThat(busiest[1]).isLessThanOrEqualTo(5940);
        assertThat(calls.size())
                .as("sanity: calls got through, neither limit starved them")
                .isGreaterThan(5);
    }

    @Test
    void a_tokens_limit_binds_before_the_requests_limit_when_calls_are_costly() throws Exception {
        List<LimitConfig> limits = List.of(limit("b-requests", null, "100/1s"), limit("b-tokens", 500, "2000/1s"));

        List<Call> calls = callFor(limits, "b-tokens", 500, 2, 4, Duration.ofSeconds(4));

        long[] busiest = busiest(calls, Duration.ofSeconds(1));
        System.out.printf(
                "100 calls/s + 2000 tokens/s, costs 1-500: busiest second %d calls, %d tokens%n",
                busiest[0], busiest[1]);
        assertThat(busiest[1]).isLessThanOrEqualTo(1980);
        assertThat(busiest[0])
                .as("about 2000 / 250 = 8 calls a second: the tokens bind, far below 100 calls")
                .isLessThan(40);
    }

    @Test
    void a_cost_of_zero_takes_nothing_and_a_cost_above_the_capacity_is_refused_before_any_take() {
        List<LimitConfig> limits = List.of(limit("z-requests", null, "1000/1s"), limit("z-tokens", 100, "1000/1s"));
        SharedLimits shared = SharedLimits.open(db.jdbi(), null, limits, "test", Clock.systemUTC(), Sleeper.SYSTEM);

        shared.acquire(new PermitCost(Map.of("z-tokens", 0L)));

        List<String> touched = db.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT name FROM sluice_limit WHERE name LIKE 'z-%' AND refilled_at IS NOT NULL")
                        .mapTo(String.class)
                        .list());
        assertThat(touched).as("limits a take touched").containsExactly("z-requests");
        assertThatThrownBy(() -> shared.acquire(new PermitCost(Map.of("z-tokens", 101L))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit z-tokens: a call of 101 units can never be granted")
                .hasMessageContaining("at most 100 at once");
        assertThat(limits.get(1).maxCost()).isEqualTo(100);
    }
}
