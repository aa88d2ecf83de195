package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class EventsTest {
    private static final SandboxConfig NO_LIMITS = SandboxConfig.defaults().withLimits();
    private static final String EVENT = "{\"type\":\"order.paid\",\"order\":\"eu-000001\"}";

    @Test
    void a_repeated_idempotency_key_gets_200_with_the_first_body_and_counts_as_a_duplicate() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            Client client = new Client(sandbox);
            HttpResponse<String> first = client.post("/v1/events", EVENT, "Idempotency-Key", "k-1");
            HttpResponse<String> repeat = client.post("/v1/events", "{\"type\":\"changed\"}", "Idempotency-Key", "k-1");
            HttpResponse<String> other = client.post("/v1/events", EVENT, "Idempotency-Key", "k-2");

            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(Client.json(first).path("event").path("type").asText()).isEqualTo("order.paid");
            assertThat(Client.json(first).path("idempotency_key").asText()).isEqualTo("k-1");
            assertThat(repeat.statusCode()).isEqualTo(200);
            assertThat(repeat.body()).isEqualTo(first.body());
            assertThat(other.statusCode()).isEqualTo(201);
            assertThat(sandbox.stats().duplicates()).isEqualTo(1);
            assertThat(sandbox.stats().eventsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void an_event_without_an_idempotency_key_is_400() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            HttpResponse<String> r = new Client(sandbox).post("/v1/events", EVENT);

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(Client.json(r).path("error").asText()).isEqualTo("missing_idempotency_key");
            assertThat(sandbox.stats().badRequests()).isEqualTo(1);
        }
    }

    @Test
    void events_share_the_rate_limits_of_the_api() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("1/1h"))) {
            Client client = new Client(sandbox);
            client.get("/v1/orders?partition=eu");
            HttpResponse<String> r = client.post("/v1/events", EVENT, "Idempotency-Key", "k-1");

            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(sandbox.stats().eventsAccepted()).isZero();
        }
    }

    @Test
    void a_reset_after_the_event_was_stored_makes_the_retry_a_duplicate() throws Exception {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withFaults(Faults.NONE.withResetRate(1.0)))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest post = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/v1/events"))
                    .header("Idempotency-Key", "k-1")
                    .POST(HttpRequest.BodyPublishers.ofString(EVENT))
                    .build();

            assertThatThrownBy(() -> http.send(post, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            sandbox.reconfigure(c -> c.withFaults(Faults.NONE));
            HttpResponse<String> retry = http.send(post, HttpResponse.BodyHandlers.ofString());

            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(sandbox.stats().duplicates()).isEqualTo(1);
        }
    }
}
