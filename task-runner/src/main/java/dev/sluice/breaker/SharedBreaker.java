package dev.sluice.breaker;

import dev.sluice.Sleeper;
import dev.sluice.breaker.internal.BreakerRows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * A circuit breaker every process shares through PostgreSQL. Each call asks {@link #allow()} first
 * (one read): while the breaker is open nobody calls the API; when its time is up one process
 * becomes the prober, and the probe's outcome closes or reopens it for everyone.
 */
public final class SharedBreaker {
    /** How long a call waits for another process's probe before giving up (exit 75). */
    static final Duration VERDICT_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final BreakerConfig config;
    private final BreakerRows rows;
    private final String owner;
    private final Clock clock;
    private final Sleeper sleeper;

    /**
     * Opens the breaker {@code name} (creating its row if missing).
     *
     * @param owner   this process's identity, stored as the prober
     * @param sleeper waits while another process probes
     */
    public SharedBreaker(Jdbi jdbi, String name, BreakerConfig config, String owner, Clock clock, Sleeper sleeper) {
        this.name = name;
        this.config = config;
        this.rows = jdbi == null ? null : new BreakerRows(jdbi);
        if (rows != null) {
            rows.ensure(name);
        }
        this.owner = owner;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** A breaker that never opens (tests of code that has no database). */
    public static SharedBreaker disabled(String name) {
        return new SharedBreaker(null, name, BreakerConfig.DEFAULTS, "-", Clock.systemUTC(), Sleeper.SYSTEM);
    }

    /** What {@link #allow()} granted: a normal call, or the probe of a half-open breaker. */
    public record Permission(boolean probe, boolean clean) {}

    public String name() {
        return name;
    }

    /**
     * Lets a call through, or refuses it while the breaker is open.
     *
     * @throws BreakerOpenException with the time a probe is next allowed
     */
    public Permission allow() {
        if (rows == null) {
            return new Permission(false, true);
        }
        BreakerRows.Row row = rows.read(name);
        return switch (row.state()) {
            case "closed" -> new Permission(false, row.failures() == 0);
            case "open" -> {
                if (row.openLeft().isPositive() || !rows.claimProbe(name, owner, config.probeTimeout())) {
                    throw new BreakerOpenException(
                            name, clock.instant().plus(max(row.openLeft(), Duration.ofSeconds(1))), row.lastError());
                }
                yield new Permission(true, false);
            }
            default -> { // half_open: one prober; the others wait briefly for its verdict
                if (owner.equals(row.probeOwner())) {
                    yield new Permission(true, false);
                }
                if (row.probeAge().compareTo(config.probeTimeout()) > 0
                        && rows.claimProbe(name, owner, config.probeTimeout())) {
                    yield new Permission(true, false);
                }
                yield awaitVerdict(row);
            }
        };
    }

    /** Another process is probing: its one call decides, usually within a request timeout. */
    private Permission awaitVerdict(BreakerRows.Row probing) {
        Instant deadline = clock.instant().plus(VERDICT_WAIT);
        while (clock.instant().isBefore(deadline)) {
            waitFor(Duration.ofMillis(200));
            BreakerRows.Row row = rows.read(name);
            if (!row.state().equals("half_open")) {
                return allow();
            }
        }
        throw new BreakerOpenException(
                name,
                clock.instant().plus(max(config.probeTimeout().minus(probing.probeAge()), Duration.ofSeconds(1))),
                "a probe has been in progress for over " + VERDICT_WAIT.toSeconds() + "s");
    }

    private void waitFor(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BreakerOpenException(name, clock.instant(), "interrupted while waiting for a probe");
        }
    }

    /** The call worked: the API is up. Writes only when there was something to reset. */
    public void success(Permission permission) {
        if (rows != null && (permission.probe() || !permission.clean())) {
            rows.success(name);
        }
    }

    /** The call failed in a way that says the API is unwell (network, timeout, 5xx, bad body). */
    public void failure(Permission permission, String error) {
        if (rows == null) {
            return;
        }
        rows.failure(name, permission.probe(), config.failureThreshold(), config.openFor(), error);
    }

    /**
     * The call holding {@code permission} ends without a verdict (interrupted, or stopped before it
     * was sent). A probe left claimed would keep every process out until the probe timeout (2 min by
     * default), so it is handed back; the database is reached even from an interrupted thread.
     */
    public void abandon(Permission permission) {
        if (rows == null || !permission.probe()) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            rows.abandonProbe(name, owner);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
