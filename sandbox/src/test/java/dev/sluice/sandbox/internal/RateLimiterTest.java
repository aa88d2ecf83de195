package dev.sluice.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimiterTest {
    private final ManualClock clock = ManualClock.quarterPastTheHour();

    @Test
    void a_window_admits_its_count_per_epoch_aligned_window_not_per_sliding_second() {
        RateLimiter limiter = limiter(Duration.ZERO, "3/1s");

        assertThat(admitted(limiter, 3)).isEqualTo(3);
        clock.set(Instant.parse("2026-11-01T10:00:01Z"));
        assertThat(admitted(limiter, 3)).isEqualTo(3);
        Decision refused = limiter.acquire();

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.early()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void refused_requests_do_not_consume_quota() {
        RateLimiter limiter = limiter(Duration.ZERO, "bucket:1/1s");

        for (int round = 0; round < 5; round++) {
            assertThat(limiter.acquire().admitted()).as("round %d", round).isTrue();
            Decision refused = limiter.acquire();
            assertThat(refused.admitted()).isFalse();
            assertThat(refused.early()).isFalse();
            clock.advance(Duration.ofSeconds(refused.retryAfterSeconds()));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"3/1s", "2/10s", "4/500ms", "bucket:1/3s", "bucket:2/1s,burst=5", "bucket:7/2s", "5/1s|2/1h"})
    void a_request_after_retry_after_is_admitted_wherever_in_the_window_the_429_came(String specs) {
        for (int offsetMs = 0; offsetMs < 3000; offsetMs += 137) {
            clock.set(Instant.parse("2026-11-01T10:00:00Z").plusMillis(offsetMs));
            RateLimiter limiter = limiter(Duration.ZERO, specs.split("\\|"));
            Decision refused = firstRefusal(limiter);

            clock.advance(Duration.ofSeconds(refused.retryAfterSeconds()));
            assertThat(limiter.acquire().admitted())
                    .as("%s, 429 at +%d ms", specs, offsetMs)
                    .isTrue();
        }
    }

    @Test
    void a_bucket_refills_greedily_and_announces_the_time_for_one_token() {
        RateLimiter limiter = limiter(Duration.ZERO, "bucket:2/1s,burst=4");

        assertThat(admitted(limiter, 4)).isEqualTo(4);
        clock.advance(Duration.ofMillis(500));
        assertThat(limiter.acquire().admitted()).isTrue();
        clock.advance(Duration.ofMillis(100));
        Decision refused = limiter.acquire();

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void every_limit_applies_and_the_longest_wait_is_announced() {
        RateLimiter limiter = limiter(Duration.ZERO, "10/1s", "15/1h,name=daily");

        assertThat(admitted(limiter, 11)).isEqualTo(10);
        clock.set(Instant.parse("2026-11-01T10:00:01.500Z"));
        assertThat(admitted(limiter, 6)).isEqualTo(5);
        Decision refused = limiter.acquire();

        assertThat(refused.retryAfterSeconds()).isEqualTo(3599);
        assertThat(refused.quota().policy()).isEqualTo("daily");
        assertThat(limiter.policyHeader()).isEqualTo("\"default\";q=10;w=1, \"daily\";q=15;w=3600");
    }

    @Test
    void an_early_request_is_refused_and_counted_without_moving_the_deadline() {
        RateLimiter limiter = limiter(Duration.ZERO, "1/1s");
        limiter.acquire();
        Decision first = limiter.acquire();
        clock.advance(Duration.ofMillis(400));
        Decision early = limiter.acquire();
        clock.advance(Duration.ofMillis(600));

        assertThat(first.early()).isFalse();
        assertThat(early.early()).isTrue();
        assertThat(early.admitted()).isFalse();
        assertThat(limiter.acquire().admitted()).isTrue();
    }

    @Test
    void the_floor_raises_retry_after_and_holds_every_client_back_until_it_passes() {
        RateLimiter limiter = limiter(Duration.ofSeconds(5), "1/1s");
        limiter.acquire();
        Decision refused = limiter.acquire();
        clock.advance(Duration.ofMillis(4999));
        Decision early = limiter.acquire();
        clock.advance(Duration.ofMillis(1));

        assertThat(refused.retryAfterSeconds()).isEqualTo(5);
        assertThat(early.early()).isTrue();
        assertThat(limiter.acquire().admitted()).isTrue();
    }

    @Test
    void admitted_requests_report_the_tightest_limit() {
        RateLimiter limiter = limiter(Duration.ZERO, "5/1s", "3/1h,name=daily");
        Decision d = limiter.acquire();

        assertThat(d.quota()).isEqualTo(new Quota("daily", 3, 3600, 2, 3600));
    }

    @Test
    void racing_threads_get_exactly_the_quota_and_not_one_more() throws Exception {
        RateLimiter limiter = limiter(Duration.ZERO, "100000/1h", "bucket:100000/1h");
        LongAdder admitted = new LongAdder();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                threads.submit(() -> {
                    while (limiter.acquire().admitted()) {
                        admitted.increment();
                    }
                });
            }
        }
        assertThat(admitted.sum()).isEqualTo(100_000);
    }

    @Test
    void without_limits_everything_is_admitted_and_no_quota_is_reported() {
        RateLimiter limiter = limiter(Duration.ofSeconds(5));

        assertThat(admitted(limiter, 1000)).isEqualTo(1000);
        assertThat(limiter.acquire().quota()).isNull();
    }

    private Decision firstRefusal(RateLimiter limiter) {
        for (int i = 0; i < 10_000; i++) {
            Decision d = limiter.acquire();
            if (!d.admitted()) {
                return d;
            }
        }
        throw new AssertionError("never refused");
    }

    private static int admitted(RateLimiter limiter, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            n += limiter.acquire().admitted() ? 1 : 0;
        }
        return n;
    }

    private RateLimiter limiter(Duration floor, String... specs) {
        List<LimitSpec> limits = Arrays.stream(specs).map(LimitSpec::parse).toList();
        return new RateLimiter(limits, floor, clock);
    }
}
