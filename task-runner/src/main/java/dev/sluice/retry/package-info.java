/**
 * Retrying API calls with Failsafe: backoff with upward jitter that never undercuts Retry-After.
 * Entry type: {@link dev.sluice.retry.Retries}.
 */
package dev.sluice.retry;
