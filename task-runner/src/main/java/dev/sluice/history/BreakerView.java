package dev.sluice.history;

import java.time.Instant;

/**
 * One shared breaker as an operator reads it ({@code sluice_breaker}). Stable API.
 *
 * @param name       the breaker's name: the first limit of the jobs using it, or {@code job:<job>}
 * @param state      {@code closed}, {@code open} or {@code half_open}
 * @param failures   consecutive failed calls, all processes together
 * @param openUntil  while open: no call before this, then one probe; else null
 * @param probeOwner while half open: the process whose call decides
 * @param lastError  the latest failure (masked)
 * @param updatedAt  the latest change
 */
public record BreakerView(
        String name,
        String state,
        int failures,
        Instant openUntil,
        String probeOwner,
        String lastError,
        Instant updatedAt) {}
