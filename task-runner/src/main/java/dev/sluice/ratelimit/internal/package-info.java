/**
 * The bucket shape of a limit, its {@code sluice_limit} row (one statement per batch of permits),
 * and this process's current batch. Not for use outside
 * {@code dev.sluice.ratelimit}.
 */
package dev.sluice.ratelimit.internal;
