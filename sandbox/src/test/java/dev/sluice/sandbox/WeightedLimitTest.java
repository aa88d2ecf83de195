package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WeightedLimitTest {
    private static final String POST = EnrichmentTest.enrichment("1");

    private static String tokens(long n) {
        return "{\"tokens\":" + n + "}";
    }

    private static SandboxConfig config(String requests, String units) {
        return SandboxConfig.defaults().withLimits(requests).withRecords(RecordsConfig.DEFAULTS.withUnitLimits(units));
    }

    @Test
    void a_request_that_would_exceed_the_unit_budget_gets_429_with_retry_after() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(config("10/1h", "100/1h"), clock)) {
            Client client = new Client(sandbox);
            HttpResponse<String> first = client.post(POST, tokens(60));
            HttpResponse<String> over = client.post(POST, tokens(50));

            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(over.statusCode()).isEqualTo(429);
            assertThat(Client.retryAfter(over)).isEqualTo(3600);
            assertThat(over.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"units\"");
            assertThat(sandbox.stats().rateLimited()).isEqualTo(1);
            assertThat(sandbox.record("1").effects()).isEqualTo(1);
            clock.advance(Duration.ofHours(1));
            assertThat(client.post(POST, tokens(100)).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void requests_and_units_are_limited_together() {
        try (Sandbox sandbox = Sandbox.start(config("2/1h", "100/1h"), ManualClock.quarterPastTheHour())) {
            Client client = new Client(sandbox);
            client.post(POST, tokens(10));
            client.post(POST, tokens(10));

            assertThat(client.post(POST, tokens(10)).statusCode())
                    .as("units are left, requests are not")
                    .isEqualTo(429);
        }
    }

    @Test
    void a_refused_request_consumes_no_units() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(config("100/1s", "bucket:100/1s"), clock)) {
            Client client = new Client(sandbox);
            client.post(POST, tokens(60));
            HttpResponse<String> refused = client.post(POST, tokens(50));
            clock.advance(Duration.ofSeconds(Client.retryAfter(refused)));

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(client.post(POST, tokens(100)).statusCode())
                    .as("the bucket refilled to 100 because the refusal took nothing")
                    .isEqualTo(201);
        }
    }

    @Test
    void the_cost_header_wins_over_the_body_and_a_nested_field_is_read_by_its_path() {
        SandboxConfig nested = SandboxConfig.defaults()
                .withLimits()
                .withRecords(RecordsConfig.DEFAULTS.withUnitLimits("100/1h").withCostField("usage.tokens"));
        try (Sandbox sandbox = Sandbox.start(nested, ManualClock.quarterPastTheHour())) {
            Client client = new Client(sandbox);
            HttpResponse<String> byHeader = client.post(POST, "{\"usage\":{\"tokens\":1}}", "X-Cost", "70");
            HttpResponse<String> byField = client.post(POST, "{\"usage\":{\"tokens\":40}}");
            HttpResponse<String> topLevel = client.post(POST, tokens(1));

            assertThat(byHeader.statusCode()).isEqualTo(201);
            assertThat(byField.statusCode()).as("70 + 40 > 100").isEqualTo(429);
            assertThat(topLevel.statusCode()).isEqualTo(400);
            assertThat(Client.json(topLevel).path("error").asText()).isEqualTo("missing_cost");
        }
    }

    @Test
    void bad_costs_are_400_and_a_get_without_a_cost_costs_nothing() {
        try (Sandbox sandbox = Sandbox.start(config("100/1h", "100/1h"), ManualClock.quarterPastTheHour())) {
            Client client = new Client(sandbox);

            assertThat(error(client.post(POST, "{}"))).isEqualTo("missing_cost");
            assertThat(error(client.post(POST, tokens(-1)))).isEqualTo("invalid_cost");
            assertThat(error(client.post(POST, "{\"tokens\":1.5}"))).isEqualTo("invalid_cost");
            assertThat(error(client.post(POST, "{\"tokens\":\"3\"}"))).isEqualTo("invalid_cost");
            assertThat(error(client.post(POST, tokens(1), "X-Cost", "many"))).isEqualTo("invalid_cost");
            assertThat(error(client.post(POST, tokens(101)))).isEqualTo("cost_exceeds_limit");
            assertThat(client.get("/v1/customers/1").statusCode()).isEqualTo(200);
            assertThat(client.get("/v1/customers/1", "X-Cost", "100").statusCode())
                    .isEqualTo(200);
            assertThat(client.get("/v1/customers/1", "X-Cost", "1").statusCode())
                    .isEqualTo(429);
            assertThat(sandbox.stats().badRequests()).isEqualTo(6);
            assertThat(sandbox.record("1").effects()).isZero();
        }
    }

    @Test
    void limit_peaks_report_the_most_admitted_in_one_window_of_each_limit() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(config("10/1s,name=calls", "100/1s,name=tokens"), clock)) {
            Client client = new Client(sandbox);
            client.post(POST, tokens(60));
            client.post(POST, tokens(30));
            clock.advance(Duration.ofSeconds(1));
            client.post(POST, tokens(40));
            client.get("/v1/orders?partition=eu");

            assertThat(sandbox.stats().limitPeaks())
                    .containsExactly(
                            new LimitPeak("calls", "requests", "window:10/1s,name=calls", 2, 4),
                            new LimitPeak("tokens", "units", "window:100/1s,name=tokens", 90, 130));
        }
    }

    private static String error(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(400);
        return Client.json(r).path("error").asText();
    }
}
