package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    private static final String ORDERS = "/v1/orders?partition=eu&page_size=1";

    @Test
    void a_429_carries_retry_after_and_the_rate_limit_headers_and_a_json_error() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("3/1s"), clock)) {
            Client client = new Client(sandbox);
            statuses(client, 3);
            HttpResponse<String> refused = client.get(ORDERS);

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"default\";q=3;w=1");
            assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"default\";r=0;t=1");
            assertThat(refused.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
            assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
            assertThat(refused.headers().firstValue("X-RateLimit-Reset"))
                    .hasValue(String.valueOf(clock.instant().getEpochSecond() + 2));
            assertThat(Client.json(refused).path("error").asText()).isEqualTo("rate_limited");
            assertThat(sandbox.stats().rateLimited()).isEqualTo(1);
            assertThat(sandbox.stats().admitted()).isEqualTo(3);
        }
    }

    @Test
    void successful_responses_report_the_remaining_quota_of_the_tightest_limit() {
        try (Sandbox sandbox = Sandbox.start(
                SandboxConfig.defaults().withLimits("5/1s", "3/1h,name=daily"), ManualClock.quarterPastTheHour())) {
            HttpResponse<String> ok = new Client(sandbox).get(ORDERS);

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("RateLimit-Policy"))
                    .hasValue("\"default\";q=5;w=1, \"daily\";q=3;w=3600");
            assertThat(ok.headers().firstValue("RateLimit")).hasValue("\"daily\";r=2;t=3600");
            assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
            assertThat(ok.headers().firstValue("Retry-After")).isEmpty();
        }
    }

    @Test
    void a_request_after_retry_after_is_admitted_in_window_mode() throws InterruptedException {
        assertHonouringRetryAfterIsAdmitted(SandboxConfig.defaults().withLimits("3/1s"));
    }

    @Test
    void a_request_after_retry_after_is_admitted_in_bucket_mode() throws InterruptedException {
        assertHonouringRetryAfterIsAdmitted(SandboxConfig.defaults().withLimits("bucket:2/1s,burst=3"));
    }

    @Test
    void a_daily_quota_refuses_until_its_window_ends_and_says_so() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("50/1s", "60/1h,name=daily"), clock)) {
            Client client = new Client(sandbox);
            assertThat(statuses(client, 51)).containsOnlyOnce(429);
            clock.set(Instant.parse("2026-11-01T10:00:01.500Z"));
            assertThat(statuses(client, 10)).containsOnly(200);
            HttpResponse<String> refused = client.get(ORDERS);

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(Client.retryAfter(refused)).isEqualTo(3599);
            assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"daily\";r=0;t=3599");
            clock.advance(Duration.ofSeconds(3599));
            assertThat(client.get(ORDERS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void retry_after_floor_forces_a_longer_wait_and_earlier_returns_are_refused() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(
                SandboxConfig.defaults().withLimits("1/1s").withRetryAfterFloor(Duration.ofSeconds(30)), clock)) {
            Client client = new Client(sandbox);
            client.get(ORDERS);
            HttpResponse<String> refused = client.get(ORDERS);
            clock.advance(Duration.ofSeconds(29));
            HttpResponse<String> early = client.get(ORDERS);
            clock.advance(Duration.ofSeconds(1));

            assertThat(Client.retryAfter(refused)).isEqualTo(30);
            assertThat(early.statusCode()).isEqualTo(429);
            assertThat(client.get(ORDERS).statusCode()).isEqualTo(200);
            assertThat(sandbox.stats().earlyAfter429()).isEqualTo(1);
        }
    }

    @Test
    void early_after_429_counts_requests_from_any_client_before_the_announced_deadline() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("2/1s"), clock)) {
            Client one = new Client(sandbox);
            Client other = new Client(sandbox);
            statuses(one, 2);
            HttpResponse<String> refused = one.get(ORDERS);
            clock.advance(Duration.ofMillis(900));
            HttpResponse<String> tooSoon = other.get(ORDERS);
            HttpResponse<String> tooSoonAgain = one.get(ORDERS);
            clock.advance(Duration.ofMillis(100));
            HttpResponse<String> onTime = other.get(ORDERS);

            assertThat(Client.retryAfter(refused)).isEqualTo(1);
            assertThat(tooSoon.statusCode()).isEqualTo(429);
            assertThat(tooSoonAgain.statusCode()).isEqualTo(429);
            assertThat(onTime.statusCode()).isEqualTo(200);
            SandboxStats stats = sandbox.stats();
            assertThat(stats.earlyAfter429()).isEqualTo(2);
            assertThat(stats.rateLimited()).isEqualTo(3);
        }
    }

    private static void assertHonouringRetryAfterIsAdmitted(SandboxConfig config) throws InterruptedException {
        try (Sandbox sandbox = Sandbox.start(config)) {
            Client client = new Client(sandbox);
            HttpResponse<String> refused = firstRefusal(client);
            Thread.sleep(Duration.ofSeconds(
                    Client.retryAfter(refused))); // the client honouring Retry-After is the behaviour under test

            assertThat(client.get(ORDERS).statusCode()).isEqualTo(200);
            assertThat(sandbox.stats().earlyAfter429()).isZero();
        }
    }

    private static HttpResponse<String> firstRefusal(Client client) {
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = client.get(ORDERS);
            if (r.statusCode() == 429) {
                return r;
            }
        }
        throw new AssertionError("never rate limited");
    }

    private static List<Integer> statuses(Client client, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> client.get(ORDERS).statusCode())
                .toList();
    }
}
