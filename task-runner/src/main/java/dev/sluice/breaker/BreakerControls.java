package dev.sluice.breaker;

import dev.sluice.Masking;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The shared breakers as an operator sees and steers them ({@code sluice serve}): read every row,
 * open one by hand (nobody calls the API until the time is up, then one process probes as usual),
 * close one (calls resume at once, the failure count starts again).
 */
public final class BreakerControls {
    private final Jdbi jdbi;

    public BreakerControls(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * One breaker's row. The last error is masked.
     *
     * @param state        closed, open or half_open
     * @param openedUntil  while open: no call before this; then one process probes
     * @param failures     consecutive failed calls, every process together
     */
    public record BreakerView(
            String name,
            String state,
            int failures,
            Instant openedUntil,
            String probeOwner,
            String lastError,
            Instant updatedAt) {}

    /** Every breaker, by name. */
    public List<BreakerView> list() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT name, state, failures, opened_until, probe_owner, last_error, updated_at
                        FROM sluice_breaker ORDER BY name""")
                .map((rs, ctx) -> new BreakerView(
                        rs.getString("name"),
                        rs.getString("state"),
                        rs.getInt("failures"),
                        instant(rs.getTimestamp("opened_until")),
                        rs.getString("probe_owner"),
                        Masking.mask(rs.getString("last_error")),
                        instant(rs.getTimestamp("updated_at"))))
                .list());
    }

    /** Opens a breaker for {@code length} (database time); empty when no such breaker exists. */
    public Optional<BreakerView> open(String name, Duration length, String reason) {
        int changed = jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE sluice_breaker SET state = 'open', opened_until = now() + make_interval(secs => :secs),
                               probe_owner = NULL, probe_started_at = NULL, last_error = :reason, updated_at = now()
                        WHERE name = :name""")
                .bind("name", name)
                .bind("secs", length.toMillis() / 1000.0)
                .bind("reason", reason)
                .execute());
        return changed == 0 ? Optional.empty() : find(name);
    }

    /** Closes a breaker: calls resume at once and the failure count starts from zero. */
    public Optional<BreakerView> close(String name) {
        int changed =
                jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE sluice_breaker SET state = 'closed', failures = 0, opened_until = NULL,
                               probe_owner = NULL, probe_started_at = NULL, updated_at = now()
                        WHERE name = :name""").bind("name", name).execute());
        return changed == 0 ? Optional.empty() : find(name);
    }

    private Optional<BreakerView> find(String name) {
        return list().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
