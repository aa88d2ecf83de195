package dev.sluice.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.Sleeper;
import dev.sluice.db.Database;
import dev.sluice.testing.ManualClock;
import dev.sluice.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SharedBreakerTest {
    private static final BreakerConfig CONFIG = new BreakerConfig(3, Duration.ofMillis(800), Duration.ofSeconds(5));
    private static Database db;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("breaker");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static SharedBreaker breaker(String name, String owner) {
        return new SharedBreaker(db.jdbi(), name, CONFIG, owner, Clock.systemUTC(), Sleeper.SYSTEM);
    }

    @Test
    void failures_from_different_processes_add_up_and_open_it_for_everyone() {
        SharedBreaker a = breaker("api-a", "a");
        SharedBreaker b = breaker("api-a", "b");

        a.failure(a.allow(), "503");
        b.failure(b.allow(), "503");
        a.failure(a.allow(), "timeout");

        assertThatThrownBy(b::allow).isInstanceOf(BreakerOpenException.class).hasMessageContaining("timeout");
    }

    @Test
    void a_success_resets_the_count() {
        SharedBreaker a = breaker("api-b", "a");
        a.failure(a.allow(), "503");
        a.failure(a.allow(), "503");
        a.success(a.allow());
        a.failure(a.allow(), "503");
        a.failure(a.allow(), "503");

        assertThat(a.allow().probe()).isFalse();
    }

    @Test
    void after_open_for_exactly_one_process_probes_and_its_success_closes_it() {
        SharedBreaker a = breaker("api-c", "a");
        SharedBreaker b = breaker("api-c", "b");
        for (int i = 0; i < 3; i++) {
            a.failure(a.allow(), "503");
        }

        SharedBreaker.Permission probe =
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(a::allow, p -> true);
        assertThat(probe.probe()).isTrue();
        var waiting = CompletableFuture.supplyAsync(b::allow);
        await("another process waits for the probe's verdict")
                .during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(10))
                .until(() -> !waiting.isDone());

        a.success(probe);
        assertThat(waiting.join().probe()).isFalse();
    }

    @Test
    void a_failed_probe_opens_it_again() {
        SharedBreaker a = breaker("api-d", "a");
        for (int i = 0; i < 3; i++) {
            a.failure(a.allow(), "503");
        }
        SharedBreaker.Permission probe =
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(a::allow, p -> true);

        var waiting = CompletableFuture.supplyAsync(breaker("api-d", "b")::allow);
        await("the other process waits for the probe's verdict")
                .during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(10))
                .until(() -> !waiting.isDone());
        a.failure(probe, "still down");

        assertThatThrownBy(a::allow).isInstanceOf(BreakerOpenException.class).hasMessageContaining("still down");
        assertThat(waiting)
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(BreakerOpenException.class);
    }

    @Test
    void an_abandoned_probe_lets_the_next_process_probe_at_once_and_a_decided_one_is_left_alone() {
        SharedBreaker a = breaker("api-f", "a");
        SharedBreaker b = breaker("api-f", "b");
        for (int i = 0; i < 3; i++) {
            a.failure(a.allow(), "503");
        }
        SharedBreaker.Permission probe =
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(a::allow, p -> true);
        assertThat(probe.probe()).isTrue();

        a.abandon(probe);
        SharedBreaker.Permission next = b.allow();
        assertThat(next.probe()).as("b probes now, not after the probe timeout").isTrue();

        b.success(next);
        a.abandon(probe);
        assertThat(a.allow())
                .as("closed by b's verdict; a's late hand-back changes nothing")
                .isEqualTo(new SharedBreaker.Permission(false, true));
    }

    @Test
    void a_call_waits_for_another_processs_probe_through_the_injected_sleeper_and_gives_up_after_30s() {
        SharedBreaker a = breaker("api-e", "a");
        for (int i = 0; i < 3; i++) {
            a.failure(a.allow(), "503");
        }
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(a::allow, p -> p.probe());
        ManualClock clock = new ManualClock(Instant.now());
        List<Duration> slept = new ArrayList<>();
        Sleeper sleeper = d -> {
            slept.add(d);
            clock.advance(d);
        };
        SharedBreaker b = new SharedBreaker(db.jdbi(), "api-e", CONFIG, "b", clock, sleeper);

        assertThatThrownBy(b::allow)
                .isInstanceOf(BreakerOpenException.class)
                .hasMessageContaining("a probe has been in progress for over 30s");
        assertThat(slept.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofSeconds(30));
    }
}
