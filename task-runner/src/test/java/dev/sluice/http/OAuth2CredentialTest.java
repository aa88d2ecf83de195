package dev.sluice.http;

import static dev.sluice.testing.HostileApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Masking;
import dev.sluice.Outcome;
import dev.sluice.config.Secret;
import dev.sluice.testing.HostileApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The OAuth2 token cache through a real exchange: one fetch for many callers, expiry, 401 renewal, refusals. */
@Timeout(60)
class OAuth2CredentialTest {
    private static final String SECRET = "client-secret-7777";
    private final HostileApi api = HostileApi.start();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T01:00:00Z"));

    @AfterEach
    void stop() {
        api.close();
    }

    /** A token endpoint that answers slowly (so concurrent callers overlap) with at-1, at-2, ... */
    private void tokens(long expiresIn) {
        api.on("/token", (HostileApi.Recorded r) -> {
            try {
                Thread.sleep(200); // the server's pace, not the test's wait: callers must queue behind one fetch
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = fetches.incrementAndGet();
            return json(
                    200,
                    "{\"access_token\":\"at-" + n + "-secretpart\",\"token_type\":\"Bearer\",\"expires_in\":"
                            + expiresIn + "}");
        });
    }

    private OAuth2Credential credential() {
        OAuth2Settings settings = new OAuth2Settings(
                URI.create(api.url("/token")),
                "app id",
                new Secret(SECRET),
                "read",
                OAuth2Settings.Grant.CLIENT_CREDENTIALS,
                null,
                OAuth2Settings.ClientAuth.BASIC);
        return OAuth2Credential.open(settings, HttpConfig.DEFAULTS, now::get);
    }

    private HttpExchange exchange(OAuth2Credential credential) {
        return HttpExchange.open(
                HttpConfig.DEFAULTS, OriginPolicy.of(URI.create(api.origin()), List.of(), null), credential);
    }

    private static List<Integer> sendConcurrently(HttpExchange http, String url, int callers) throws Exception {
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                answers.add(threads.submit(
                        () -> http.send(Request.get(URI.create(url))).status()));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get());
        }
        return statuses;
    }

    @Test
    void concurrent_callers_share_one_fetch_and_one_renewal_after_a_401() throws Exception {
        tokens(3600);
        AtomicBoolean firstRevoked = new AtomicBoolean();
        api.on(
                "/data",
                (HostileApi.Recorded r) ->
                        firstRevoked.get() && r.header("Authorization").startsWith("Bearer at-1-")
                                ? json(401, "{\"error\":\"invalid_token\"}")
                                : json("{\"ok\":true}"));
        try (OAuth2Credential credential = credential();
                HttpExchange http = exchange(credential)) {
            assertThat(sendConcurrently(http, api.url("/data"), 16)).containsOnly(200);
            assertThat(fetches).as("16 callers, one token request").hasValue(1);

            firstRevoked.set(true);
            assertThat(sendConcurrently(http, api.url("/data"), 16)).containsOnly(200);

            assertThat(fetches).as("16 rejected callers, one renewal").hasValue(2);
            assertThat(api.requests("/data"))
                    .filteredOn(r -> r.header("Authorization").startsWith("Bearer at-1-"))
                    .hasSizeBetween(17, 32); // 16 before, then at most one rejected try per caller
        }
        HostileApi.Recorded fetch = api.requests("/token").getFirst();
        assertThat(fetch.header("Authorization"))
                .as("RFC 6749 2.3.1: id and secret form-encoded, then Base64")
                .isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString(("app+id:" + SECRET).getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(fetch.body(), StandardCharsets.UTF_8))
                .isEqualTo("grant_type=client_credentials&scope=read");
        assertThat(Masking.mask("at-2-secretpart"))
                .as("each access token is masked")
                .isEqualTo(Masking.MASK);
    }

    @Test
    void a_token_is_reused_until_shortly_before_it_expires_then_fetched_anew() throws Exception {
        tokens(100); // refreshed 20 s early: a fifth of its life, at most 60 s
        api.on("/data", json("{\"ok\":true}"));
        try (OAuth2Credential credential = credential();
                HttpExchange http = exchange(credential)) {
            http.send(Request.get(URI.create(api.url("/data"))));
            now.set(now.get().plusSeconds(79));
            http.send(Request.get(URI.create(api.url("/data"))));
            assertThat(fetches).hasValue(1);

            now.set(now.get().plusSeconds(2));
            http.send(Request.get(URI.create(api.url("/data"))));

            assertThat(fetches).hasValue(2);
            assertThat(api.requests("/data").getLast().header("Authorization")).startsWith("Bearer at-2-");
        }
    }

    @Test
    void a_refused_client_is_a_configuration_error_and_an_unavailable_endpoint_a_temporary_one() {
        api.on("/token", json(401, "{\"error\":\"invalid_client\",\"error_description\":\"wrong " + SECRET + "\"}"));
        try (OAuth2Credential credential = credential();
                HttpExchange http = exchange(credential)) {
            assertThatThrownBy(() -> http.send(Request.get(URI.create(api.url("/data")))))
                    .isInstanceOfSatisfying(
                            TokenFetchException.class,
                            e -> assertThat(e.outcome()).isEqualTo(Outcome.CONFIG))
                    .hasMessageContaining("401")
                    .hasMessageContaining("invalid_client")
                    .hasMessageNotContaining(SECRET);
        }
        api.on("/token", json(503, "{\"error\":\"temporarily_unavailable\"}"));
        try (OAuth2Credential credential = credential();
                HttpExchange http = exchange(credential)) {
            assertThatThrownBy(() -> http.send(Request.get(URI.create(api.url("/data")))))
                    .isInstanceOfSatisfying(
                            TokenFetchException.class,
                            e -> assertThat(e.outcome()).isEqualTo(Outcome.TEMPORARY))
                    .hasMessageContaining("503");
        }
        assertThat(api.requests("/data")).as("no API call without a token").isEmpty();
    }
}
