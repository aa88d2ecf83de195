/**
 * The {@code sluice_breaker} rows. Not for use outside {@code dev.sluice.breaker}.
 */
package dev.sluice.breaker.internal;
