package dev.sluice.job;

import dev.sluice.config.SpecCheck;

/**
 * {@code dead_letters:} records that cannot be written are stored in {@code sluice_dead_letter}
 * (raw payload, error, position) in the same transaction as their page; when a partition collects
 * more than {@code max}, the page that crossed the line is not committed and the run exits 65.
 *
 * @param max dead letters tolerated per partition (default 0: any bad record stops the run)
 */
public record DeadLettersConfig(Long max) {
    public static final DeadLettersConfig DEFAULTS = new DeadLettersConfig(null);

    public DeadLettersConfig {
        max = max == null ? 0L : max;
    }

    void check(SpecCheck check) {
        check.require(max >= 0, "max", "must be 0 or more");
    }
}
