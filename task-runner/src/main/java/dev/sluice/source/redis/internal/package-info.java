/** The Redis stream reader and its connection settings; used only by {@code dev.sluice.source.redis}. */
package dev.sluice.source.redis.internal;
