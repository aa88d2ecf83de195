package dev.sluice.call;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getAllServeEvents;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.verify;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.sluice.Sleeper;
import dev.sluice.breaker.BreakerConfig;
import dev.sluice.breaker.BreakerOpenException;
import dev.sluice.breaker.SharedBreaker;
import dev.sluice.db.Database;
import dev.sluice.http.Credential;
import dev.sluice.http.HttpConfig;
import dev.sluice.http.HttpExchange;
import dev.sluice.http.OriginPolicy;
import dev.sluice.http.Request;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.ratelimit.LimitExhaustedException;
import dev.sluice.ratelimit.SharedLimits;
import dev.sluice.retry.RetryConfig;
import dev.sluice.source.SourceRejectedException;
import dev.sluice.testing.TestPostgres;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WireMockTest
class CallGateTest {
    private static final RetryConfig FAST_RETRIES =
            new RetryConfig(6, Duration.ofMillis(50), Duration.ofMillis(200), 2.0, 0.1, null);
    private static Database db;
    private final CallStats stats = new CallStats();
    private HttpExchange http;
    private String base;
    private String limit;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("gate");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void setUp(WireMockRuntimeInfo wm) {
        base = wm.getHttpBaseUrl();
        limit = "api-" + System.nanoTime();
        http = HttpExchange.open(
                HttpConfig.DEFAULTS, OriginPolicy.of(URI.create(base), List.of(), null), Credential.NONE);
    }

    @AfterEach
    void closeExchange() {
        http.close();
    }

    private CallGate gate(LimitConfig config, BreakerConfig breaker, RetryConfig retry) {
        SharedLimits limits = SharedLimits.open(
                db.jdbi(), db.dataSource(), List.of(config), "test", Clock.systemUTC(), Sleeper.SYSTEM);
        return new CallGate(
                stats,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                limits,
                new SharedBreaker(
                        db.jdbi(),
                        config.name(),
                        breaker,
                        "owner-" + System.nanoTime(),
                        Clock.systemUTC(),
                        Sleeper.SYSTEM),
                retry,
                Clock.systemUTC());
    }

    private CallGate gate() {
        return gate(
                new LimitConfig(limit, List.of("1000/1s"), List.of(), null, Duration.ofSeconds(30), null),
                BreakerConfig.DEFAULTS,
                FAST_RETRIES);
    }

    private String call(CallGate gate, String path) {
        return gate.send(
                http,
                Request.get(URI.create(base + path)),
                r -> new String(r.body().bytes()));
    }

    @Test
    void a_429_is_retried_no_sooner_than_its_retry_after_and_holds_other_processes_too() throws Exception {
        stubFor(get(urlPathEqualTo("/x"))
                .inScenario("429")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2"))
                .willSetStateTo("ok"));
        stubFor(get(urlPathEqualTo("/x"))
                .inScenario("429")
                .whenScenarioStateIs("ok")
                .willReturn(ok("done")));
        CallGate first = gate();
        CallGate other = gate();

        Thread otherCall = Thread.ofVirtual().start(() -> {
            sleep(300);
            call(other, "/x");
        });
        assertThat(call(first, "/x")).isEqualTo("done");
        otherCall.join();

        List<ServeEvent> events = getAllServeEvents().reversed();
        long answered429 = events.getFirst().getRequest().getLoggedDate().getTime();
        assertThat(events).hasSize(3);
        assertThat(events.subList(1, 3))
                .allSatisfy(e -> assertThat(e.getRequest().getLoggedDate().getTime() - answered429)
                        .isGreaterThanOrEqualTo(2000));
        assertThat(stats.rateLimitedAnswers()).isEqualTo(1);
    }

    @Test
    void every_retry_takes_a_permit_so_retries_cannot_exceed_a_quota() {
        stubFor(get(urlPathEqualTo("/flaky")).willReturn(aResponse().withStatus(503)));
        CallGate gate = gate(
                new LimitConfig(limit, List.of(), List.of("3/1h"), null, Duration.ofSeconds(1), null),
                new BreakerConfig(100, null, null),
                FAST_RETRIES);

        assertThatThrownBy(() -> call(gate, "/flaky")).isInstanceOf(LimitExhaustedException.class);
        verify(3, getRequestedFor(urlPathEqualTo("/flaky")));
        assertThat(stats.retries()).isEqualTo(3);
    }

    @Test
    void server_errors_are_retried_with_backoff_until_they_pass() {
        stubFor(get(urlPathEqualTo("/s"))
                .inScenario("5xx")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(502))
                .willSetStateTo("second"));
        stubFor(get(urlPathEqualTo("/s"))
                .inScenario("5xx")
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("ok"));
        stubFor(get(urlPathEqualTo("/s"))
                .inScenario("5xx")
                .whenScenarioStateIs("ok")
                .willReturn(ok("fine")));

        assertThat(call(gate(), "/s")).isEqualTo("fine");
        assertThat(stats.calls()).isEqualTo(3);
        assertThat(stats.retries()).isEqualTo(2);
    }

    @Test
    void other_client_errors_are_not_retried() {
        stubFor(get(urlPathEqualTo("/missing")).willReturn(aResponse().withStatus(404)));

        assertThatThrownBy(() -> call(gate(), "/missing")).isInstanceOf(SourceRejectedException.class);
        verify(1, getRequestedFor(urlPathEqualTo("/missing")));
    }

    @Test
    void repeated_failures_open_the_breaker_which_stops_calls_instead_of_retrying() {
        stubFor(get(urlPathEqualTo("/down")).willReturn(aResponse().withStatus(503)));
        CallGate gate = gate(
                new LimitConfig(limit, List.of("1000/1s"), List.of(), null, null, null),
                new BreakerConfig(3, Duration.ofMinutes(1), null),
                FAST_RETRIES);

        assertThatThrownBy(() -> call(gate, "/down")).isInstanceOf(BreakerOpenException.class);
        verify(3, getRequestedFor(urlPathEqualTo("/down")));
        assertThatThrownBy(() -> call(gate(), "/down")).as("another process").isInstanceOf(BreakerOpenException.class);
        verify(3, getRequestedFor(urlPathEqualTo("/down")));
    }

    @Test
    void a_probe_interrupted_before_its_answer_hands_the_breaker_back_so_the_next_call_probes_at_once()
            throws Exception {
        stubFor(get(urlPathEqualTo("/down")).willReturn(aResponse().withStatus(503)));
        stubFor(get(urlPathEqualTo("/slow")).willReturn(ok("late").withFixedDelay(20_000)));
        stubFor(get(urlPathEqualTo("/up")).willReturn(ok("up")));
        LimitConfig config = new LimitConfig(limit, List.of("1000/1s"), List.of(), null, null, null);
        BreakerConfig breaker = new BreakerConfig(3, Duration.ofMillis(200), null);
        // Opens the breaker (its retries may probe and reopen it, open_for being this short).
        assertThatThrownBy(() -> call(gate(config, breaker, FAST_RETRIES), "/down"))
                .isInstanceOf(RuntimeException.class);
        sleep(400);

        CallGate prober = gate(config, breaker, FAST_RETRIES);
        Thread probe = Thread.ofVirtual().start(() -> {
            try {
                call(prober, "/slow");
            } catch (RuntimeException expected) {
                // interrupted while waiting for the answer
            }
        });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !WireMock.findAll(getRequestedFor(urlPathEqualTo("/slow")))
                        .isEmpty());
        probe.interrupt();
        assertThat(probe.join(Duration.ofSeconds(30)))
                .as("the probe's thread ended")
                .isTrue();

        // Without the hand-back the breaker stays half-open under the dead probe: another process
        // waits 30 s for a verdict that never comes and gives up with BreakerOpenException.
        assertThat(call(gate(config, breaker, FAST_RETRIES), "/up")).isEqualTo("up");
    }

    @Test
    void zero_remaining_until_reset_pauses_everyone_before_the_api_says_no() {
        stubFor(get(urlPathEqualTo("/last")).willReturn(ok("x").withHeader("RateLimit", "\"default\";r=0;t=2")));
        stubFor(get(urlPathEqualTo("/next")).willReturn(ok("y")));
        CallGate gate = gate();

        call(gate, "/last");
        long started = System.nanoTime();
        call(gate(), "/next");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void a_retry_after_longer_than_max_wait_ends_the_run_with_when_to_resume() {
        stubFor(get(urlPathEqualTo("/later"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "600")));
        CallGate gate = gate(
                new LimitConfig(limit, List.of("1000/1s"), List.of(), null, Duration.ofSeconds(5), null),
                BreakerConfig.DEFAULTS,
                FAST_RETRIES);

        assertThatThrownBy(() -> call(gate, "/later"))
                .isInstanceOfSatisfying(
                        LimitExhaustedException.class,
                        e -> assertThat(e.resumeAt()).isAfter(Instant.now().plusSeconds(590)));
        verify(1, getRequestedFor(urlPathEqualTo("/later")));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
