package dev.sluice.breaker;

import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * The shared breakers as an operator steers them ({@code sluice serve}): open one by hand (nobody
 * calls the API until the time is up, then one process probes as usual), close one (calls resume
 * at once, the failure count starts again). Reading them is {@code dev.sluice.history.LimitViews}' job.
 */
public final class BreakerControls {
    private final Jdbi jdbi;

    public BreakerControls(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Opens a breaker for {@code length} (database time); false when no such breaker exists. */
    public boolean open(String name, Duration length, String reason) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE sluice_breaker SET state = 'open', opened_until = now() + make_interval(secs => :secs),
                               probe_owner = NULL, probe_started_at = NULL, last_error = :reason, updated_at = now()
                        WHERE name = :name""")
                        .bind("name", name)
                        .bind("secs", length.toMillis() / 1000.0)
                        .bind("reason", reason)
                        .execute())
                > 0;
    }

    /** Closes a breaker: calls resume at once and the failure count starts from zero; false: no such breaker. */
    public boolean close(String name) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE sluice_breaker SET state = 'closed', failures = 0, opened_until = NULL,
                               probe_owner = NULL, probe_started_at = NULL, updated_at = now()
                        WHERE name = :name""").bind("name", name).execute()) > 0;
    }
}
