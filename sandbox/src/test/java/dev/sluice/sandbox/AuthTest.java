package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class AuthTest {
    private static final String TOKEN = "s3cr3t-token";
    private static final String ORDERS = "/v1/orders?partition=eu";

    @Test
    void with_a_token_configured_requests_need_the_bearer_token() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withToken(TOKEN))) {
            Client client = new Client(sandbox);
            HttpResponse<String> missing = client.get(ORDERS);
            HttpResponse<String> wrong = client.get(ORDERS, "Authorization", "Bearer nope");
            HttpResponse<String> right = client.get(ORDERS, "Authorization", "Bearer " + TOKEN);

            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(Client.json(missing).path("error").asText()).isEqualTo("unauthorized");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain(TOKEN);
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(sandbox.stats().unauthorized()).isEqualTo(2);
        }
    }

    @Test
    void without_a_token_no_auth_is_needed() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults())) {
            assertThat(new Client(sandbox).get(ORDERS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unauthorized_requests_consume_no_quota() {
        try (Sandbox sandbox =
                Sandbox.start(SandboxConfig.defaults().withToken(TOKEN).withLimits("1/1h"))) {
            Client client = new Client(sandbox);
            client.get(ORDERS);
            client.get(ORDERS);

            assertThat(client.get(ORDERS, "Authorization", "Bearer " + TOKEN).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void the_token_never_shows_in_the_config_text_or_admin_view() {
        SandboxConfig config = SandboxConfig.defaults().withToken(TOKEN);
        try (Sandbox sandbox = Sandbox.start(config)) {
            HttpResponse<String> view = new Client(sandbox).get("/_sandbox/config");

            assertThat(config.toString()).doesNotContain(TOKEN);
            assertThat(config.summary().toString()).doesNotContain(TOKEN);
            assertThat(view.body()).doesNotContain(TOKEN).contains("\"auth\":true");
        }
    }
}
