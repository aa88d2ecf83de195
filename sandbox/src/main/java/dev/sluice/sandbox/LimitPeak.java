package dev.sluice.sandbox;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The most one limit admitted in any one of its windows, for tests that assert "never exceeded".
 * Windows are epoch-aligned and as long as the limit's period (1 s windows start on whole seconds),
 * exactly the windows a {@code window} limit enforces; a {@code bucket} limit may admit up to its
 * burst plus its count in one such window.
 *
 * @param name     the limit's policy name ({@code default}, {@code limit2}, ... for unnamed request
 *                 limits; {@code units}, {@code units2}, ... for unnamed unit limits)
 * @param unit     {@code requests} or {@code units}
 * @param limit    the limit's text form, e.g. {@code window:50/1s}
 * @param peak     the most admitted in one window (requests, or units of cost)
 * @param admitted admitted in all (requests, or units)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LimitPeak(String name, String unit, String limit, long peak, long admitted) {}
