/**
 * The {@code redis_stream} input: the entries of a Redis stream, in id order, resumable by entry id.
 * Entry type: {@link dev.sluice.source.redis.RedisStreamProvider}.
 */
package dev.sluice.source.redis;
