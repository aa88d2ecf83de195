package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.Sleeper;
import dev.sluice.breaker.BreakerConfig;
import dev.sluice.breaker.SharedBreaker;
import dev.sluice.db.Database;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.ratelimit.SharedLimits;
import dev.sluice.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LimitViewsTest {
    private static Database db;
    private static LimitViews views;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("limitviews");
        views = new LimitViews(db.jdbi());
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static SharedLimits open(String name, List<String> rates, List<String> quotas, String owner) {
        return SharedLimits.open(
                db.jdbi(),
                db.dataSource(),
                List.of(new LimitConfig(name, rates, quotas, 3, Duration.ofSeconds(30), 0.0)),
                owner,
                Clock.systemUTC(),
                Sleeper.SYSTEM);
    }

    @Test
    void a_limit_shows_its_configuration_version_and_the_permits_left_now() {
        SharedLimits limits = open("views-daily", List.of(), List.of("10/1d"), "orders (jobs/orders.yaml)");
        assertThat(views.limits(List.of("views-daily")).getFirst().available())
                .as("registered, never taken from: a full bucket")
                .isEqualTo(10);

        for (int i = 0; i < 4; i++) {
            limits.acquire();
        }
        limits.close(); // hands back the rest of the batch
        LimitView view = views.limits(List.of("views-daily")).getFirst();

        assertThat(view.quotas()).containsExactly("10/1d");
        assertThat(view.rates()).isEmpty();
        assertThat(view.burst()).isEqualTo(3);
        assertThat(view.version()).isEqualTo(1);
        assertThat(view.configuredBy()).isEqualTo("orders (jobs/orders.yaml)");
        assertThat(view.capacity()).containsExactly(10.0);
        assertThat(view.available()).as("10 a day, 4 used").isEqualTo(6);
        assertThat(view.pausedUntil()).isNull();
    }

    @Test
    void a_new_configuration_is_a_new_version_and_a_pause_shows_until_when_and_why() {
        open("views-paced", List.of("5/1s"), List.of(), "a").close();
        SharedLimits changed = open("views-paced", List.of("7/1s"), List.of(), "b");
        changed.pause(Duration.ofMinutes(2), "429 with Retry-After 2m from api.example.com");

        LimitView view = views.limits(List.of("views-paced")).getFirst();

        assertThat(view.version()).isEqualTo(2);
        assertThat(view.rates()).containsExactly("7/1s");
        assertThat(view.configuredBy()).isEqualTo("b");
        assertThat(view.pauseReason()).contains("Retry-After 2m");
        assertThat(Duration.between(view.observedAt(), view.pausedUntil()).toSeconds())
                .isCloseTo(120, within(5L));
    }

    @Test
    void null_names_mean_every_limit_and_unknown_names_show_nothing() {
        open("views-all-a", List.of("1/1s"), List.of(), "x").close();
        open("views-all-b", List.of("1/1s"), List.of(), "x").close();

        assertThat(views.limits(null)).extracting(LimitView::name).contains("views-all-a", "views-all-b");
        assertThat(views.limits(List.of("views-nobody"))).isEmpty();
    }

    @Test
    void a_breaker_shows_its_state_failures_and_until_when_it_is_open() {
        BreakerConfig config = new BreakerConfig(2, Duration.ofMinutes(1), Duration.ofSeconds(5));
        SharedBreaker breaker =
                new SharedBreaker(db.jdbi(), "views-breaker", config, "me", Clock.systemUTC(), Sleeper.SYSTEM);
        breaker.failure(breaker.allow(), "503 from api.example.com");
        assertThat(views.breakers(List.of("views-breaker")).getFirst())
                .extracting(BreakerView::state, BreakerView::failures, BreakerView::openUntil)
                .containsExactly("closed", 1, null);

        breaker.failure(breaker.allow(), "timeout calling api.example.com");
        BreakerView open = views.breakers(List.of("views-breaker")).getFirst();

        assertThat(open.state()).isEqualTo("open");
        assertThat(open.failures()).isEqualTo(2);
        assertThat(open.openUntil()).isAfter(Instant.now().plusSeconds(30));
        assertThat(open.lastError()).contains("timeout");
    }

    @Test
    void the_series_reads_seconds_in_order_and_totals_sum_a_window() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        db.jdbi()
                .useHandle(h -> h.createUpdate("""
                        INSERT INTO sluice_limit_series (limit_name, bucket_start, permits, calls, http_429, permit_wait_ms, permit_wait_max_ms)
                        VALUES ('views-series', :t0, 10, 8, 1, 30, 20), ('views-series', :t1, 0, 5, 2, 10, 9),
                               ('views-series', :t2, 4, 4, 0, 0, 0)""")
                        .bind("t0", t.atOffset(ZoneOffset.UTC))
                        .bind("t1", t.plusSeconds(1).atOffset(ZoneOffset.UTC))
                        .bind("t2", t.plusSeconds(2).atOffset(ZoneOffset.UTC))
                        .execute());

        List<SeriesPoint> seconds = views.series("views-series", t, t.plusSeconds(2));
        SeriesPoint total =
                views.totals(List.of("views-series"), t.plusSeconds(1)).getFirst();

        assertThat(seconds).extracting(SeriesPoint::second).containsExactly(t, t.plusSeconds(1));
        assertThat(seconds.getFirst().calls()).isEqualTo(8);
        assertThat(total)
                .extracting(
                        SeriesPoint::calls, SeriesPoint::http429, SeriesPoint::permits, SeriesPoint::permitWaitMaxMs)
                .containsExactly(9L, 2L, 4L, 9.0);
    }
}
