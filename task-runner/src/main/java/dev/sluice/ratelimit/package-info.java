/**
 * Limits shared by every process through PostgreSQL (Bucket4j): paced rates and quotas, pauses the
 * API asks for, and what its rate-limit headers say. Entry type: {@link dev.sluice.ratelimit.SharedLimits}.
 */
package dev.sluice.ratelimit;
