package dev.sluice.http;

import static dev.sluice.testing.HostileApi.json;
import static dev.sluice.testing.HostileApi.redirect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sluice.config.ByteSize;
import dev.sluice.config.Secret;
import dev.sluice.testing.HostileApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One bounded exchange against the hostile API: credentials per hop, redirects, time and size bounds. */
@Timeout(60) // sanity bound: an unbounded exchange would hang here forever
class HttpExchangeTest {
    private static final String TOKEN = "tok-exchange-1234";
    private static final String KEY = "key-exchange-5678";
    private final HostileApi home = HostileApi.start();
    private final HostileApi other = HostileApi.start();

    @AfterEach
    void stop() {
        home.close();
        other.close();
    }

    private HttpExchange exchange(HttpConfig config, Credential credential, String crossOrigin) {
        return HttpExchange.open(
                config, OriginPolicy.of(URI.create(home.origin()), List.of(), crossOrigin), credential);
    }

    private HttpExchange exchange(Credential credential) {
        return exchange(HttpConfig.DEFAULTS, credential, null);
    }

    private static Request get(String url) {
        return Request.get(URI.create(url))
                .withSecretHeaders(Map.of("X-Tenant", new Secret("tenant-secret-9")))
                .withTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void a_redirect_elsewhere_gets_no_credential_and_one_back_home_gets_it_again() throws Exception {
        home.on("/start", redirect(302, other.url("/away")));
        other.on("/away", redirect(307, home.url("/back")));
        home.on("/back", json("{\"ok\":true}"));

        try (HttpExchange http = exchange(Credential.bearer(new Secret(TOKEN)))) {
            Response response = http.send(get(home.url("/start")));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.uri()).isEqualTo(URI.create(home.url("/back")));
        }
        assertThat(home.requests()).hasSize(2).allSatisfy(r -> {
            assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
            assertThat(r.header("X-Tenant")).isEqualTo("tenant-secret-9");
            assertThat(r.header("traceparent")).isNotNull();
        });
        assertThat(other.requests()).singleElement().satisfies(r -> {
            assertThat(r.carriesAny(List.of(TOKEN, "tenant-secret-9"))).isFalse();
            assertThat(r.header("traceparent")).isNull();
            assertThat(r.header("User-Agent")).startsWith("sluice/");
        });
    }

    @Test
    void a_query_key_echoed_in_a_redirect_elsewhere_is_not_sent_there() throws Exception {
        home.on("/start", redirect(302, other.url("/away?page=2&api_key=" + KEY)));
        other.on("/away", json("{}"));

        try (HttpExchange http = exchange(Credential.query("api_key", new Secret(KEY)))) {
            http.send(get(home.url("/start")));
        }

        assertThat(home.requests().getFirst().query()).isEqualTo("api_key=" + KEY);
        assertThat(other.requests().getFirst().query()).isEqualTo("page=2");
    }

    @Test
    void a_303_after_a_post_continues_as_a_get_without_body_and_a_307_keeps_both() throws Exception {
        home.on("/see", redirect(303, "/result"));
        home.on("/result", json("{}"));
        home.on("/temp", redirect(307, "/kept"));
        home.on("/kept", json("{}"));
        var body = JsonNodeFactory.instance.objectNode().put("customer_id", 7);

        try (HttpExchange http = exchange(Credential.NONE)) {
            http.send(Request.json("POST", URI.create(home.url("/see")), body));
            http.send(Request.json("POST", URI.create(home.url("/temp")), body));
        }

        assertThat(home.requests("/result")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.body()).isEmpty();
            assertThat(r.header("Content-Type")).isNull();
        });
        assertThat(home.requests("/kept")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"customer_id\":7}");
        });
    }

    @Test
    void more_redirects_than_max_redirects_are_refused() {
        home.on("/loop", redirect(302, "/loop"));

        try (HttpExchange http = exchange(new HttpConfig(null, null, null, 3), Credential.NONE, null)) {
            assertThatThrownBy(() -> http.send(get(home.url("/loop"))))
                    .isInstanceOf(LinkRefusedException.class)
                    .hasMessageContaining("redirected more than max_redirects = 3 times");
        }
        assertThat(home.requests()).hasSize(4);
    }

    @Test
    void a_redirect_to_another_scheme_is_refused_before_it_is_followed() {
        home.on("/start", redirect(302, "file:///etc/passwd"));

        try (HttpExchange http = exchange(Credential.NONE)) {
            assertThatThrownBy(() -> http.send(get(home.url("/start"))))
                    .isInstanceOf(LinkRefusedException.class)
                    .hasMessageContaining("redirect")
                    .hasMessageContaining("file: URL");
        }
    }

    @Test
    void the_timeout_bounds_the_body_too_and_the_connection_is_closed() {
        home.on("/drip", HostileApi.drip(Duration.ofMillis(100)));

        try (HttpExchange http =
                exchange(new HttpConfig(Duration.ofMillis(700), null, null, null), Credential.NONE, null)) {
            assertThatThrownBy(() -> http.send(get(home.url("/drip"))))
                    .isInstanceOfSatisfying(
                            ExchangeFailedException.class,
                            e -> assertThat(e.timedOut()).isTrue())
                    .hasMessageContaining("within timeout 700ms");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> home.hangUps() == 1);
    }

    @Test
    void a_request_may_bound_itself_tighter_than_the_exchange() {
        home.on("/silent", HostileApi.headersThenSilence());

        try (HttpExchange http = exchange(Credential.NONE)) {
            assertThatThrownBy(() -> http.send(get(home.url("/silent")).withTimeout(Duration.ofMillis(300))))
                    .isInstanceOf(ExchangeFailedException.class)
                    .hasMessageContaining("within timeout 300ms");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> home.hangUps() == 1);
    }

    @Test
    void a_declared_length_over_the_bound_is_refused_unread_and_a_counted_one_stops_the_reading() {
        home.on("/declared", HostileApi.huge(10L << 20, true));
        home.on("/chunked", HostileApi.huge(10L << 20, false));

        try (HttpExchange http = exchange(Credential.NONE)) {
            Request small = get(home.url("/declared")).withMaxResponseSize(new ByteSize(64 * 1024));
            assertThatThrownBy(() -> http.send(small))
                    .isInstanceOfSatisfying(
                            ResponseTooLargeException.class,
                            e -> assertThat(e.limit()).isEqualTo(65536))
                    .hasMessageContaining("larger than max_response_size 64KB (Content-Length: 10485760 bytes)");
            assertThatThrownBy(() -> http.send(get(home.url("/chunked")).withMaxResponseSize(new ByteSize(64 * 1024))))
                    .isInstanceOf(ResponseTooLargeException.class)
                    .hasMessageContaining("without Content-Length");
        }
    }

    @Test
    void a_body_within_the_bound_arrives_whole_however_it_was_cut() throws Exception {
        home.on("/chunked", HostileApi.huge(300_000, false));

        try (HttpExchange http = exchange(Credential.NONE)) {
            Response response = http.send(get(home.url("/chunked")));

            assertThat(response.body().size()).isEqualTo(300_000);
            assertThat(response.body().bytes()).hasSize(300_000).startsWith("{\"data\":[]".getBytes());
            assertThat(response.body().stream().readAllBytes())
                    .isEqualTo(response.body().bytes());
        }
    }

    @Test
    void an_interrupt_cancels_the_exchange_at_once_and_closes_its_connection() throws Exception {
        home.on("/silent", HostileApi.silence());
        Thread caller = Thread.currentThread();

        try (HttpExchange http = exchange(Credential.NONE)) {
            CompletableFuture<Void> interrupter = CompletableFuture.runAsync(() -> {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> home.requests().size() == 1);
                caller.interrupt();
            });
            assertThatThrownBy(() -> http.send(get(home.url("/silent")))).isInstanceOf(InterruptedException.class);
            interrupter.get();
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> home.hangUps() == 1);
    }
}
