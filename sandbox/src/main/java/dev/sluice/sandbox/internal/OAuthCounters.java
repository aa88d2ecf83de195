package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.OAuthStats;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts token requests and token checks; never a token value. */
final class OAuthCounters {
    private final Map<String, LongAdder> issued = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder invalidTokens = new LongAdder();
    private final LongAdder revocations = new LongAdder();

    void issued(String grantType) {
        issued.computeIfAbsent(grantType, k -> new LongAdder()).increment();
    }

    void error(String code) {
        errors.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    void invalidToken() {
        invalidTokens.increment();
    }

    void revoked() {
        revocations.increment();
    }

    OAuthStats snapshot() {
        return new OAuthStats(sums(issued), sums(errors), invalidTokens.sum(), revocations.sum());
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
