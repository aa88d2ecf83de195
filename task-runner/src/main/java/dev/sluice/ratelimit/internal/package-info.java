/**
 * Bucket4j configuration and proxy manager, and the {@code sluice_limit} rows. Not for use outside
 * {@code dev.sluice.ratelimit}.
 */
package dev.sluice.ratelimit.internal;
