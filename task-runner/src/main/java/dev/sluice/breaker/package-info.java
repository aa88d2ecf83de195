/**
 * Circuit breakers shared through PostgreSQL: open for everyone, one prober. Entry type:
 * {@link dev.sluice.breaker.SharedBreaker}.
 */
package dev.sluice.breaker;
