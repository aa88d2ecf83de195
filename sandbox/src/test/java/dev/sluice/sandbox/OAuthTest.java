package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class OAuthTest {
    private static final String CLIENT = "sluice-app";
    private static final String SECRET = "s3cret/+=&value";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String LOOKUP = "/v1/customers/42";

    private static SandboxConfig oauth(Duration lifetime) {
        return SandboxConfig.defaults()
                .withLimits()
                .withRecords(RecordsConfig.DEFAULTS.withOAuth(OAuthConfig.client(CLIENT, SECRET, lifetime)));
    }

    private static String basic(String id, String secret) {
        String pair = encode(id) + ":" + encode(secret);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> fetch(Client client, String form, String... headers) {
        List<String> all = new ArrayList<>(List.of("Content-Type", FORM));
        all.addAll(List.of(headers));
        return client.post("/oauth/token", form, all.toArray(String[]::new));
    }

    private static JsonNode clientCredentials(Client client) {
        HttpResponse<String> r = fetch(client, "grant_type=client_credentials", "Authorization", basic(CLIENT, SECRET));
        assertThat(r.statusCode()).isEqualTo(200);
        return Client.json(r);
    }

    private static String bearer(JsonNode token) {
        return "Bearer " + token.path("access_token").asText();
    }

    @Test
    void client_credentials_by_basic_auth_give_a_bearer_token_that_opens_the_per_record_endpoints() {
        try (Sandbox sandbox = Sandbox.start(oauth(Duration.ofMinutes(5)))) {
            Client client = new Client(sandbox);
            HttpResponse<String> r =
                    fetch(client, "grant_type=client_credentials", "Authorization", basic(CLIENT, SECRET));
            JsonNode token = Client.json(r);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
            assertThat(token.path("expires_in").asLong()).isEqualTo(300);
            assertThat(token.path("refresh_token").asText()).isNotBlank();
            assertThat(client.get(LOOKUP, "Authorization", bearer(token)).statusCode())
                    .isEqualTo(200);
            assertThat(client.post(EnrichmentTest.enrichment("42"), "{}", "Authorization", bearer(token))
                            .statusCode())
                    .isEqualTo(201);
            assertThat(sandbox.stats().oauth().tokensIssued("client_credentials"))
                    .isEqualTo(1);
        }
    }

    @Test
    void client_credentials_by_form_fields_work_too() {
        try (Sandbox sandbox = Sandbox.start(oauth(Duration.ofMinutes(5)))) {
            HttpResponse<String> r = fetch(
                    new Client(sandbox),
                    "grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=" + encode(SECRET));

            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void without_a_valid_token_per_record_requests_are_401_and_other_endpoints_are_unaffected() {
        try (Sandbox sandbox = Sandbox.start(oauth(Duration.ofMinutes(5)))) {
            Client client = new Client(sandbox);
            HttpResponse<String> missing = client.get(LOOKUP);
            HttpResponse<String> unknown = client.get(LOOKUP, "Authorization", "Bearer made-up");

            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(missing.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .startsWith("Bearer");
            assertThat(unknown.statusCode()).isEqualTo(401);
            assertThat(unknown.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("error=\"invalid_token\"");
            assertThat(Client.json(unknown).path("error").asText()).isEqualTo("invalid_token");
            assertThat(client.get("/v1/orders?partition=eu").statusCode()).isEqualTo(200);
            assertThat(sandbox.stats().oauth().invalidTokens()).isEqualTo(2);
            assertThat(sandbox.stats().unauthorized()).isEqualTo(2);
            assertThat(sandbox.record("42").requests("lookup", 401)).isEqualTo(2);
        }
    }

    @Test
    void with_a_static_token_the_orders_endpoint_takes_it_or_a_current_access_token_and_refuses_a_revoked_one() {
        try (Sandbox sandbox = Sandbox.start(oauth(Duration.ofMinutes(5)).withToken("static-t0ken"))) {
            Client client = new Client(sandbox);
            JsonNode token = clientCredentials(client);
            String orders = "/v1/orders?partition=eu";

            assertThat(client.get(orders, "Authorization", "Bearer static-t0ken")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(client.get(orders, "Authorization", bearer(token)).statusCode())
                    .isEqualTo(200);
            sandbox.revokeTokens(false);
            HttpResponse<String> revoked = client.get(orders, "Authorization", bearer(token));

            assertThat(revoked.statusCode()).isEqualTo(401);
            assertThat(Client.json(revoked).path("error").asText()).isEqualTo("invalid_token");
            assertThat(sandbox.stats().oauth().invalidTokens()).isEqualTo(1);
        }
    }

    @Test
    void an_expired_token_is_401_invalid_token_and_a_refresh_gives_a_working_one() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(oauth(Duration.ofSeconds(60)), clock)) {
            Client client = new Client(sandbox);
            JsonNode token = clientCredentials(client);
            clock.advance(Duration.ofSeconds(59));
            HttpResponse<String> stillValid = client.get(LOOKUP, "Authorization", bearer(token));
            clock.advance(Duration.ofSeconds(1));
            HttpResponse<String> expired = client.get(LOOKUP, "Authorization", bearer(token));
            HttpResponse<String> refreshed = fetch(
                    client,
                    "grant_type=refresh_token&refresh_token="
                            + token.path("refresh_token").asText(),
                    "Authorization",
                    basic(CLIENT, SECRET));

            assertThat(stillValid.statusCode()).isEqualTo(200);
            assertThat(expired.statusCode()).isEqualTo(401);
            assertThat(expired.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("error=\"invalid_token\"");
            assertThat(Client.json(expired).path("message").asText()).contains("expired");
            assertThat(refreshed.statusCode()).isEqualTo(200);
            assertThat(Client.json(refreshed).path("access_token").asText())
                    .isNotEqualTo(token.path("access_token").asText());
            assertThat(client.get(LOOKUP, "Authorization", bearer(Client.json(refreshed)))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(sandbox.stats().oauth().tokensIssued())
                    .containsEntry("client_credentials", 1L)
                    .containsEntry("refresh_token", 1L);
        }
    }

    @Test
    void revoking_tokens_makes_the_next_request_401_until_the_client_refreshes() {
        try (Sandbox sandbox = Sandbox.start(oauth(Duration.ofMinutes(5)))) {
            Client client = new Client(sandbox);
            JsonNode token = clientCredentials(client);
            HttpResponse<String> revoke = client.post("/_sandbox/oauth/revoke", "");
            HttpResponse<String> revoked = client.get(LOOKUP, "Authorization", bearer(token));
            JsonNode refreshed = Client.json(fetch(
                    client,
                    "grant_type=refresh_token&refresh_token="
                            + token.path("refresh_token").asText(),
                    "Authorization",
                    basic(CLIENT, SECRET)));

            assertThat(Client.json(revoke).path("revoked").asInt()).isEqualTo(1);
            assertThat(revoked.statusCode()).isEqualTo(401);
            assertThat(client.get(LOOKUP, "Authorization", bearer(refreshed)).statusCode())
                    .isEqualTo(200);
            assertThat(sandbox.stats().oauth().revocations()).isEqualTo(1);
        }
    }

    @Test
    void revoking_refresh_tokens_too_leaves_only_client_credentials() {
        try (Sandbox sandbox = Sandbox.start(oauth(Duration.ofMinutes(5)))) {
            Client client = new Client(sandbox);
            JsonNode token = clientCredentials(client);
            sandbox.revokeTokens(true);
            HttpResponse<String> refresh = fetch(
                    client,
                    "grant_type=refresh_token&refresh_token="
                            + token.path("refresh_token").asText(),
                    "Authorization",
                    basic(CLIENT, SECRET));

            assertThat(refresh.statusCode()).isEqualTo(400);
            assertThat(Client.json(refresh).path("error").asText()).isEqualTo("invalid_grant");
            clientCredentials(client);
        }
    }

    @Test
    void bad_token_requests_get_rfc_6749_errors() {
        try (Sandbox sandbox = Sandbox.start(oauth(Duration.ofMinutes(5)))) {
            Client client = new Client(sandbox);
            HttpResponse<String> wrongSecret =
                    fetch(client, "grant_type=client_credentials", "Authorization", basic(CLIENT, "nope"));
            HttpResponse<String> noClient = fetch(client, "grant_type=client_credentials");
            HttpResponse<String> password =
                    fetch(client, "grant_type=password", "Authorization", basic(CLIENT, SECRET));
            HttpResponse<String> noGrant = fetch(client, "scope=x", "Authorization", basic(CLIENT, SECRET));
            HttpResponse<String> json = client.post(
                    "/oauth/token",
                    "{\"grant_type\":\"client_credentials\"}",
                    "Content-Type",
                    "application/json",
                    "Authorization",
                    basic(CLIENT, SECRET));
            HttpResponse<String> both = fetch(
                    client,
                    "grant_type=client_credentials&client_id=" + CLIENT + "&client_secret=" + encode(SECRET),
                    "Authorization",
                    basic(CLIENT, SECRET));

            assertThat(wrongSecret.statusCode()).isEqualTo(401);
            assertThat(Client.json(wrongSecret).path("error").asText()).isEqualTo("invalid_client");
            assertThat(wrongSecret.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"sandbox\"");
            assertThat(noClient.statusCode()).isEqualTo(401);
            assertThat(Client.json(password).path("error").asText()).isEqualTo("unsupported_grant_type");
            assertThat(Client.json(noGrant).path("error").asText()).isEqualTo("invalid_request");
            assertThat(Client.json(json).path("error").asText()).isEqualTo("invalid_request");
            assertThat(Client.json(both).path("error").asText()).isEqualTo("invalid_request");
            assertThat(sandbox.stats().oauth().tokenErrors())
                    .containsEntry("invalid_client", 2L)
                    .containsEntry("invalid_request", 3L)
                    .containsEntry("unsupported_grant_type", 1L);
            assertThat(sandbox.stats().oauth().tokensIssued()).isEmpty();
        }
    }

    @Test
    void the_token_endpoint_is_404_when_oauth_is_off() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults())) {
            assertThat(fetch(new Client(sandbox), "grant_type=client_credentials")
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void no_secret_or_token_the_sandbox_knows_appears_in_any_admin_answer_in_any_encoding() {
        try (Sandbox sandbox = Sandbox.start(oauth(Duration.ofMinutes(5)).withToken("static-t0ken"))) {
            Client client = new Client(sandbox);
            JsonNode token = clientCredentials(client);
            client.get(LOOKUP, "Authorization", bearer(token));
            client.get(LOOKUP, "Authorization", "Bearer not-a-token");
            List<String> answers = new ArrayList<>();
            for (String path :
                    List.of("/_sandbox/config", "/_sandbox/stats", "/_sandbox/records", "/_sandbox/records/42")) {
                answers.add(client.get(path).body());
            }
            answers.add(sandbox.config().toString());
            answers.add(sandbox.stats().toString());

            assertThat(sandbox.secrets())
                    .contains(
                            SECRET,
                            "static-t0ken",
                            token.path("access_token").asText(),
                            token.path("refresh_token").asText());
            for (String secret : sandbox.secrets()) {
                for (String encoded : List.of(
                        secret,
                        encode(secret),
                        Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))) {
                    assertThat(answers).allSatisfy(a -> assertThat(a).doesNotContain(encoded));
                }
            }
        }
    }
}
