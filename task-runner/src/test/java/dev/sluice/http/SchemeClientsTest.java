package dev.sluice.http;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.sluice.testing.HostileApi.redirect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sluice.http.internal.SchemeClients;
import dev.sluice.testing.HostileApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Plain HTTP never loads the JDK's TLS context, and https always goes through the default one: each
 * hop takes the client of its own scheme, and the plain client refuses if it is ever asked for TLS.
 */
@Timeout(60)
class SchemeClientsTest {
    private final HostileApi plainApi = HostileApi.start();
    private WireMockServer tlsApi; // its certificate is self-signed: the JDK's trust store refuses it

    @BeforeEach
    void start() {
        tlsApi = new WireMockServer(options().dynamicPort().dynamicHttpsPort());
        tlsApi.start();
        tlsApi.stubFor(get("/secure").willReturn(okJson("{}")));
    }

    @AfterEach
    void stop() {
        plainApi.close();
        tlsApi.stop();
    }

    private String secureUrl() {
        return "https://localhost:" + tlsApi.httpsPort() + "/secure";
    }

    @Test
    void https_gets_the_default_tls_context_and_http_a_client_of_its_own_built_once() throws Exception {
        try (SchemeClients clients = new SchemeClients(Duration.ofSeconds(5))) {
            HttpClient tls = clients.forUri(URI.create(secureUrl()));
            HttpClient plain = clients.forUri(URI.create(plainApi.url("/x")));

            assertThat(tls.sslContext()).isSameAs(SSLContext.getDefault());
            assertThat(plain.sslContext()).isNotSameAs(SSLContext.getDefault());
            assertThat(clients.forUri(URI.create("HTTPS://example.com/"))).isSameAs(tls);
            assertThat(clients.forUri(URI.create(plainApi.url("/y")))).isSameAs(plain);
        }
    }

    @Test
    void the_plain_client_refuses_tls() {
        try (SchemeClients clients = new SchemeClients(Duration.ofSeconds(5))) {
            HttpClient plain = clients.forUri(URI.create(plainApi.url("/x")));
            HttpRequest request =
                    HttpRequest.newBuilder(URI.create(secureUrl())).build();

            assertThatThrownBy(() -> plain.send(request, HttpResponse.BodyHandlers.ofString()))
                    .hasStackTraceContaining("plain HTTP only");
        }
    }

    @Test
    void a_redirect_from_http_to_https_is_checked_against_the_trust_store() throws Exception {
        plainApi.on("/start", redirect(302, secureUrl()));
        try (HttpExchange http = HttpExchange.open(
                HttpConfig.DEFAULTS,
                OriginPolicy.of(URI.create(plainApi.origin()), List.of(), null),
                Credential.NONE)) {
            assertThatThrownBy(() -> http.send(Request.get(URI.create(plainApi.url("/start")))))
                    .isInstanceOf(ExchangeFailedException.class)
                    .hasStackTraceContaining("PKIX path building failed") // the JDK's trust store said no
                    .satisfies(e -> assertThat(e).hasStackTraceContaining("certification path"));
        }
    }

    @Test
    void a_closed_set_builds_no_client() {
        SchemeClients clients = new SchemeClients(Duration.ofSeconds(5));
        clients.close();

        assertThatThrownBy(() -> clients.forUri(URI.create(plainApi.url("/x"))))
                .isInstanceOf(IllegalStateException.class);
    }
}
