package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.FailWindow;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Partitions whose admitted requests fail inside a window: "partition X fails on its first try"
 * (fail-first, {@code 0+K}) or "after N pages" (fail-at, {@code N+K}). One window per partition;
 * arming one restarts that partition's count.
 */
final class PartitionFailures {
    private record Armed(FailWindow window, String rule, AtomicLong seen) {}

    private final Map<String, Armed> armed = new ConcurrentHashMap<>();

    void set(String partition, FailWindow window, String rule) {
        armed.put(partition, new Armed(window, rule, new AtomicLong()));
    }

    void setAll(Map<String, Integer> failFirst, Map<String, FailWindow> failAt) {
        armed.clear();
        failFirst.forEach((p, k) -> set(p, new FailWindow(0, k), "fail-first"));
        failAt.forEach((p, w) -> set(p, w, "fail-at"));
    }

    /** Counts this admitted request; the rule that fails it ({@code fail-first}, {@code fail-at}) or null. */
    String failNext(String partition) {
        Armed a = partition == null ? null : armed.get(partition);
        return a != null && a.window().fails(a.seen().incrementAndGet()) ? a.rule() : null;
    }
}
