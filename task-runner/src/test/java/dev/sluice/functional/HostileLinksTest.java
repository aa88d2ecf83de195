package dev.sluice.functional;

import static dev.sluice.testing.HostileApi.json;
import static dev.sluice.testing.HostileApi.redirect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testing.HostileApi;
import dev.sluice.testing.HostileJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7, class 1 (and the stored-URL part of class 3): credentials and spec headers go only to
 * the spec URL's origin or origins the spec allows. Two hostile APIs on two ports are two origins;
 * real {@code sluice run} processes follow next links, {@code Link} headers and redirects between
 * them, and every request the second one received is searched for every secret.
 */
class HostileLinksTest {
    private static final String TOKEN = "tok-h0stile-aaaa1111";
    private static final String USER = "sluice-user";
    private static final String PASSWORD = "pw-h0stile-bbbb2222";
    private static final String KEY = "key-h0stile-cccc3333";
    private static final String TENANT = "tenant-h0stile-dddd4444";
    private static final List<String> SECRETS = List.of(TOKEN, PASSWORD, KEY, TENANT, USER + ":" + PASSWORD);
    private static final String FAST_RETRY = "retry: {max_attempts: 2, initial_delay: 100ms, max_delay: 200ms}";

    /** The four kinds of credential, and how each shows on a request that carries it. */
    enum Auth {
        BEARER("{type: bearer, token: \"${TOKEN}\"}"),
        BASIC("{type: basic, username: " + USER + ", password: \"${PASSWORD}\"}"),
        HEADER("{type: header, name: X-Api-Key, value: \"${KEY}\"}"),
        QUERY("{type: query, name: api_key, value: \"${KEY}\"}");

        final String yaml;

        Auth(String yaml) {
            this.yaml = yaml;
        }

        boolean sentIn(HostileApi.Recorded request) {
            return switch (this) {
                case BEARER -> ("Bearer " + TOKEN).equals(request.header("Authorization"));
                case BASIC ->
                    ("Basic "
                                    + Base64.getEncoder()
                                            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                            .equals(request.header("Authorization"));
                case HEADER -> KEY.equals(request.header("X-Api-Key"));
                case QUERY -> request.queryText().contains("api_key=" + KEY);
            };
        }
    }

    /** How the API sends the run elsewhere. */
    enum Link {
        NEXT_LINK,
        LINK_HEADER,
        REDIRECT
    }

    static Stream<Arguments> everyLinkAndAuth() {
        return Arrays.stream(Link.values())
                .flatMap(l -> Arrays.stream(Auth.values()).map(a -> Arguments.of(l, a)));
    }

    @ParameterizedTest(name = "{0} to another origin, {1} auth")
    @MethodSource("everyLinkAndAuth")
    void a_link_to_another_origin_is_followed_without_credentials_spec_headers_or_traceparent(Link link, Auth auth) {
        try (HostileApi home = HostileApi.start();
                HostileApi other = HostileApi.start()) {
            elsewhere(home, other, link);
            try (HostileJob job = HostileJob.create(
                    "links_" + link.name().toLowerCase() + "_" + auth.name().toLowerCase(),
                    source(link, auth, ""),
                    FAST_RETRY,
                    env(home, other))) {
                SluiceProcess.Result run = job.run();

                assertThat(run.exit()).as(run.describe()).isZero();
                assertThat(job.ids()).isEqualTo(link == Link.REDIRECT ? List.of("o1") : List.of("h1", "o1"));
                assertThat(home.requests())
                        .as("the spec's origin receives the credential and the spec headers")
                        .hasSize(1)
                        .allSatisfy(r -> {
                            assertThat(auth.sentIn(r)).isTrue();
                            assertThat(r.header("X-Tenant")).isEqualTo(TENANT);
                            assertThat(r.header("traceparent")).isNotNull();
                        });
                assertThat(other.requests())
                        .as("the other origin: no credential, spec header or traceparent")
                        .hasSize(1)
                        .allSatisfy(r -> {
                            assertThat(r.carriesAny(SECRETS)).as(r.toString()).isFalse();
                            assertThat(auth.sentIn(r)).isFalse();
                            assertThat(r.header("Authorization")).isNull();
                            assertThat(r.header("X-Api-Key")).isNull();
                            assertThat(r.header("X-Tenant")).isNull();
                            assertThat(r.header("traceparent")).isNull();
                            assertThat(r.header("User-Agent")).startsWith("sluice/");
                        });
                assertNoSecretIn(run, job);
            }
        }
    }

    @Test
    void cross_origin_refuse_stops_at_a_next_link_elsewhere_with_78_and_nothing_stored() {
        try (HostileApi home = HostileApi.start();
                HostileApi other = HostileApi.start()) {
            elsewhere(home, other, Link.NEXT_LINK);
            try (HostileJob job = HostileJob.create(
                    "links_refuse",
                    source(Link.NEXT_LINK, Auth.BEARER, "cross_origin: refuse"),
                    "",
                    env(home, other))) {
                SluiceProcess.Result run = job.run();

                assertThat(run.exit()).as(run.describe()).isEqualTo(78);
                assertThat(run.json().get("message").asText())
                        .contains("next link", other.origin(), "cross_origin is refuse", "allowed_origins");
                assertThat(other.requests()).isEmpty();
                assertThat(job.ids())
                        .as("the page that carried the link is not committed")
                        .isEmpty();
                assertThat(job.partition().get("watermark")).isNull();
                assertThat(job.attempts()).singleElement().satisfies(a -> {
                    assertThat(a.get("status")).isEqualTo("failed");
                    assertThat(a.get("exit_code")).isEqualTo(78);
                });
                assertNoSecretIn(run, job);
            }
        }
    }

    @Test
    void cross_origin_refuse_stops_at_a_redirect_elsewhere_before_following_it() {
        try (HostileApi home = HostileApi.start();
                HostileApi other = HostileApi.start()) {
            elsewhere(home, other, Link.REDIRECT);
            try (HostileJob job = HostileJob.create(
                    "links_refuse_302",
                    source(Link.REDIRECT, Auth.HEADER, "cross_origin: refuse"),
                    "",
                    env(home, other))) {
                SluiceProcess.Result run = job.run();

                assertThat(run.exit()).as(run.describe()).isEqualTo(78);
                assertThat(run.json().get("message").asText()).contains("redirect", other.origin(), "cross_origin");
                assertThat(home.requests()).hasSize(1);
                assertThat(other.requests()).isEmpty();
                assertThat(job.ids()).isEmpty();
                assertThat(job.partition().get("watermark")).isNull();
            }
        }
    }

    @Test
    void an_origin_listed_under_allowed_origins_receives_the_credentials() {
        try (HostileApi home = HostileApi.start();
                HostileApi other = HostileApi.start()) {
            elsewhere(home, other, Link.NEXT_LINK);
            try (HostileJob job = HostileJob.create(
                    "links_allowed",
                    source(Link.NEXT_LINK, Auth.BEARER, "allowed_origins: [\"${OTHER}\"]\ncross_origin: refuse"),
                    "",
                    env(home, other))) {
                SluiceProcess.Result run = job.run();

                assertThat(run.exit()).as(run.describe()).isZero();
                assertThat(job.ids()).containsExactly("h1", "o1");
                assertThat(other.requests()).singleElement().satisfies(r -> {
                    assertThat(Auth.BEARER.sentIn(r)).isTrue();
                    assertThat(r.header("X-Tenant")).isEqualTo(TENANT);
                });
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://files.example.com/orders.json"})
    void a_link_that_is_not_http_is_refused_with_78_before_anything_is_stored(String link) {
        try (HostileApi home = HostileApi.start()) {
            home.on("/items", json("{\"data\":[{\"id\":\"h1\"}],\"next\":\"" + link + "\"}"));
            try (HostileJob job = HostileJob.create(
                    "links_" + link.substring(0, link.indexOf(':')),
                    source(Link.NEXT_LINK, Auth.BEARER, ""),
                    "",
                    env(home, home))) {
                SluiceProcess.Result run = job.run();

                assertThat(run.exit()).as(run.describe()).isEqualTo(78);
                assertThat(run.json().get("message").asText())
                        .contains(link.substring(0, link.indexOf(':') + 1) + " URL", "only http and https");
                assertThat(home.requests()).hasSize(1);
                assertThat(job.ids()).isEmpty();
                assertThat(job.partition().get("watermark")).isNull();
                assertThat(job.attempts())
                        .singleElement()
                        .satisfies(a -> assertThat(a.get("exit_code")).isEqualTo(78));
            }
        }
    }

    @Test
    void a_query_credential_echoed_in_a_next_link_is_never_stored_printed_or_sent_twice() {
        AtomicBoolean apiFixed = new AtomicBoolean();
        try (HostileApi home = HostileApi.start()) {
            home.on("/items", request -> {
                if (request.query() == null || !request.query().contains("page=2")) {
                    return json("{\"data\":[{\"id\":\"h1\"}],\"next\":\"/items?page=2&api_key=" + KEY + "\"}");
                }
                return apiFixed.get() ? json("{\"data\":[{\"id\":\"h2\"}]}") : json(503, "{}");
            });
            try (HostileJob job = HostileJob.create(
                    "links_echo", source(Link.NEXT_LINK, Auth.QUERY, ""), FAST_RETRY, env(home, home))) {
                SluiceProcess.Result failed = job.run();
                SluiceProcess.Result status = job.command("status");

                assertThat(failed.exit()).as(failed.describe()).isEqualTo(75);
                assertThat((String) job.partition().get("watermark"))
                        .contains("page=2")
                        .doesNotContain(KEY);
                assertThat(status.exit()).isZero();
                assertThat(status.describe()).contains("page=2").doesNotContain(KEY);
                assertNoSecretIn(failed, job);
                assertThat(home.requests())
                        .hasSize(3)
                        .allSatisfy(r -> assertThat(apiKeys(r)).containsExactly(KEY));

                apiFixed.set(true);
                SluiceProcess.Result resumed = job.run();

                assertThat(resumed.exit()).as(resumed.describe()).isZero();
                assertThat(job.ids()).containsExactly("h1", "h2");
                assertThat(apiKeys(home.requests().getLast())).containsExactly(KEY);
                assertNoSecretIn(resumed, job);
            }
        }
    }

    /** The next pages are elsewhere: a next link, a Link header, or a redirect of the first request. */
    private static void elsewhere(HostileApi home, HostileApi other, Link link) {
        switch (link) {
            case NEXT_LINK ->
                home.on("/items", json("{\"data\":[{\"id\":\"h1\"}],\"next\":\"" + other.url("/more") + "\"}"));
            case LINK_HEADER ->
                home.on(
                        "/items",
                        json(
                                200,
                                "{\"data\":[{\"id\":\"h1\"}]}",
                                "Link",
                                "<" + other.url("/more") + ">; rel=\"next\""));
            case REDIRECT -> home.on("/items", redirect(302, other.url("/more")));
        }
        other.on("/more", json("{\"data\":[{\"id\":\"o1\"}],\"next\":null}"));
    }

    private static String source(Link link, Auth auth, String more) {
        String pagination = switch (link) {
            case NEXT_LINK -> "{type: next_link}";
            case LINK_HEADER -> "{type: link_header}";
            case REDIRECT -> "{type: none}";
        };
        return """
                url: ${API}/items
                auth: %s
                headers: {X-Tenant: "${TENANT}"}
                pagination: %s
                timeout: 10s
                %s
                """.formatted(auth.yaml, pagination, more);
    }

    private static Map<String, String> env(HostileApi home, HostileApi other) {
        return Map.of(
                "API", home.origin(),
                "OTHER", other.origin(),
                "TOKEN", TOKEN,
                "PASSWORD", PASSWORD,
                "KEY", KEY,
                "TENANT", TENANT);
    }

    private static List<String> apiKeys(HostileApi.Recorded request) {
        return Arrays.stream(
                        request.query() == null
                                ? new String[0]
                                : request.query().split("&"))
                .filter(p -> p.startsWith("api_key="))
                .map(p -> p.substring("api_key=".length()))
                .toList();
    }

    /** Nothing the run printed or stored holds a secret: stdout, stderr, the partition row, the attempts. */
    private static void assertNoSecretIn(SluiceProcess.Result run, HostileJob job) {
        String stored = job.partition() + " " + job.attempts();
        for (String secret : SECRETS) {
            assertThat(run.describe()).doesNotContain(secret);
            assertThat(stored).doesNotContain(secret);
        }
        JsonNode summary = run.json();
        assertThat(summary.toString()).doesNotContain(KEY);
    }
}
