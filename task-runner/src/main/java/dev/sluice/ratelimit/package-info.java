/**
 * Limits shared by every process through PostgreSQL (token buckets in sluice_limit rows, taken in
 * batches): paced rates and quotas, pauses the
 * API asks for, and what its rate-limit headers say. Entry type: {@link dev.sluice.ratelimit.SharedLimits}.
 */
package dev.sluice.ratelimit;
