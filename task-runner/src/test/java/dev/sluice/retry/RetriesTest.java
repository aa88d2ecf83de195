package dev.sluice.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetriesTest {
    private static final RetryConfig CONFIG =
            new RetryConfig(6, Duration.ofMillis(500), Duration.ofSeconds(8), 2.0, 0.25, null);

    @RepeatedTest(20)
    void backoff_grows_exponentially_with_upward_jitter_only() {
        for (int retry = 1; retry <= 6; retry++) {
            long base = Math.min(500L << (retry - 1), 8000);
            assertThat(Retries.delay(CONFIG, retry, null).toMillis())
                    .as("retry " + retry)
                    .isBetween(base, Math.round(base * 1.25));
        }
    }

    @RepeatedTest(20)
    void a_retry_after_is_never_undercut_even_beyond_max_delay() {
        RetryableFailure limited = new RetryableFailure("429", Duration.ofSeconds(20), true, null);

        assertThat(Retries.delay(CONFIG, 1, limited)).isBetween(Duration.ofSeconds(20), Duration.ofMillis(21_250));
    }

    @Test
    void a_short_retry_after_does_not_shorten_the_backoff() {
        RetryableFailure limited = new RetryableFailure("429", Duration.ofMillis(100), true, null);

        assertThat(Retries.delay(CONFIG, 3, limited)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }
}
