package dev.sluice.sandbox.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Idempotency keys seen by {@code POST /v1/events}, each with the response its first request got. */
final class Events {
    private final Map<String, byte[]> responses = new ConcurrentHashMap<>();

    /** Stores the response for a new key and returns null, or returns the stored one for a repeat. */
    byte[] firstResponse(String key, byte[] response) {
        return responses.putIfAbsent(key, response);
    }
}
