package dev.sluice.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiLimitHeadersTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private static ApiLimitHeaders of(String... pairs) {
        Map<String, List<String>> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], List.of(pairs[i + 1]));
        }
        return ApiLimitHeaders.of(HttpHeaders.of(map, (a, b) -> true), NOW);
    }

    @Test
    void retry_after_in_seconds_or_as_an_http_date() {
        assertThat(of("Retry-After", "7").retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(of("Retry-After", "Sat, 28 Nov 2026 12:01:30 GMT").retryAfter())
                .contains(Duration.ofSeconds(90));
        assertThat(of("Retry-After", "soon").retryAfter()).isEmpty();
    }

    @Test
    void ietf_structured_ratelimit_fields() {
        ApiLimitHeaders h = of("RateLimit", "\"default\";r=0;t=3", "RateLimit-Policy", "\"default\";q=50;w=1");

        assertThat(h.remaining()).hasValue(0);
        assertThat(h.reset()).contains(Duration.ofSeconds(3));
        assertThat(h.exhausted()).isTrue();
    }

    @Test
    void x_ratelimit_reset_as_epoch_seconds_or_delta() {
        assertThat(of("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", String.valueOf(NOW.getEpochSecond() + 42))
                        .reset())
                .contains(Duration.ofSeconds(42));
        assertThat(of("X-RateLimit-Remaining", "5", "X-RateLimit-Reset", "42").reset())
                .contains(Duration.ofSeconds(42));
        assertThat(of("X-RateLimit-Remaining", "5", "X-RateLimit-Reset", "42").exhausted())
                .isFalse();
    }

    @Test
    void no_headers_say_nothing() {
        ApiLimitHeaders h = of();
        assertThat(h.retryAfter()).isEmpty();
        assertThat(h.remaining()).isEmpty();
        assertThat(h.exhausted()).isFalse();
    }
}
