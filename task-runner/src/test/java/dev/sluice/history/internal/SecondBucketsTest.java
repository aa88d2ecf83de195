package dev.sluice.history.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The lock-free counting under a clock that the test moves: many threads count while seconds turn
 * over many times around the ring and a drainer takes what is there, as the history's timer does.
 */
class SecondBucketsTest {
    private static final int THREADS = 8;
    private static final int COUNTS_EACH = 200_000;

    /** What one thread counted, per second: calls, permits, 429s, wait sum and longest wait. */
    private record Expected(Map<Long, long[]> seconds) {
        void add(long second, int permits, boolean rejected, long waitNanos) {
            long[] c = seconds.computeIfAbsent(second, s -> new long[5]);
            c[0]++;
            c[1] += permits;
            c[2] += rejected ? 1 : 0;
            c[3] += waitNanos;
            c[4] = Math.max(c[4], waitNanos);
        }
    }

    @Test
    void counts_from_many_threads_across_second_boundaries_add_up_exactly_second_by_second() throws Exception {
        SecondBuckets buckets = new SecondBuckets();
        AtomicLong clock = new AtomicLong(1_764_000_000L); // epoch seconds, moved by the threads themselves
        AtomicBoolean counting = new AtomicBoolean(true);
        Map<SecondBuckets.Key, SecondBuckets.Counts> written = new TreeMap<>(SecondBuckets.Key.ORDER);
        List<Expected> expected = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(THREADS + 1)) {
            Future<?> drainer = pool.submit(() -> {
                while (counting.get()) {
                    addTo(written, buckets.drain(clock.get())); // completed seconds, as the timer does
                    Thread.onSpinWait();
                }
            });
            List<Future<Expected>> work = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                work.add(pool.submit(() -> count(buckets, clock)));
            }
            for (Future<Expected> f : work) {
                expected.add(f.get());
            }
            counting.set(false);
            drainer.get();
        }
        addTo(written, buckets.drain(Long.MAX_VALUE)); // the exit's write

        Map<Long, long[]> sums = new TreeMap<>();
        for (Expected e : expected) {
            e.seconds().forEach((second, c) -> {
                long[] s = sums.computeIfAbsent(second, k -> new long[5]);
                for (int i = 0; i < 4; i++) {
                    s[i] += c[i];
                }
                s[4] = Math.max(s[4], c[4]);
            });
        }
        assertThat(sums.size())
                .as("seconds turned over many times around the ring")
                .isGreaterThan(100);
        Map<Long, List<Long>> want = new TreeMap<>();
        sums.forEach((second, s) -> want.put(second, List.of(s[0], s[1], s[2], s[3], s[4])));
        Map<Long, List<Long>> got = new TreeMap<>();
        written.forEach((key, c) -> {
            assertThat(key.limit()).isEqualTo("crm");
            got.put(key.second(), List.of(c.calls, c.permits, c.http429, c.waitNanos, c.waitMaxNanos));
        });
        assertThat(got).isEqualTo(want);
    }

    /** Counts as a gate does, moving the clock on now and then, and sometimes pausing (a stalled thread). */
    private static Expected count(SecondBuckets buckets, AtomicLong clock) {
        SecondRing ring = buckets.ring("crm");
        Expected mine = new Expected(new HashMap<>());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < COUNTS_EACH; i++) {
            long second = clock.get();
            if (random.nextInt(2_000) == 0) {
                Thread.yield(); // others may move the clock past this second, around the ring even
            }
            int permits = random.nextInt(4) == 0 ? random.nextInt(1, 50) : 0;
            boolean rejected = random.nextInt(10) == 0;
            long wait = random.nextInt(3) == 0 ? random.nextLong(1, 5_000_000_000L) : 0;
            ring.call(second);
            if (permits > 0) {
                ring.permits(second, permits);
            }
            if (rejected) {
                ring.rateLimited(second);
            }
            if (wait > 0) {
                ring.waited(second, wait);
            }
            mine.add(second, permits, rejected, wait);
            if (random.nextInt(500) == 0) {
                clock.incrementAndGet();
            }
        }
        return mine;
    }

    private static void addTo(
            Map<SecondBuckets.Key, SecondBuckets.Counts> total,
            SortedMap<SecondBuckets.Key, SecondBuckets.Counts> drained) {
        drained.forEach((key, c) ->
                total.computeIfAbsent(key, k -> new SecondBuckets.Counts()).add(c));
    }

    @Test
    void a_count_too_big_for_a_word_and_a_stalled_threads_old_second_keep_their_seconds() {
        SecondBuckets buckets = new SecondBuckets();
        SecondRing ring = buckets.ring("crm");
        long hour = 3_600_000_000_000L; // nanos: beyond what one word holds (18 minutes)
        ring.waited(100, hour);
        ring.waited(100, 1);
        ring.call(100);
        ring.call(108); // the same slot, 8 seconds on: second 100 moves out of the ring
        ring.call(100); // a thread that read the clock at second 100 and stalled
        ring.call(99); // a clock that stepped back

        Map<Long, List<Long>> got = new TreeMap<>();
        buckets.drain(Long.MAX_VALUE)
                .forEach((key, c) -> got.put(key.second(), List.of(c.calls, c.waitNanos, c.waitMaxNanos)));

        assertThat(got)
                .isEqualTo(Map.of(
                        99L, List.of(1L, 0L, 0L),
                        100L, List.of(2L, hour + 1, hour),
                        108L, List.of(1L, 0L, 0L)));
    }

    @Test
    void a_drain_keeps_the_current_second_until_asked_and_restore_puts_counts_back() {
        SecondBuckets buckets = new SecondBuckets();
        SecondRing ring = buckets.ring("crm");
        ring.call(10);
        ring.call(11);

        SortedMap<SecondBuckets.Key, SecondBuckets.Counts> completed = buckets.drain(11);
        assertThat(completed.keySet()).containsExactly(new SecondBuckets.Key("crm", 10));
        buckets.restore(completed); // the write failed
        ring.call(10); // a late count for the drained second

        Map<Long, Long> got = new TreeMap<>();
        buckets.drain(Long.MAX_VALUE).forEach((key, c) -> got.put(key.second(), c.calls));
        assertThat(got).isEqualTo(Map.of(10L, 2L, 11L, 1L));
        assertThat(buckets.drain(Long.MAX_VALUE)).as("nothing taken twice").isEmpty();
    }
}
