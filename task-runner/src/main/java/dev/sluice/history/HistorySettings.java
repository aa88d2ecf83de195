package dev.sluice.history;

import dev.sluice.config.Durations;
import dev.sluice.db.DatabaseConfigException;
import java.time.Duration;
import java.util.Map;

/**
 * How a process keeps the per-limit history, from the environment:
 *
 * <ul>
 *   <li>{@code SLUICE_HISTORY}: {@code on} (default) or {@code off} (nothing is recorded; the
 *       views still read what others wrote);
 *   <li>{@code SLUICE_HISTORY_FLUSH}: how often a process writes its seconds (default 5s);
 *   <li>{@code SLUICE_HISTORY_RETENTION}: how long rows are kept (default 24h).
 * </ul>
 */
public record HistorySettings(boolean enabled, Duration flushEvery, Duration retention) {
    public static final HistorySettings DEFAULTS =
            new HistorySettings(true, Duration.ofSeconds(5), Duration.ofHours(24));

    public HistorySettings {
        if (flushEvery.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException(
                    "SLUICE_HISTORY_FLUSH must be at least 100ms, not " + Durations.format(flushEvery));
        }
        if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException(
                    "SLUICE_HISTORY_RETENTION must be at least 1m, not " + Durations.format(retention));
        }
    }

    /** The settings the environment names; a bad value is a configuration error (exit 78) naming it. */
    public static HistorySettings fromEnv(Map<String, String> env) {
        String switched = env.getOrDefault("SLUICE_HISTORY", "on").trim();
        if (!switched.equals("on") && !switched.equals("off")) {
            throw new DatabaseConfigException(
                    "SLUICE_HISTORY = \"" + switched + "\": expected on or off (off records no limit history)");
        }
        try {
            return new HistorySettings(
                    switched.equals("on"),
                    duration(env, "SLUICE_HISTORY_FLUSH", DEFAULTS.flushEvery()),
                    duration(env, "SLUICE_HISTORY_RETENTION", DEFAULTS.retention()));
        } catch (IllegalArgumentException e) {
            throw new DatabaseConfigException(e.getMessage());
        }
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " = \"" + text + "\": " + e.getMessage(), e);
        }
    }
}
